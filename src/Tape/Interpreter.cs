using System.Buffers;

namespace TapeAD.Tape;

/// <summary>
/// Evaluates a graph by a loop over its nodes: the reference every compiled result is tested
/// against. It calls the same value functions as the compiler emits, so both give the same bits.
/// </summary>
public static class Interpreter
{
    /// <summary>Evaluates <paramref name="outputs"/> of <paramref name="g"/> at <paramref name="inputs"/>.</summary>
    public static void Run(Graph g, ReadOnlySpan<int> outputs, ReadOnlySpan<double> inputs, Span<double> results)
    {
        ArgumentNullException.ThrowIfNull(g);
        if (results.Length != outputs.Length)
            throw new ArgumentException($"Expected a result span of length {outputs.Length}, got {results.Length}.", nameof(results));
        if (inputs.Length < g.InputCount)
            throw new ArgumentException($"Expected {g.InputCount} inputs, got {inputs.Length}.", nameof(inputs));
        int n = g.Count;
        double[] v = ArrayPool<double>.Shared.Rent(n);
        try
        {
            for (int i = 0; i < n; i++)
            {
                int a = g.A(i), b = g.B(i);
                v[i] = g.OpOf(i) switch
                {
                    Op.Constant => g.ConstantOf(i),
                    Op.Input => inputs[g.InputIndexOf(i)],
                    Op.Add => Primitives.Add(v[a], v[b]),
                    Op.Sub => Primitives.Sub(v[a], v[b]),
                    Op.Mul => Primitives.Mul(v[a], v[b]),
                    Op.Div => Primitives.Div(v[a], v[b]),
                    Op.Neg => Primitives.Neg(v[a]),
                    Op.Select => Primitives.Select(v[a], v[b], v[g.C(i)]),
                    var op => Primitives.Evaluate(op, v[a], b < 0 ? 0 : v[b], 0, g.ConstantOf(i)),
                };
            }
            for (int j = 0; j < outputs.Length; j++) results[j] = v[outputs[j]];
        }
        finally
        {
            ArrayPool<double>.Shared.Return(v);
        }
    }
}

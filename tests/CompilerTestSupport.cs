using TapeAD.Compiler;
using TapeAD.Tape;
using Xunit;

namespace TapeAD.Tests;

/// <summary>Shared pieces of the compiler tests: compiling with the fast path enforced, comparing
/// against the interpreter bit for bit, and random graphs over every primitive.</summary>
internal static class CompilerTestSupport
{
    /// <summary>One option set per backend; the small limits force chunking and every inline depth
    /// on graphs of a few dozen nodes.</summary>
    public static readonly CompilerOptions[] EveryBackend =
    [
        new() { RequireFastCompiler = true },
        new() { RequireFastCompiler = true, MaxStatementsPerMethod = 1, MaxInlineDepth = 0 },
        new() { RequireFastCompiler = true, MaxStatementsPerMethod = 5, MaxInlineDepth = 2 },
        new() { RequireFastCompiler = true, MaxStatementsPerMethod = 16, MaxInlineDepth = CompilerOptions.InlineDepthLimit },
        new() { RequireFastCompiler = true, InterpretAboveNodes = 0 },
    ];

    private static readonly double[] Special =
        [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, 1e308, -1e-310, 1.0, -1.0];

    /// <summary>Compiles and checks that FastExpressionCompiler, not the fallback, compiled it.</summary>
    public static CompiledFunction CompileFast(TapeFunction f, CompilerOptions? options = null)
    {
        var c = f.Compile(options ?? new CompilerOptions { RequireFastCompiler = true });
        Assert.False(c.UsedSystemCompiler, "Expression.Compile was used: the emitter produced something CompileFast refused.");
        return c;
    }

    /// <summary>
    /// Asserts the compiled function gives the interpreter's bits at <paramref name="x"/>. A NaN
    /// matches any NaN: which operand's NaN an IEEE operation returns is unspecified, and the JIT
    /// swaps the operands of commutative operations (so <c>NaN + -NaN</c> has either sign).
    /// </summary>
    public static void AssertSameBits(TapeFunction f, CompiledFunction c, double[] x)
    {
        var expected = f.Evaluate(x);
        var actual = c.Evaluate(x);
        for (int i = 0; i < expected.Length; i++)
        {
            bool same = BitConverter.DoubleToInt64Bits(expected[i]) == BitConverter.DoubleToInt64Bits(actual[i])
                || (double.IsNaN(expected[i]) && double.IsNaN(actual[i]));
            if (!same)
                Assert.Fail($"{f.Description} ({c.Backend}): result {i} is {actual[i]:R} ({BitConverter.DoubleToInt64Bits(actual[i]):X16}), the interpreter gives {expected[i]:R} ({BitConverter.DoubleToInt64Bits(expected[i]):X16}) at x = [{string.Join(", ", x)}].");
        }
    }

    /// <summary>Inputs: mostly ordinary numbers, sometimes NaN, infinities, signed zeros, huge or subnormal values.</summary>
    public static double[] RandomInputs(Random rng, int length, double specialRate = 0.1)
    {
        var x = new double[length];
        for (int i = 0; i < length; i++)
            x[i] = rng.NextDouble() < specialRate ? Special[rng.Next(Special.Length)] : (rng.NextDouble() - 0.5) * 4;
        return x;
    }

    /// <summary>
    /// A random graph using every primitive <see cref="Op"/> defines (new ones included
    /// automatically). Operands come from the few latest nodes (long chains that nest) or from
    /// anywhere (values shared by many readers, whose locals must outlive nested readers).
    /// </summary>
    public static TapeFunction RandomFunction(int seed, int inputLength = 4, int steps = 60, int outputLength = 6)
    {
        var rng = new Random(seed);
        var g = new Graph();
        var nodes = new List<int>();
        for (int j = 0; j < inputLength; j++) nodes.Add(g.Input(j));
        foreach (double k in new[] { 0.5, -2.0, 3.0 }) nodes.Add(g.Constant(k));
        var ops = Enum.GetValues<Op>().Where(op => op is not (Op.Constant or Op.Input)).ToArray();
        double[] exponents = [0.5, 3, -2, 1.5, 0, 1, 2, -1, 0.25, -0.5];
        for (int s = 0; s < steps; s++)
        {
            var op = ops[rng.Next(ops.Length)];
            int Pick() => rng.NextDouble() < 0.6 ? nodes[Math.Max(0, nodes.Count - 1 - rng.Next(4))] : nodes[rng.Next(nodes.Count)];
            int a = Pick();
            int arity = Primitives.ArityOf(op);
            // A Select's condition is usually a comparison, as VarMath records it.
            if (op == Op.Select && rng.NextDouble() < 0.8) a = g.Greater(Pick(), Pick());
            nodes.Add(g.Apply(op, a, arity >= 2 ? Pick() : -1, arity >= 3 ? Pick() : -1, exponents[rng.Next(exponents.Length)]));
        }
        var outputs = new int[outputLength];
        for (int i = 0; i < outputLength; i++)
            outputs[i] = i == 0 ? nodes[^1] : nodes[rng.Next(nodes.Count)];
        return new TapeFunction(g, outputs, inputLength, description: $"random graph {seed}");
    }

    /// <summary>A small two-layer network like the seed model: Dense(5,3,elu) then Dense(3,3) with tanh.</summary>
    public static TapeFunction SeedNetwork(Func<Var, Var> activation) => TapeFunction.Record(5, x =>
    {
        var h = new Var[3];
        for (int i = 0; i < 3; i++)
        {
            var s = x[0] * (0.1 * (i + 1));
            for (int j = 1; j < 5; j++) s += x[j] * (0.2 * j - 0.3 * i);
            h[i] = activation(s + 0.05 * i);
        }
        return new[] { h[0] * 0.5 + h[1] * -0.7 + h[2] * 0.3, h[0] * 0.1 - h[2] * 0.9 + 0.2, VarMath.Tanh(h[1]) * h[0] };
    }, "seed network");

    /// <summary>A chain <c>v = v*x1 + 0.25</c> of about <paramref name="nodes"/> nodes: as deep as a graph gets.</summary>
    public static TapeFunction Chain(int nodes) => TapeFunction.Record(2, x =>
    {
        var v = x[0];
        for (int i = 0; i < nodes / 2; i++) v = v * x[1] + 0.25;
        return v;
    }, $"chain of {nodes}");
}

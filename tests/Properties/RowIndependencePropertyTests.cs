using TapeAD.Compiler;
using TapeAD.Layers;
using TapeAD.Nn;
using TapeAD.Tape;
using Xunit;

namespace TapeAD.Tests.Properties;

/// <summary>
/// A batch row's bits depend on that row alone: the same as <c>Evaluate</c> of the row, whatever the
/// other rows hold (random rows mixed with NaN, ±Inf, ±1e308 and ±1000), wherever the row sits (so
/// whichever SIMD lane, block and thread computes it), on the scalar level at both vector widths and
/// on the tensor level through the public compiled queries.
/// </summary>
public class RowIndependencePropertyTests
{
    private static readonly double[] Hostile = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e308, -1e308, 1000, -1000];

    [NetworkProperty(4)]
    public void Scalar_level_batch_rows_do_not_depend_on_their_neighbours_or_thread(AnyNetwork network, int seed)
    {
        var c = network.Case;
        var f = c.Function;
        double[] xv = [.. c.X, .. c.V];
        var queries = new (TapeFunction Query, double[] Input)[]
        {
            (f, c.X), (f.Jacobian(), c.X), (f.Hessian(), c.X), (f.HessianVectorProduct(), xv), (f.SecondOrderJacobian(), c.X), (f.Laplacian(), c.X),
        };
        foreach (var width in new[] { BatchVectorWidth.Vector256, BatchVectorWidth.Vector512 })
            foreach (var (query, input) in queries)
                CheckRows(CompiledFunction.Compile(query, CompilerOptions.Default with { BatchVectorWidth = width }), input, seed, $"{query.Description} ({width})");
    }

    [Fact]
    public void Tensor_level_batch_rows_do_not_depend_on_their_neighbours_or_thread()
    {
        var pinn = BuiltinModels.Get("pinn");
        var queries = new[] { pinn.CompileValue(), pinn.CompileJacobian(), pinn.CompileSecondOrderJacobian(), pinn.CompileLaplacian(), pinn.CompileHessianVectorProduct() };
        var rng = new Random(5);
        foreach (var q in queries)
            CheckRows(q, Enumerable.Range(0, q.InputLength).Select(_ => rng.NextDouble() - 0.5).ToArray(), 11, q.Description);
    }

    private static void CheckRows(ICompiledQuery q, double[] around, int seed, string what)
    {
        const int rows = 45; // not a multiple of a block or a vector width
        var rng = new Random(seed);
        var x = new double[rows * q.InputLength];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < q.InputLength; j++)
                x[r * q.InputLength + j] = rng.Next(4) == 0 ? Hostile[rng.Next(Hostile.Length)] : around[j] + (rng.NextDouble() - 0.5);
        var y = new double[rows * q.OutputLength];
        q.EvaluateBatch(x, y, Environment.ProcessorCount);

        // The same rows in another order, one thread: every row meets other neighbours, lanes and blocks.
        var order = Enumerable.Range(0, rows).OrderBy(_ => rng.Next()).ToArray();
        var shuffled = new double[x.Length];
        for (int r = 0; r < rows; r++) x.AsSpan(order[r] * q.InputLength, q.InputLength).CopyTo(shuffled.AsSpan(r * q.InputLength));
        var ys = new double[y.Length];
        q.EvaluateBatch(shuffled, ys, 1);

        var one = new double[q.OutputLength];
        for (int r = 0; r < rows; r++)
        {
            var row = x.AsSpan(r * q.InputLength, q.InputLength).ToArray();
            q.Evaluate(row, one);
            string at = $"{what}, row {r} at {LayerSpec.List(row)}";
            Bits.SameResults(one, y.AsSpan(r * q.OutputLength, q.OutputLength).ToArray(), $"{at}: batch vs Evaluate");
        }
        for (int r = 0; r < rows; r++)
            Bits.SameResults(y.AsSpan(order[r] * q.OutputLength, q.OutputLength).ToArray(), ys.AsSpan(r * q.OutputLength, q.OutputLength).ToArray(),
                $"{what}, row {order[r]}: moved to position {r}");
    }
}

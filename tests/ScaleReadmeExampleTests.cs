using TapeAD.Compiler;
using TapeAD.Layers;
using TapeAD.Nn;
using Xunit;

namespace TapeAD.Tests;

/// <summary>The README's example for wide networks and batches, as written there.</summary>
public class ScaleReadmeExampleTests
{
    [Fact]
    public void LaplacianOfPinnOverABatch()
    {
        var pinn = BuiltinModels.Get("pinn");                    // 8 → 64 tanh → 64 tanh → 64 tanh → 1
        var lap = pinn.CompileLaplacian();                       // tensor level, chosen by cost
        var xs = new double[1024 * 8];                           // 1,024 inputs, row after row
        for (int i = 0; i < xs.Length; i++) xs[i] = Math.Sin(i);
        var laplacians = new double[1024 * lap.OutputLength];
        lap.EvaluateBatch(xs, laplacians);                       // all cores, same bits on any thread count

        Assert.IsType<TensorQuery>(lap);
        var scalar = pinn.ToFunction().Laplacian().Compile();
        var one = new double[1];
        scalar.Evaluate(xs.AsSpan(8 * 100, 8), one);
        Assert.Equal(one[0], laplacians[100], 1e-12);
        ICompiledQuery seedHessian = BuiltinModels.Seed().CompileHessian();   // small: the scalar graph
        Assert.IsType<CompiledFunction>(seedHessian);
    }

    [Fact]
    public void ResidualFunctionRecordedWithVectorOperations()
    {
        double[] w1 = new double[64 * 8], b1 = new double[64], w2 = new double[64 * 64], w3 = new double[64];
        var rng = new Random(2);
        foreach (var w in new[] { w1, b1, w2, w3 })
            for (int i = 0; i < w.Length; i++) w[i] = 0.3 * (rng.NextDouble() - 0.5);
        var f = TensorFunction.Record(8, x =>
        {
            var h = TensorMath.Dense(x, w1, b1, new ElementMap("tanh", TapeAD.Tape.VarMath.Tanh));
            var r = h + TensorMath.Tanh(h.MatMul(w2, 64));       // residual block
            return [r.MatMul(w3, 1)];
        }, "residual");
        var hessian = f.CompileHessian();                         // [1, 8, 8], tensor level

        Assert.IsType<TensorQuery>(hessian);
        Assert.Equal(new[] { 1, 8, 8 }, hessian.Shape);
        var x = Enumerable.Range(0, 8).Select(i => Math.Cos(i)).ToArray();
        TensorGraphTests.AssertClose(f.ToScalarFunction().Hessian().Evaluate(x), ((TensorQuery)hessian).Evaluate(x), 1e-12, "residual hessian");
    }
}

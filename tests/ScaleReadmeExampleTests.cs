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
}

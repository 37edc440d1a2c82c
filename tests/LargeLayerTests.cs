using System.Diagnostics;
using TapeAD.Layers;
using TapeAD.Nn;
using TapeAD.Tape;
using Xunit;

namespace TapeAD.Tests;

/// <summary>Networks far too wide for the scalar graph: prepared in well under a second, and right.</summary>
public class LargeLayerTests
{
    [Theory]
    [InlineData("pinn")]
    [InlineData("wide")]
    public void Every_query_of_the_builtin_wide_models_prepares_in_under_a_second(string name)
    {
        var chain = BuiltinModels.Get(name);
        var x = LayerQueryTests.RandomRows(new Random(2), 1, 2 * chain.InputLength);
        foreach (var prepare in new Func<Chain, Compiler.ICompiledQuery>[]
        {
            c => c.CompileValue(), c => c.CompileJacobian(), c => c.CompileHessian(),
            c => c.CompileHessianVectorProduct(), c => c.CompileSecondOrderJacobian(), c => c.CompileLaplacian(),
        })
        {
            var clock = Stopwatch.StartNew();
            var q = prepare(chain);
            var y = new double[q.OutputLength];
            q.Evaluate(x.AsSpan(0, q.InputLength), y);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"{q.Description}: prepare and first call took {clock.Elapsed}");
            Assert.All(y, v => Assert.True(double.IsFinite(v)));
        }
    }

    [Fact]
    public void A_1024_wide_two_layer_network_answers_every_query_consistently()
    {
        var chain = Chain.Random("big", new Random(9), 1, (1024, Activation.Tanh), (1024, Activation.Tanh), (1, Activation.Identity));
        var l = chain.ToTensorFunction();
        double[] x = [0.3];
        double Value(double at) => l.Value().Evaluate([at])[0];
        double[] FirstDerivative(double[] at) => l.Jacobian().Evaluate(at);

        double jacobian = l.Jacobian().Evaluate(x)[0];
        double fd = FiniteDifferences.Partial(p => [Value(p[0])], x, 0)[0];
        Assert.True(Math.Abs(jacobian - fd) <= FiniteDifferences.Tolerance(Math.Max(1, Math.Abs(jacobian))), $"jacobian {jacobian} vs fd {fd}");
        Assert.Equal(jacobian, l.Jacobian(FirstOrderMode.Forward).Evaluate(x)[0], 1e-12);

        double second = FiniteDifferences.Partial(FirstDerivative, x, 0)[0];
        foreach (var q in new[] { l.Hessian(SecondOrderMode.ForwardOverForward), l.Hessian(SecondOrderMode.ForwardOverReverse), l.SecondOrderJacobian(), l.Laplacian() })
        {
            double h = q.Evaluate(x)[0];
            Assert.True(Math.Abs(h - second) <= FiniteDifferences.Tolerance(Math.Max(1, Math.Abs(h))), $"{q.Description}: {h} vs fd {second}");
        }
        foreach (var hvp in new[] { l.HessianVectorProduct(SecondOrderMode.ForwardOverForward), l.HessianVectorProduct(SecondOrderMode.ForwardOverReverse) })
            Assert.Equal(-2.5 * l.Laplacian().Evaluate(x)[0], hvp.Evaluate([0.3, -2.5])[0], 1e-9);

        var batch = LayerQueryTests.RandomRows(new Random(4), 64, 1);
        var results = new double[64];
        l.Laplacian().EvaluateBatch(batch, results);
        Assert.Equal(l.Laplacian().Evaluate(batch.AsSpan(5, 1).ToArray())[0], results[5], 1e-13);
    }

    [Fact]
    public void The_gradient_and_one_outputs_hvp_of_a_1024_wide_network_prepare_in_little_memory()
    {
        var chain = Chain.Random("big", new Random(9), 1, (1024, Activation.Tanh), (1024, Activation.Tanh), (1, Activation.Identity));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var f = chain.ToTensorFunction();
        var gradient = f.CompileGradient(0);
        var hvp = f.CompileHessianVectorProduct(0);
        var hessian = f.CompileHessian();
        long prepared = GC.GetAllocatedBytesForCurrentThread() - before;
        // The scalar graph of this gradient has millions of nodes; the tensor level keeps the weights once per layout.
        Assert.True(prepared < 100_000_000, $"preparing allocated {prepared / 1e6:F1} MB");
        Assert.IsType<TensorQuery>(gradient);
        Assert.IsType<TensorQuery>(hvp);
        double g = gradient.Evaluate([0.3])[0];
        Assert.Equal(f.Jacobian().Evaluate([0.3])[0], g, 1e-13);
        Assert.Equal(-2 * hessian.Evaluate([0.3])[0], hvp.Evaluate([0.3, -2])[0], 1e-9);
    }
}

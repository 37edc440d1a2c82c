using TapeAD.Compiler;
using TapeAD.Layers;
using TapeAD.Nn;
using TapeAD.Tape;
using Xunit;

namespace TapeAD.Tests;

/// <summary>The tensor level computes what the scalar graph computes, for every activation and
/// every query and mode, and keeps its batch promises.</summary>
public class LayerQueryTests
{
    public static TheoryData<Activation> EveryActivation() => [.. Enum.GetValues<Activation>()];

    /// <summary>Every query of both levels, paired: (name, scalar graph, tensor level).</summary>
    internal static (string Name, TapeFunction Scalar, TensorQuery Tensor)[] Pairs(Chain chain)
    {
        var f = chain.ToFunction();
        var l = chain.ToTensorFunction();
        return
        [
            ("value", f, l.Value()),
            ("jacobian forward", f.Jacobian(FirstOrderMode.Forward), l.Jacobian(FirstOrderMode.Forward)),
            ("jacobian reverse", f.Jacobian(FirstOrderMode.Reverse), l.Jacobian(FirstOrderMode.Reverse)),
            ("hessian fof", f.Hessian(), l.Hessian(SecondOrderMode.ForwardOverForward)),
            ("hessian for", f.Hessian(), l.Hessian(SecondOrderMode.ForwardOverReverse)),
            ("hvp fof", f.HessianVectorProduct(), l.HessianVectorProduct(SecondOrderMode.ForwardOverForward)),
            ("hvp for", f.HessianVectorProduct(), l.HessianVectorProduct(SecondOrderMode.ForwardOverReverse)),
            ("second-order jacobian", f.SecondOrderJacobian(), l.SecondOrderJacobian()),
            ("laplacian", f.Laplacian(), l.Laplacian()),
        ];
    }

    internal static double[] RandomRows(Random rng, int rows, int length)
    {
        var x = new double[rows * length];
        for (int i = 0; i < x.Length; i++) x[i] = 2 * rng.NextDouble() - 1;
        return x;
    }

    [Theory]
    [MemberData(nameof(EveryActivation))]
    public void Tensor_level_matches_the_scalar_graph(Activation activation)
    {
        var rng = new Random(17 + (int)activation);
        var chain = Chain.Random("small", rng, 3, (6, activation), (5, activation), (2, Activation.Identity));
        foreach (var (name, scalar, tensor) in Pairs(chain))
        {
            Assert.Equal(scalar.Shape, tensor.Shape);
            Assert.Equal(scalar.InputLength, tensor.InputLength);
            for (int trial = 0; trial < 3; trial++)
            {
                var x = RandomRows(rng, 1, scalar.InputLength);
                double[] expected = scalar.Evaluate(x), actual = tensor.Evaluate(x);
                double scale = Math.Max(1, expected.Max(Math.Abs));
                for (int i = 0; i < expected.Length; i++)
                    Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12 * scale,
                        $"{activation} {name} [{i}]: scalar {expected[i]:R}, tensor {actual[i]:R}");
            }
        }
    }

    [Fact]
    public void Tensor_level_matches_on_a_deeper_wider_chain_with_many_outputs()
    {
        var rng = new Random(5);
        var chain = Chain.Random("deeper", rng, 4, (9, Activation.Tanh), (11, Activation.Softplus), (7, Activation.Gelu), (3, Activation.Sigmoid));
        foreach (var (name, scalar, tensor) in Pairs(chain))
        {
            var x = RandomRows(rng, 1, scalar.InputLength);
            double[] expected = scalar.Evaluate(x), actual = tensor.Evaluate(x);
            double scale = Math.Max(1, expected.Max(Math.Abs));
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12 * scale, $"{name} [{i}]: scalar {expected[i]:R}, tensor {actual[i]:R}");
        }
    }

    [Fact]
    public void Auto_modes_pick_the_least_work()
    {
        var pinn = BuiltinModels.Get("pinn").ToTensorFunction();
        var wide = BuiltinModels.Get("wide").ToTensorFunction();
        var smallDeep = BuiltinModels.Get("small-deep").ToTensorFunction();
        Assert.Contains("Reverse", pinn.Jacobian().Description);
        Assert.Contains("Curvature", pinn.Hessian().Description);
        Assert.Contains("Curvature", pinn.SecondOrderJacobian().Description);
        Assert.Contains("ForwardOverReverse", pinn.HessianVectorProduct().Description);
        Assert.Contains("Curvature", wide.Hessian().Description);
        Assert.Contains("ForwardOverForward", wide.SecondOrderJacobian().Description);
        Assert.Contains("ForwardOverForward", smallDeep.Hessian().Description);
    }

    [Fact]
    public void Reverse_over_modes_are_refused_at_the_tensor_level()
    {
        var l = BuiltinModels.Seed().ToTensorFunction();
        Assert.Throws<ArgumentOutOfRangeException>(() => l.Hessian(SecondOrderMode.ReverseOverReverse));
        Assert.Throws<ArgumentOutOfRangeException>(() => l.HessianVectorProduct(SecondOrderMode.ReverseOverForward));
        Assert.Throws<ArgumentOutOfRangeException>(() => l.HessianVectorProduct(SecondOrderMode.Curvature));
        Assert.Throws<ArgumentOutOfRangeException>(() => l.SecondOrderJacobian(SecondOrderMode.ForwardOverReverse));
    }

    [Fact]
    public void The_scalar_graph_refuses_the_curvature_mode_and_says_where_it_is()
    {
        var f = BuiltinModels.Seed().ToFunction();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => f.Hessian(SecondOrderMode.Curvature));
        Assert.Contains("tensor level", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => f.HessianVectorProduct(SecondOrderMode.Curvature));
    }

    [Fact]
    public void Chain_compilation_chooses_the_scalar_graph_for_small_networks_and_layers_for_large()
    {
        Assert.IsType<CompiledFunction>(BuiltinModels.Seed().CompileSecondOrderJacobian());
        Assert.IsType<CompiledFunction>(BuiltinModels.Seed().CompileHessian());
        Assert.IsType<TensorQuery>(BuiltinModels.Get("pinn").CompileSecondOrderJacobian());
        Assert.IsType<TensorQuery>(BuiltinModels.Get("wide").CompileValue());
    }

    [Fact]
    public void Wrong_lengths_are_refused_with_the_expected_and_actual_lengths()
    {
        var q = BuiltinModels.Get("pinn").ToTensorFunction().Laplacian();
        var e = Assert.Throws<ArgumentException>(() => q.Evaluate(new double[7], new double[1]));
        Assert.Contains("expected 8 inputs, got 7", e.Message);
        Assert.Throws<ArgumentException>(() => q.Evaluate(new double[8], new double[2]));
        e = Assert.Throws<ArgumentException>(() => q.EvaluateBatch(new double[17], new double[2]));
        Assert.Contains("whole rows of 8", e.Message);
        e = Assert.Throws<ArgumentException>(() => q.EvaluateBatch(new double[16], new double[3]));
        Assert.Contains("expected 2 result rows", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => q.EvaluateBatch(new double[16], new double[2], 0));
        var hvp = BuiltinModels.Get("pinn").ToTensorFunction().HessianVectorProduct();
        Assert.Equal(16, hvp.InputLength);
        Assert.Throws<ArgumentException>(() => hvp.Evaluate(new double[8], new double[8]));
        var c = BuiltinModels.Seed().ToFunction().Hessian().Compile();
        Assert.Throws<ArgumentException>(() => c.EvaluateBatch(new double[11], new double[c.OutputLength * 2]));
        Assert.Throws<ArgumentException>(() => c.EvaluateBatch(new double[10], new double[c.OutputLength]));
    }

    [Fact]
    public void An_empty_batch_writes_nothing()
    {
        BuiltinModels.Get("pinn").ToTensorFunction().Hessian().EvaluateBatch([], []);
        BuiltinModels.Seed().ToFunction().Compile().EvaluateBatch([], []);
    }
}

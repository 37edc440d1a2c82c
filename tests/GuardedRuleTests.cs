using TapeAD.Compiler;
using TapeAD.Layers;
using TapeAD.Nn;
using TapeAD.Tape;
using Xunit;
using static TapeAD.Tape.VarMath;

namespace TapeAD.Tests;

/// <summary>
/// A second, independent test for each rule that had one (issue 12, item 2): the finiteness check
/// of the select rewrite, reverse-mode accumulation of a node used twice, a negated term under a
/// constant factor, elus at inputs where exp overflows and the GEMM edge path over more than 256 terms.
/// </summary>
public class GuardedRuleTests
{
    /// <summary>The gradient by a reverse pass without <see cref="Graph.Optimize"/>: the literal arithmetic.</summary>
    private static double[] LiteralGradient(TapeFunction f, double[] x)
    {
        var outputs = f.Outputs.ToArray();
        var g = f.Graph.Extract(outputs);
        var adj = Reverse.Adjoints(g, [(outputs[0], g.One)]);
        var nodes = Enumerable.Range(0, f.InputLength).Select(j => g.FindInput(j) is int n and >= 0 && adj[n] >= 0 ? adj[n] : g.Constant(0)).ToArray();
        var result = new double[nodes.Length];
        Interpreter.Run(g, nodes, x, result);
        return result;
    }

    [Theory]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(double.NaN)]
    public void An_infinite_or_NaN_weight_behind_a_relu_gives_the_literal_gradient_where_the_relu_is_off(double weight)
    {
        // relu(x0)·(x1·k): the adjoint reaching the relu is k·x1, under select(x0 > 0, ·, 0). Moving
        // a non-finite k out of that select would make the off branch k·0 = NaN instead of 0.
        var f = TapeFunction.Record(2, x => Relu(x[0]) * (x[1] * weight));
        foreach (double[] x in new[] { new[] { -1.0, 2.0 }, [-0.5, 0.0], [1.5, 2.0], [1.5, 0.0] })
        {
            var optimized = f.Gradient(0);
            var literal = LiteralGradient(f, x);
            Assert.Equal(literal, optimized.Evaluate(x));
            Assert.Equal(literal, optimized.Compile().Evaluate(x));
        }
        Assert.Equal(0.0, f.Gradient(0).Evaluate([-1.0, 2.0])[0]);
    }

    [Fact]
    public void A_constant_folded_to_infinity_behind_a_relu_leaves_the_off_branch_zero()
    {
        // exp(1000) folds to +Inf when recorded; relu(x)·Inf has adjoint select(x > 0, Inf, 0) at the relu.
        var f = TapeFunction.Record(1, x => Relu(x[0]) * Exp(x[0].Const(1000)));
        Assert.Contains(Enumerable.Range(0, f.Graph.Count), i => f.Graph.OpOf(i) == Op.Constant && double.IsPositiveInfinity(f.Graph.ConstantOf(i)));
        var g = f.Gradient(0);
        Assert.Equal(new[] { 0.0 }, g.Evaluate([-2.0]));
        Assert.Equal(new[] { 0.0 }, g.Compile().Evaluate([-2.0]));
        Assert.Equal(new[] { double.PositiveInfinity }, g.Evaluate([3.0]));
        Assert.Equal(LiteralGradient(f, [-2.0]), g.Evaluate([-2.0]));
    }

    [Fact]
    public void Reverse_mode_sums_both_uses_of_a_node_used_twice()
    {
        // u = x0 - 2·x1 is used as both operands of u·u, again by exp(u) and once more under sin:
        // f = u² + exp(u) + sin(u)·x0. ∂f/∂u = 2u + exp(u) + cos(u)·x0.
        var f = TapeFunction.Record(2, x =>
        {
            var u = x[0] - 2.0 * x[1];
            return u * u + Exp(u) + Sin(u) * x[0];
        });
        foreach (double[] x in new[] { new[] { 0.3, -0.4 }, [1.2, 0.7], [-2.0, 0.25] })
        {
            double u = x[0] - 2 * x[1], dfdu = 2 * u + Math.Exp(u) + Math.Cos(u) * x[0];
            double[] expected = [dfdu + Math.Sin(u), -2 * dfdu];
            var reverse = f.Gradient(0).Evaluate(x);
            var forward = f.Jacobian(FirstOrderMode.Forward).Evaluate(x);
            for (int j = 0; j < 2; j++)
            {
                TapeQueryTests.AssertClose(expected[j], reverse[j], 1e-14 * (1 + Math.Abs(expected[j])), $"reverse ∂f/∂x{j}");
                TapeQueryTests.AssertClose(expected[j], forward[j], 1e-14 * (1 + Math.Abs(expected[j])), $"forward ∂f/∂x{j}");
            }
            // The second derivative of u·u along x0 is 2 from the square alone; reverse over reverse
            // accumulates it twice as well.
            double d2 = 2 + Math.Exp(u) - Math.Sin(u) * x[0] + 2 * Math.Cos(u);
            var h = f.Hessian(SecondOrderMode.ReverseOverReverse).Evaluate(x);
            TapeQueryTests.AssertClose(d2, h[0], 1e-13 * (1 + Math.Abs(d2)), "∂²f/∂x0² reverse over reverse");
        }
    }

    [Fact]
    public void A_negated_term_under_a_constant_factor_folds_its_sign_into_the_constant()
    {
        // f = 3·(-(2·sin(x0·x1))) - 5·(-x0)·x1: derivatives carry -(k·y) and k·(-y) terms.
        var f = TapeFunction.Record(2, x => 3.0 * -(2.0 * Sin(x[0] * x[1])) - 5.0 * -x[0] * x[1]);
        var gradient = f.Gradient(0);
        var hessian = f.Hessian();
        foreach (double[] x in new[] { new[] { 0.3, -0.4 }, [1.2, 0.7] })
        {
            double p = x[0] * x[1], c = Math.Cos(p), s = Math.Sin(p);
            double[] g = [-6 * c * x[1] + 5 * x[1], -6 * c * x[0] + 5 * x[0]];
            double[] h = [6 * s * x[1] * x[1], 6 * s * p - 6 * c + 5, 6 * s * p - 6 * c + 5, 6 * s * x[0] * x[0]];
            var gotG = gradient.Evaluate(x);
            var gotH = hessian.Compile().Evaluate(x);
            for (int j = 0; j < 2; j++) TapeQueryTests.AssertClose(g[j], gotG[j], 1e-14 * (1 + Math.Abs(g[j])), $"gradient {j}");
            for (int j = 0; j < 4; j++) TapeQueryTests.AssertClose(h[j], gotH[j], 1e-13 * (1 + Math.Abs(h[j])), $"hessian {j}");
        }
        // No negation is left directly over a constant multiple: the sign went into the constant.
        foreach (var q in new[] { gradient, hessian })
            for (int i = 0; i < q.Graph.Count; i++)
                if (q.Graph.OpOf(i) == Op.Neg)
                {
                    int a = q.Graph.A(i);
                    Assert.False(q.Graph.OpOf(a) == Op.Mul && (q.Graph.OpOf(q.Graph.A(a)) == Op.Constant || q.Graph.OpOf(q.Graph.B(a)) == Op.Constant),
                        $"{q.Description}: node {i} negates a constant multiple");
                }
    }

    [Theory]
    [InlineData(800.0)]
    [InlineData(1000.0)]
    [InlineData(1e300)]
    public void Nested_elus_have_finite_exact_derivatives_where_exp_of_the_input_overflows(double x0)
    {
        // For x > 0 both elus pass their input: f = 500·x, f' = 500, f'' = 0, with exp(500·x) = Inf in
        // the discarded branches. (The chain-rule fix alone keeps these finite; the min is guarded by
        // TapeQueryTests.ADiscardedOverflowInsideNestedSelectsGivesNoNaN.)
        var f = TapeFunction.Record(1, x => Elu(Elu(x[0]) * 500.0) + Elu(-Elu(x[0])) * 0.0);
        double[] x = [x0];
        Assert.Equal(new[] { 500.0 }, f.Gradient(0).Evaluate(x));
        Assert.Equal(new[] { 500.0 }, f.Jacobian(FirstOrderMode.Forward).Compile().Evaluate(x));
        foreach (var mode in TapeQueryTests.ScalarSecondOrderModes)
            Assert.Equal(new[] { 0.0 }, f.Hessian(mode).Evaluate(x).Select(Math.Abs).ToArray());
        Assert.Equal(new[] { 0.0 }, f.SecondOrderJacobian().Compile().Evaluate(x).Select(Math.Abs).ToArray());
        Assert.Equal(new[] { 0.0 }, f.Laplacian().Evaluate(x).Select(Math.Abs).ToArray());
    }

    [Theory]
    [InlineData(600.0)]
    [InlineData(5000.0)]
    public void An_elu_of_relus_has_finite_exact_second_derivatives_where_exp_of_its_input_overflows(double x0)
    {
        // The relus' selects wrap the elu's in every derivative graph; elu's argument is 2.5·x, so its
        // discarded branch is exp of an overflowing number. f' = 2.5, f'' = 0.
        var f = TapeFunction.Record(1, x => Elu(Relu(x[0]) * 2.0 + Relu(x[0] * 0.5)));
        double[] x = [x0];
        foreach (var mode in TapeQueryTests.ScalarSecondOrderModes)
        {
            Assert.Equal(new[] { 0.0 }, f.Hessian(mode).Evaluate(x).Select(Math.Abs).ToArray());
            Assert.Equal(new[] { 0.0 }, f.HessianVectorProduct(mode).Evaluate([x0, 1.0]).Select(Math.Abs).ToArray());
        }
        Assert.Equal(new[] { 2.5 }, f.Jacobian(FirstOrderMode.Reverse).Evaluate(x));
        Assert.Equal(new[] { 0.0 }, f.SecondOrderJacobian().Evaluate(x).Select(Math.Abs).ToArray());
    }

    [Fact]
    public void The_tensor_level_jacobian_of_a_300_input_layer_is_its_weight_matrix_bit_for_bit()
    {
        // Forward mode multiplies 300 tangent rows by the 300×5 weights: k = 300 > 256 spans two
        // panels, 5 columns take the vector and the single-column edge paths, 300 rows leave a
        // remainder below the micro-kernel's row count. Each entry sums one product 1·w and zeros: exact.
        const int inputs = 300, outputs = 5;
        var rng = new Random(12);
        var weights = Enumerable.Range(0, inputs * outputs).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        var bias = Enumerable.Range(0, outputs).Select(_ => rng.NextDouble()).ToArray();
        var chain = new Chain("wide-in", [new Dense(inputs, outputs, Activation.Identity, weights, bias)]);
        var x = Enumerable.Range(0, inputs).Select(_ => rng.NextDouble() * 4 - 2).ToArray();

        var jacobian = chain.ToTensorFunction().Jacobian(FirstOrderMode.Forward).Evaluate(x);
        Assert.Equal(weights, jacobian);

        // The value sums 300 products over both panels: the second must add to the first, not replace it.
        var value = chain.ToTensorFunction().Value().Evaluate(x);
        for (int i = 0; i < outputs; i++)
        {
            double exact = bias[i];
            for (int j = 0; j < inputs; j++) exact += weights[i * inputs + j] * x[j];
            TapeQueryTests.AssertClose(exact, value[i], 1e-12 * (1 + Math.Abs(exact)), $"y[{i}]");
        }
    }
}

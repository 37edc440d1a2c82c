using TapeAD.Compiler;
using TapeAD.Tape;
using TapeAD.Testing;
using Xunit;
using static TapeAD.Tape.VarMath;

namespace TapeAD.Tests;

/// <summary>The documented values at kinks and ties (PyTorch's), for every query mode.</summary>
public class VarMathConventionTests
{
    private static readonly double Subnormal = 3 * double.Epsilon;

    /// <summary>The gradient of output 0 in reverse mode and the Jacobian row in forward mode, which must agree.</summary>
    private static double[] Gradient(TapeFunction f, params double[] x)
    {
        var reverse = f.Gradient(0).Evaluate(x);
        var forward = f.Jacobian(FirstOrderMode.Forward).Evaluate(x);
        Assert.Equal(reverse, forward[..reverse.Length]);
        Assert.Equal(reverse, f.Gradient(0).Compile().Evaluate(x));
        return reverse;
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(-0.0, 0.0)]
    [InlineData(2.0, 1.0)]
    [InlineData(-2.0, -1.0)]
    public void Abs_has_derivative_sign_x_and_zero_at_zero(double x, double slope)
    {
        var f = TapeFunction.Record(1, v => Abs(v[0]));
        Assert.Equal(slope, Gradient(f, x)[0]);
        Assert.Equal(0.0, f.Hessian().Evaluate([x])[0]);
        Assert.Equal(0.0, BitConverter.DoubleToInt64Bits(f.Evaluate([x])[0]) >> 63);
    }

    [Fact]
    public void Sign_is_one_minus_one_or_its_signed_zero_or_nan_with_zero_derivative()
    {
        var f = TapeFunction.Record(1, v => Sign(v[0]));
        Assert.Equal(1.0, f.Evaluate([3.0])[0]);
        Assert.Equal(-1.0, f.Evaluate([-1e-310])[0]);
        Assert.True(double.IsNegative(f.Evaluate([-0.0])[0]) && f.Evaluate([-0.0])[0] == 0);
        Assert.True(double.IsNaN(f.Evaluate([double.NaN])[0]));
        Assert.Equal(0.0, Gradient(f, 0.5)[0]);
    }

    [Fact]
    public void Max_and_min_split_the_derivative_evenly_at_a_tie_as_pytorch()
    {
        var max = TapeFunction.Record(2, v => Max(v[0], v[1]));
        var min = TapeFunction.Record(2, v => Min(v[0], v[1]));
        Assert.Equal([0.5, 0.5], Gradient(max, 1.5, 1.5));
        Assert.Equal([0.5, 0.5], Gradient(min, 1.5, 1.5));
        Assert.Equal([1.0, 0.0], Gradient(max, 2, 1));
        Assert.Equal([0.0, 1.0], Gradient(min, 2, 1));
        var self = TapeFunction.Record(1, v => Max(v[0], v[0]) + Min(v[0], v[0]));
        Assert.Equal(2.0, Gradient(self, 0.25)[0]);
        Assert.Equal(0.5, Gradient(TapeFunction.Record(1, v => Max(v[0], 0.0)), 0.0)[0]);
    }

    [Theory]
    [InlineData(1e308)]
    [InlineData(-1e308)]
    [InlineData(double.MaxValue)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(1.0)]
    [InlineData(0.7)]
    public void Max_and_min_of_a_tie_are_exactly_the_tied_value(double x)
    {
        var f = TapeFunction.Record(2, v => new[] { Max(v[0], v[1]), Min(v[0], v[1]) });
        Assert.Equal([x, x], f.Evaluate([x, x]));
        Assert.Equal([x, x], f.Compile().Evaluate([x, x]));
    }

    [Fact]
    public void Max_and_min_of_an_odd_subnormal_tie_keep_every_bit()
    {
        var f = TapeFunction.Record(2, v => new[] { Max(v[0], v[1]), Min(v[0], v[1]) });
        Assert.Equal([Subnormal, Subnormal], f.Evaluate([Subnormal, Subnormal]));
        Assert.True(f.Evaluate([double.NaN, 1]).All(double.IsNaN));
        Assert.True(f.Evaluate([1, double.NaN]).All(double.IsNaN));
    }

    [Theory]
    [InlineData(-1.0, 1.0)]
    [InlineData(2.0, 1.0)]
    [InlineData(0.5, 1.0)]
    [InlineData(3.0, 0.0)]
    [InlineData(-5.0, 0.0)]
    public void Clamp_passes_the_derivative_on_its_closed_interval_as_pytorch(double x, double slope)
    {
        var f = TapeFunction.Record(1, v => Clamp(v[0], -1, 2));
        Assert.Equal(Math.Clamp(x, -1, 2), f.Evaluate([x])[0]);
        Assert.Equal(slope, Gradient(f, x)[0]);
    }

    [Fact]
    public void Clamp_with_traced_bounds_routes_the_derivative_to_the_active_bound()
    {
        var f = TapeFunction.Record(3, v => Clamp(v[0], v[1], v[2]));
        Assert.Equal([0.0, 1.0, 0.0], Gradient(f, -3, -1, 2));
        Assert.Equal([0.0, 0.0, 1.0], Gradient(f, 5, -1, 2));
        Assert.Equal([1.0, 0.0, 0.0], Gradient(f, 0.5, -1, 2));
        // lo > hi gives hi, as torch.clamp.
        Assert.Equal(1.0, f.Evaluate([0.0, 3.0, 1.0])[0]);
        Assert.Equal(1.0, f.Evaluate([5.0, 3.0, 1.0])[0]);
    }

    [Theory]
    [InlineData(-1.0, 0.0)]
    [InlineData(1.0, 0.0)]
    [InlineData(0.5, 1.0)]
    public void Hardtanh_has_derivative_zero_at_its_bounds_as_pytorch(double x, double slope) =>
        Assert.Equal(slope, Gradient(TapeFunction.Record(1, v => Hardtanh(v[0])), x)[0]);

    [Fact]
    public void Relu6_hardsigmoid_and_hardswish_take_pytorchs_values_at_their_bounds()
    {
        var relu6 = TapeFunction.Record(1, v => Relu6(v[0]));
        Assert.Equal(0.0, Gradient(relu6, 0)[0]);
        Assert.Equal(0.0, Gradient(relu6, 6)[0]);
        Assert.Equal(1.0, Gradient(relu6, 3)[0]);
        Assert.Equal(6.0, relu6.Evaluate([1e300])[0]);
        var hardsigmoid = TapeFunction.Record(1, v => Hardsigmoid(v[0]));
        Assert.Equal(0.0, Gradient(hardsigmoid, -3)[0]);
        Assert.Equal(0.0, Gradient(hardsigmoid, 3)[0]);
        Assert.Equal(1.0 / 6, Gradient(hardsigmoid, 1)[0], 1e-16);
        Assert.Equal(4.0 / 6, hardsigmoid.Evaluate([1.0])[0]);
        var hardswish = TapeFunction.Record(1, v => Hardswish(v[0]));
        Assert.Equal(-0.5, Gradient(hardswish, -3)[0], 1e-15);
        Assert.Equal(1.5, Gradient(hardswish, 3)[0], 1e-15);
        Assert.Equal(0.0, Gradient(hardswish, -4)[0]);
        Assert.Equal(1.0, Gradient(hardswish, 4)[0]);
        Assert.Equal(1.0 / 3, hardswish.Hessian().Evaluate([1.0])[0], 1e-15);
    }

    [Fact]
    public void Pow_of_two_traced_values_takes_pytorchs_zeros_where_the_formula_is_nan()
    {
        var f = TapeFunction.Record(2, v => Pow(v[0], v[1]));
        Assert.Equal([0.0, 0.0], Gradient(f, 0, 2));     // d/dy 0^y: 0, not 0 · log 0
        Assert.Equal([0.0, 0.0], Gradient(f, 0, 0));     // d/dx x^0: 0, not 0 · 0^-1
        var g = Gradient(f, 2, 3);
        Assert.Equal(12.0, g[0], 1e-14);
        Assert.Equal(8 * Math.Log(2), g[1], 1e-14);
        Assert.True(f.Hessian().Evaluate([0.0, 2.0]).All(double.IsFinite));
        // At y = 0 the x-derivative is 0 but keeps its y-derivative: ∂²/∂x∂y x^y = 1/x in every mode.
        Assert.Equal([0.0, Math.Log(3)], Gradient(f, 3, 0));
        foreach (var mode in new[] { SecondOrderMode.ForwardOverForward, SecondOrderMode.ForwardOverReverse, SecondOrderMode.ReverseOverForward, SecondOrderMode.ReverseOverReverse })
        {
            var h = f.Hessian(mode).Evaluate([3.0, 0.0]);
            Assert.Equal(1.0 / 3, h[1], 1e-15);
            Assert.Equal(1.0 / 3, h[2], 1e-15);
        }
        var exponential = TapeFunction.Record(1, v => Pow(10.31, v[0]));
        Assert.Equal(Math.Log(10.31) * Math.Pow(10.31, 0.4), Gradient(exponential, 0.4)[0], 1e-14);
    }

    [Fact]
    public void Pow_with_a_constant_exponent_records_pow_const()
    {
        var g = new Graph();
        var x = new Var(g, g.Input(0));
        var y = Pow(x, x.Const(3));
        Assert.Equal(Op.PowConst, g.OpOf(y.Node));
        Assert.Equal(3.0, g.ConstantOf(y.Node));
    }

    [Fact]
    public void Norm_has_gradient_zero_at_the_zero_vector_as_pytorch()
    {
        var f = TapeFunction.Record(2, v => Norm(v));
        Assert.Equal([0.0, 0.0], Gradient(f, 0, 0));
        Assert.Equal(5.0, f.Evaluate([3.0, 4.0])[0]);
        var g = Gradient(f, 3, 4);
        Assert.Equal(0.6, g[0], 1e-15);
        Assert.Equal(0.8, g[1], 1e-15);
    }

    [Fact]
    public void Comparisons_give_one_zero_or_nan_and_have_zero_derivative()
    {
        var f = TapeFunction.Record(2, v => new[]
        {
            Less(v[0], v[1]), GreaterOrEqual(v[0], v[1]), LessOrEqual(v[0], v[1]), Equal(v[0], v[1]), NotEqual(v[0], v[1]), Greater(v[0], v[1]),
        });
        Assert.Equal([1.0, 0, 1, 0, 1, 0], f.Evaluate([1.0, 2.0]));
        Assert.Equal([0.0, 1, 0, 0, 1, 1], f.Evaluate([2.0, 1.0]));
        Assert.Equal([0.0, 1, 1, 1, 0, 0], f.Evaluate([1.5, 1.5]));
        Assert.True(f.Evaluate([double.NaN, 1.0]).All(double.IsNaN));
        Assert.True(f.Evaluate([1.0, double.NaN]).All(double.IsNaN));
        Assert.All(f.Jacobian().Evaluate([1.0, 2.0]), d => Assert.Equal(0.0, d));
    }

    [Fact]
    public void Vector_helpers_refuse_empty_and_mismatched_vectors()
    {
        var g = new Graph();
        var x = new Var(g, g.Input(0));
        var other = new Graph();
        var y = new Var(other, other.Input(0));
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => Sum([])).Message);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => Softmax([])).Message);
        Assert.Contains("same length, got 2 and 1", Assert.Throws<ArgumentException>(() => Dot([x, x], [x])).Message);
        Assert.Contains("same graph", Assert.Throws<ArgumentException>(() => Prod([x, y])).Message);
        Assert.Contains("default(Var)", Assert.Throws<ArgumentException>(() => Mean([x, default])).Message);
    }

    [Fact]
    public void Sum_mean_prod_and_dot_match_their_loops()
    {
        var f = TapeFunction.Record(4, v => new[] { Sum(v), Mean(v), Prod(v), Dot(v[..2], v[2..]) });
        Assert.Equal([2.5 + -1 + 0.5 + 4, (2.5 + -1 + 0.5 + 4) / 4, 2.5 * -1 * 0.5 * 4, 2.5 * 0.5 + -1 * 4.0], f.Evaluate([2.5, -1, 0.5, 4]));
        var report = DerivativeChecker.Check(f, [2.5, -1, 0.5, 4]);
        Assert.True(report.Passed, report.ToString());
    }
}

using TapeAD.Tape;
using TapeAD.Testing;
using Xunit;
using static TapeAD.Tape.VarMath;

namespace TapeAD.Tests;

/// <summary>Values and derivatives where the textbook formula loses accuracy, against references
/// computed with 300-bit arithmetic (mpmath) and rounded to double.</summary>
public class PrimitiveAccuracyTests
{
    [Theory]
    [InlineData(1e-10, 9.999999999500001e-11)]
    [InlineData(-1e-05, -1.0000050000333337e-05)]
    [InlineData(0.3, 0.26236426446749106)]
    [InlineData(-0.75, -1.3862943611198906)]
    [InlineData(3e-17, 3e-17)]
    [InlineData(-0.9999999, -16.118095651484676)]
    [InlineData(-0.9999999999999999, -36.7368005696771)]
    [InlineData(1.7976931348623157e308, 709.782712893384)]
    [InlineData(9007199254740992.0, 36.7368005696771)]
    [InlineData(0.41421356237309503, 0.34657359027997264)]
    [InlineData(-0.2928932188134524, -0.3465735902799726)]
    [InlineData(1e-300, 1e-300)]
    public void Log1p_is_accurate_near_zero_and_near_minus_one(double x, double expected) =>
        AssertUlps(expected, Primitives.Log1P(x), 1, $"log1p({x:R})");

    [Theory]
    [InlineData(1e-10, 1.00000000005e-10)]
    [InlineData(-1e-05, -9.999950000166666e-06)]
    [InlineData(0.3, 0.3498588075760031)]
    [InlineData(-2.0, -0.8646647167633873)]
    [InlineData(700.0, 1.0142320547350045e+304)]
    [InlineData(3e-17, 3e-17)]
    [InlineData(-40.0, -1.0)]
    public void Expm1_is_accurate_near_zero_and_does_not_overflow_early(double x, double expected) =>
        AssertUlps(expected, Primitives.Expm1(x), 3, $"expm1({x:R})");

    [Theory]
    [InlineData(1e300, 691.4686750787737)]
    [InlineData(1e-200, 1e-200)]
    [InlineData(0.5, 0.48121182505960347)]
    [InlineData(-3.0, -1.8184464592320668)]
    public void Asinh_is_accurate_for_huge_and_tiny_arguments(double x, double expected) =>
        AssertUlps(expected, Primitives.Asinh(x), 2, $"asinh({x:R})");

    [Theory]
    [InlineData(1e-10, 1e-10)]
    [InlineData(0.5, 0.5493061443340549)]
    [InlineData(-0.999999, -7.254328619247669)]
    public void Atanh_is_accurate_near_zero_and_near_one(double x, double expected) =>
        AssertUlps(expected, Primitives.Atanh(x), 2, $"atanh({x:R})");

    [Fact]
    public void Edge_values_of_log1p_and_expm1_follow_ieee()
    {
        Assert.Equal(double.NegativeInfinity, Primitives.Log1P(-1));
        Assert.True(double.IsNaN(Primitives.Log1P(-2)));
        Assert.True(double.IsNegative(Primitives.Log1P(-0.0)) && Primitives.Log1P(-0.0) == 0);
        Assert.True(double.IsPositive(Primitives.Log1P(0.0)) && Primitives.Log1P(0.0) == 0);
        Assert.True(double.IsNaN(Primitives.Log1P(-1.0000000000000002)) && double.IsNaN(Primitives.Log1P(double.NegativeInfinity)));
        Assert.True(double.IsNaN(Primitives.Log1P(double.NaN)));
        Assert.Equal(-double.Epsilon, Primitives.Log1P(-double.Epsilon));
        Assert.Equal(2.225073858507201e-308, Primitives.Log1P(2.225073858507201e-308));
        Assert.Equal(-708.3964185322641, Elementwise.Log(2.2250738585072014e-308));
        Assert.Equal(709.782712893384, Elementwise.Log(double.MaxValue));
        Assert.Equal(double.PositiveInfinity, Primitives.Log1P(double.PositiveInfinity));
        Assert.Equal(-1.0, Primitives.Expm1(double.NegativeInfinity));
        Assert.Equal(double.PositiveInfinity, Primitives.Expm1(double.PositiveInfinity));
        Assert.Equal(double.PositiveInfinity, Primitives.Expm1(710));
        Assert.True(double.IsNegative(Primitives.Expm1(-0.0)));
        Assert.Equal(5e-324, Primitives.Expm1(5e-324));
        Assert.True(double.IsNaN(Primitives.Expm1(double.NaN)));
    }

    [Fact]
    public void Derivatives_near_plus_and_minus_one_keep_their_digits()
    {
        // 1 - x and 1 + x are exact at x = 1 - 2^-30; 1 - x² would lose half the digits.
        double x = 1 - Math.ScaleB(1, -30);
        var f = TapeFunction.Record(1, v => new[] { Atanh(v[0]), Asin(v[0]), Acos(v[0]) });
        var d = f.Jacobian().Evaluate([x]);
        AssertUlps(536870912.25, d[0], 1, "atanh'");
        AssertUlps(23170.475011315586, d[1], 2, "asin'");
        AssertUlps(-23170.475011315586, d[2], 2, "acos'");
        var atanh = TapeFunction.Record(1, v => Atanh(v[0])).Jacobian().Evaluate([-x]);
        AssertUlps(536870912.25, atanh[0], 1, "atanh' at -x");
    }

    [Fact]
    public void The_derivative_of_asinh_does_not_underflow_for_huge_arguments()
    {
        var f = TapeFunction.Record(1, v => Asinh(v[0]));
        AssertUlps(1e-200, f.Jacobian().Evaluate([1e200])[0], 2, "asinh'(1e200)");
        AssertUlps(1e-200, f.Jacobian().Evaluate([-1e200])[0], 2, "asinh'(-1e200)");
        AssertUlps(1 / Math.Sqrt(1 + 0.25), f.Jacobian().Evaluate([0.5])[0], 1, "asinh'(0.5)");
        AssertUlps(-0.5 / Math.Pow(1.25, 1.5), f.Hessian().Evaluate([0.5])[0], 4, "asinh''(0.5)");
        AssertUlps(-2.0 / Math.Pow(5, 1.5), f.Hessian().Evaluate([2.0])[0], 4, "asinh''(2)");
    }

    [Fact]
    public void The_derivative_of_log1p_and_expm1_near_zero_is_one()
    {
        var f = TapeFunction.Record(1, v => new[] { Log1p(v[0]), Expm1(v[0]) });
        var d = f.Jacobian().Evaluate([1e-300]);
        Assert.Equal([1.0, 1.0], d);
        Assert.Equal([-1.0, 1.0], f.SecondOrderJacobian().Evaluate([0.0]));
    }

    [Fact]
    public void Softmax_and_logsumexp_of_large_logits_are_those_of_the_shifted_logits()
    {
        var big = TapeFunction.Record(3, v => [.. Softmax(v), LogSumExp(v), .. LogSoftmax(v)]);
        double[] x = [1000, 1001, 999], shifted = [-1, 0, -2];
        var y = big.Evaluate(x);
        double total = Math.Exp(-1) + Math.Exp(0) + Math.Exp(-2);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(Math.Exp(shifted[i]) / total, y[i]);
            Assert.Equal(shifted[i] - Math.Log(total), y[4 + i], 1e-13);
        }
        Assert.Equal(1001 + Math.Log(total), y[3]);
        var jacobian = big.Jacobian().Evaluate(x);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                Assert.Equal(y[i] * ((i == j ? 1 : 0) - y[j]), jacobian[i * 3 + j], 1e-15);
        Assert.True(big.Hessian().Evaluate(x).All(double.IsFinite));
        var report = DerivativeChecker.Check(big, x);
        Assert.True(report.Passed, report.ToString());
        report = DerivativeChecker.Check(big, [3.0, 4.5, 2.0]);
        Assert.True(report.Passed, report.ToString());
        Assert.True(report.Compared > 3 * 7 * 10, report.ToString());
    }

    [Fact]
    public void Logsumexp_of_infinite_logits_is_infinite_not_nan()
    {
        var f = TapeFunction.Record(2, v => LogSumExp(v));
        Assert.Equal(double.NegativeInfinity, f.Evaluate([double.NegativeInfinity, double.NegativeInfinity])[0]);
        Assert.Equal(double.PositiveInfinity, f.Evaluate([double.PositiveInfinity, 3])[0]);
        Assert.Equal(3.0, f.Evaluate([double.NegativeInfinity, 3])[0]);
        Assert.Equal(1000 + Math.Log(2), f.Evaluate([1000, 1000])[0]);
        Assert.True(double.IsNaN(f.Evaluate([double.NaN, 3])[0]));
        // A tie of the largest logits: the shift is one of them, the derivative is still 1/2 each.
        Assert.Equal([0.5, 0.5], f.Gradient(0).Evaluate([1000, 1000]));
    }

    private static void AssertUlps(double expected, double actual, long ulps, string what)
    {
        long distance = Math.Abs(BitConverter.DoubleToInt64Bits(expected) - BitConverter.DoubleToInt64Bits(actual));
        Assert.True(Math.Sign(expected) == Math.Sign(actual) && distance <= ulps,
            $"{what} = {actual:R}, expected {expected:R} ({distance} ulps apart, at most {ulps} allowed)");
    }
}

using TapeAD.Tape;
using Xunit;

namespace TapeAD.Tests;

public class ErfTests
{
    // Reference values correctly rounded from high-precision evaluations (e.g. mpmath).
    [Theory]
    [InlineData(0.1, 0.11246291601828489)]
    [InlineData(0.5, 0.52049987781304654)]
    [InlineData(0.9, 0.79690821242283213)]
    [InlineData(1.0, 0.84270079294971487)]
    [InlineData(1.1, 0.88020506957408170)]
    [InlineData(2.0, 0.99532226501895273)]
    [InlineData(2.5, 0.99959304798255504)]
    [InlineData(-3.0, -0.99997790950300141)]
    [InlineData(4.0, 0.99999998458274210)]
    [InlineData(5.0, 0.99999999999846254)]
    [InlineData(1e-10, 1.1283791670955126e-10)]
    [InlineData(-1e-300, -1.1283791670955126e-300)]
    public void Erf_matches_reference_values_within_two_ulps(double x, double expected)
    {
        Assert.True(UlpDistance(Primitives.Erf(x), expected) <= 2,
            $"erf({x}) = {Primitives.Erf(x):R}, expected {expected:R}");
        Assert.Equal(-Primitives.Erf(x), Primitives.Erf(-x));
    }

    [Fact]
    public void Erf_saturates_and_propagates_nan()
    {
        Assert.Equal(1.0, Primitives.Erf(6.0));
        Assert.Equal(1.0, Primitives.Erf(40.0));
        Assert.Equal(-1.0, Primitives.Erf(-1e300));
        Assert.Equal(1.0, Primitives.Erf(double.PositiveInfinity));
        Assert.Equal(-1.0, Primitives.Erf(double.NegativeInfinity));
        Assert.True(double.IsNaN(Primitives.Erf(double.NaN)));
        Assert.Equal(0.0, Primitives.Erf(0.0));
        Assert.True(double.IsNegative(Primitives.Erf(-0.0)));
    }

    [Fact]
    public void Erf_derivatives_are_the_gaussian_and_its_slope()
    {
        var f = TapeFunction.Record(1, x => VarMath.Erf(x[0]));
        var jac = f.Jacobian();
        var hess = f.Hessian();
        foreach (double x in new[] { -2.0, -0.3, 0.0, 0.7, 1.9 })
        {
            double gauss = 2 / Math.Sqrt(Math.PI) * Math.Exp(-x * x);
            Assert.Equal(gauss, jac.Evaluate([x])[0], 1e-15);
            Assert.Equal(-2 * x * gauss, hess.Evaluate([x])[0], 1e-15);
        }
    }

    [Fact]
    public void GeluErf_and_Selu_match_their_formulas()
    {
        var f = TapeFunction.Record(1, x => new[] { VarMath.GeluErf(x[0]), VarMath.Selu(x[0]) });
        const double alpha = 1.67326319217681884765625, gamma = 1.05070102214813232421875;
        foreach (double x in new[] { -2.0, -0.3, 0.0, 0.7, 1.9 })
        {
            var y = f.Evaluate([x]);
            Assert.Equal(0.5 * x * (1 + Primitives.Erf(x / Math.Sqrt(2))), y[0], 1e-15);
            Assert.Equal(x > 0 ? gamma * x : gamma * alpha * (Math.Exp(x) - 1), y[1], 1e-15);
        }
    }

    private static long UlpDistance(double a, double b)
    {
        long ia = BitConverter.DoubleToInt64Bits(a), ib = BitConverter.DoubleToInt64Bits(b);
        if ((ia < 0) != (ib < 0)) return a == b ? 0 : long.MaxValue;
        return Math.Abs(ia - ib);
    }
}

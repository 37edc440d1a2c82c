using TapeAD.Tape;
using Xunit;

namespace TapeAD.Tests;

public class FiniteDifferenceTests
{
    [Theory]
    [InlineData(1.0, 1e-3)]
    [InlineData(-2.5, 1e-2)]
    [InlineData(30.0, 1e-3)]
    public void The_estimates_error_bound_holds_and_is_tight(double x, double h)
    {
        // f = (sin 3x, exp(x/10)) along (1): exact derivatives 3 cos 3x and exp(x/10)/10.
        var est = FiniteDifferences.Estimate(p => [Math.Sin(3 * p[0]), Math.Exp(p[0] / 10)], [x], [1.0], h);
        double[] exact = [3 * Math.Cos(3 * x), Math.Exp(x / 10) / 10];
        for (int i = 0; i < 2; i++)
        {
            Assert.True(Math.Abs(est.Derivative[i] - exact[i]) <= est.Error[i], $"output {i}: error {Math.Abs(est.Derivative[i] - exact[i]):E3} > bound {est.Error[i]:E3}");
            Assert.True(est.Error[i] <= 1e-6 * (1 + Math.Abs(exact[i])), $"output {i}: bound {est.Error[i]:E3} is loose");
        }
    }

    [Fact]
    public void A_direction_differentiates_along_it()
    {
        var est = FiniteDifferences.Estimate(p => [p[0] * p[1]], [2.0, 3.0], [1.0, -1.0]);
        Assert.Equal(3.0 - 2.0, est.Derivative[0], 1e-10);
        Assert.Throws<ArgumentException>(() => FiniteDifferences.Estimate(p => p, [1.0], [1.0, 0.0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => FiniteDifferences.Estimate(p => p, [1.0], [1.0], 0));
    }
}

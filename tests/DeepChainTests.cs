using TapeAD.Compiler;
using TapeAD.Nn;
using Xunit;

namespace TapeAD.Tests;

public class DeepChainTests
{
    [Fact]
    public void AChainOfAHundredThousandLayersIsDifferentiatedWithoutOverflowingTheStack()
    {
        const int depth = 100_000;
        const double w = 0.999, b = 0.001;
        var chain = new Chain("deep", Enumerable.Range(0, depth).Select(_ => new Dense(1, 1, Activation.Tanh, [w], [b])));
        var diag = chain.ToFunction().SecondOrderJacobian();
        double[] x = [0.5];

        // Hand-written second-order Taylor propagation of the same recurrence.
        double y = x[0], dy = 1, ddy = 0;
        for (int k = 0; k < depth; k++)
        {
            double u = w * y + b, du = w * dy, ddu = w * ddy;
            y = Math.Tanh(u);
            double s = 1 - y * y;
            (dy, ddy) = (s * du, s * ddu - 2 * y * s * du * du);
        }

        double interpreted = diag.Evaluate(x)[0];
        double compiled = diag.Compile().Evaluate(x)[0];
        TapeQueryTests.AssertClose(ddy, interpreted, 1e-9 * Math.Abs(ddy), "interpreted second derivative");
        Assert.Equal(interpreted, compiled);
    }
}

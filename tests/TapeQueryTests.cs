using TapeAD.Tape;
using Xunit;
using static TapeAD.Tape.VarMath;

namespace TapeAD.Tests;

public class TapeQueryTests
{
    /// <summary>Every second-order mode the scalar graph offers: all but <see cref="SecondOrderMode.Curvature"/>, which is the tensor level's.</summary>
    internal static readonly SecondOrderMode[] ScalarSecondOrderModes = [.. Enum.GetValues<SecondOrderMode>().Where(m => m != SecondOrderMode.Curvature)];

    // Two outputs of three inputs touching every primitive: enough structure for mixed partials.
    private static TapeFunction Mixed() => TapeFunction.Record(3, x => new[]
    {
        Elu(x[0] * x[1] + Sin(x[2])) + Softplus(x[1] - x[2]) * Sigmoid(x[0]),
        Tanh(x[0]) * Exp(0.5 * x[1]) + Log(1.5 + Cos(x[2])) / Sqrt(2 + x[0] * x[0]) + Pow(1.2 + x[1] * x[1], 1.5),
    }, "mixed");

    private static readonly double[][] Points =
    [
        [0.3, -0.7, 0.2],
        [-1.1, 0.4, 2.5],
        [0.9, 1.3, -0.6],
    ];

    [Fact]
    public void JacobianMatchesFiniteDifferencesInBothModes()
    {
        var f = Mixed();
        foreach (var x in Points)
        {
            var fwd = f.Jacobian(FirstOrderMode.Forward).Evaluate(x);
            var rev = f.Jacobian(FirstOrderMode.Reverse).Evaluate(x);
            for (int j = 0; j < 3; j++)
            {
                var fd = FiniteDifferences.Partial(p => f.Evaluate(p), x, j);
                for (int i = 0; i < 2; i++)
                {
                    AssertClose(fd[i], fwd[i * 3 + j], FiniteDifferences.Tolerance(1 + Math.Abs(fd[i])), $"J[{i},{j}] forward");
                    AssertClose(fwd[i * 3 + j], rev[i * 3 + j], 1e-14 * (1 + Math.Abs(fwd[i * 3 + j])), $"J[{i},{j}] forward vs reverse");
                }
            }
        }
    }

    [Fact]
    public void GradientIsTheJacobianRow()
    {
        var f = Mixed();
        var x = Points[1];
        var jac = f.Jacobian().Evaluate(x);
        for (int k = 0; k < 2; k++)
        {
            var grad = f.Gradient(k).Evaluate(x);
            for (int j = 0; j < 3; j++) AssertClose(jac[k * 3 + j], grad[j], 1e-14 * (1 + Math.Abs(grad[j])), $"grad {k},{j}");
        }
    }

    [Theory]
    [InlineData(SecondOrderMode.ForwardOverForward)]
    [InlineData(SecondOrderMode.ForwardOverReverse)]
    [InlineData(SecondOrderMode.ReverseOverForward)]
    [InlineData(SecondOrderMode.ReverseOverReverse)]
    public void HessianMatchesFiniteDifferencesOfTheJacobianAndIsSymmetric(SecondOrderMode mode)
    {
        var f = Mixed();
        var jac = f.Jacobian();
        var hess = f.Hessian(mode);
        Assert.Equal(new[] { 2, 3, 3 }, hess.Shape);
        foreach (var x in Points)
        {
            var h = hess.Evaluate(x);
            for (int l = 0; l < 3; l++)
            {
                var fd = FiniteDifferences.Partial(p => jac.Evaluate(p), x, l); // fd[i*3+j] = ∂²y_i/∂x_j∂x_l
                for (int i = 0; i < 2; i++)
                    for (int j = 0; j < 3; j++)
                    {
                        double got = h[(i * 3 + j) * 3 + l];
                        AssertClose(fd[i * 3 + j], got, FiniteDifferences.Tolerance(1 + Math.Abs(got)), $"H[{i},{j},{l}] {mode}");
                        AssertClose(h[(i * 3 + l) * 3 + j], got, 1e-14 * (1 + Math.Abs(got)), $"symmetry H[{i},{j},{l}] {mode}");
                    }
            }
        }
    }

    [Fact]
    public void HessianModesAgree()
    {
        var f = Mixed();
        var reference = f.Hessian(SecondOrderMode.ForwardOverForward).Evaluate(Points[2]);
        foreach (var mode in new[] { SecondOrderMode.ForwardOverReverse, SecondOrderMode.ReverseOverForward, SecondOrderMode.ReverseOverReverse })
        {
            var h = f.Hessian(mode).Evaluate(Points[2]);
            for (int k = 0; k < h.Length; k++) AssertClose(reference[k], h[k], 1e-13 * (1 + Math.Abs(h[k])), $"{mode} entry {k}");
        }
    }

    [Theory]
    [InlineData(SecondOrderMode.ForwardOverForward)]
    [InlineData(SecondOrderMode.ForwardOverReverse)]
    [InlineData(SecondOrderMode.ReverseOverForward)]
    [InlineData(SecondOrderMode.ReverseOverReverse)]
    public void HessianVectorProductIsHTimesV(SecondOrderMode mode)
    {
        var f = Mixed();
        var hvp = f.HessianVectorProduct(mode);
        Assert.Equal(6, hvp.InputLength);
        double[] v = [0.7, -1.3, 0.25];
        foreach (var x in Points)
        {
            var h = f.Hessian().Evaluate(x);
            var got = hvp.Evaluate([.. x, .. v]);
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 3; j++)
                {
                    double expected = 0;
                    for (int l = 0; l < 3; l++) expected += h[(i * 3 + j) * 3 + l] * v[l];
                    AssertClose(expected, got[i * 3 + j], 1e-13 * (1 + Math.Abs(expected)), $"Hv[{i},{j}] {mode}");
                }
            var single = f.HessianVectorProduct(1, mode).Evaluate([.. x, .. v]);
            for (int j = 0; j < 3; j++) AssertClose(got[3 + j], single[j], 1e-13 * (1 + Math.Abs(single[j])), $"single-output Hv[{j}] {mode}");
        }
    }

    [Fact]
    public void SecondOrderJacobianIsTheHessianDiagonalAndLaplacianItsTrace()
    {
        var f = Mixed();
        foreach (var x in Points)
        {
            var h = f.Hessian().Evaluate(x);
            var diag = f.SecondOrderJacobian().Evaluate(x);
            var lap = f.Laplacian().Evaluate(x);
            for (int i = 0; i < 2; i++)
            {
                double trace = 0;
                for (int j = 0; j < 3; j++)
                {
                    double hjj = h[(i * 3 + j) * 3 + j];
                    AssertClose(hjj, diag[i * 3 + j], 1e-13 * (1 + Math.Abs(hjj)), $"diag[{i},{j}]");
                    trace += diag[i * 3 + j];
                }
                AssertClose(trace, lap[i], 1e-13 * (1 + Math.Abs(trace)), $"laplacian[{i}]");
            }
        }
    }

    [Fact]
    public void ExactValuesOfAPolynomial()
    {
        // f = x0 x1² + 3 x0 - x1 / x0: every derivative is a small rational expression.
        var f = TapeFunction.Record(2, x => x[0] * x[1] * x[1] + 3 * x[0] - x[1] / x[0]);
        double a = 1.5, b = -2.0;
        double[] x = [a, b];
        var jac = f.Jacobian().Evaluate(x);
        AssertClose(b * b + 3 + b / (a * a), jac[0], 2e-16 * 8, "df/dx0");
        AssertClose(2 * a * b - 1 / a, jac[1], 2e-16 * 8, "df/dx1");
        var h = f.Hessian().Evaluate(x);
        Assert.Equal(-2 * b / (a * a * a), h[0], 15);
        Assert.Equal(2 * b + 1 / (a * a), h[1], 15);
        Assert.Equal(h[1], h[2]);
        Assert.Equal(2 * a, h[3]);
        Assert.Equal(-2 * b / (a * a * a) + 2 * a, f.Laplacian().Evaluate(x)[0], 15);
    }

    [Fact]
    public void KinksFollowTheOneSidedConvention()
    {
        var f = TapeFunction.Record(1, x => new[] { Relu(x[0]), LeakyRelu(x[0], 0.1), Elu(x[0], 2.0) });
        var jac = f.Jacobian().Evaluate([0.0]);
        Assert.Equal(new[] { 0.0, 0.1, 2.0 }, jac);
        Assert.Equal(new[] { 1.0, 1.0, 1.0 }, f.Jacobian().Evaluate([1e-300]));
        Assert.Equal(new[] { 0.0, 0.0, 2.0 }, f.SecondOrderJacobian().Evaluate([0.0]));
    }

    [Fact]
    public void NaNAndInfinityPropagateWithoutThrowing()
    {
        var f = Mixed();
        var h = f.Hessian();
        Assert.All(h.Evaluate([double.NaN, 0.1, 0.2]).Take(9), v => Assert.True(double.IsNaN(v) || v == 0));
        Assert.Contains(h.Evaluate([double.NaN, 0.1, 0.2]), double.IsNaN);
        var relu = TapeFunction.Record(1, x => Relu(x[0]));
        Assert.True(double.IsNaN(relu.Evaluate([double.NaN])[0]));
        Assert.Equal(double.PositiveInfinity, relu.Evaluate([double.PositiveInfinity])[0]);
        Assert.Equal(0.0, relu.Evaluate([double.NegativeInfinity])[0]);
        // elu's unused branch overflows to Inf for large x; the select must not turn that into NaN.
        var elu = TapeFunction.Record(1, x => Elu(x[0]));
        Assert.Equal(new[] { 1.0 }, elu.Jacobian().Evaluate([1000.0]));
        Assert.Equal(new[] { 0.0 }, elu.SecondOrderJacobian().Evaluate([1000.0]));
    }

    [Fact]
    public void ADiscardedBranchThatOverflowsGivesNoNaNInAnyMode()
    {
        // exp(x) overflows in elu's and selu's unused branch for x > 709: every mode, and a
        // derivative of a derivative, must still see the used branch only.
        var f = TapeFunction.Record(1, x => new[] { Elu(x[0]), Selu(x[0]) });
        double[] big = [1000.0];
        Assert.Equal(new[] { 1.0, 1.05070102214813232421875 }, f.Jacobian(FirstOrderMode.Forward).Evaluate(big));
        Assert.Equal(new[] { 1.0, 1.05070102214813232421875 }, f.Jacobian(FirstOrderMode.Reverse).Evaluate(big));
        foreach (var mode in new[] { SecondOrderMode.ForwardOverForward, SecondOrderMode.ForwardOverReverse, SecondOrderMode.ReverseOverForward, SecondOrderMode.ReverseOverReverse })
            Assert.Equal(new[] { 0.0, 0.0 }, f.Hessian(mode).Evaluate(big));
        var nested = f.Jacobian(FirstOrderMode.Reverse).Jacobian(FirstOrderMode.Reverse);
        Assert.Equal(new[] { 0.0, 0.0 }, nested.Evaluate(big));
        Assert.Equal(Math.Exp(-1), nested.Evaluate([-1.0])[0]);
    }

    [Fact]
    public void ADiscardedOverflowInsideNestedSelectsGivesNoNaN()
    {
        // Found by the network properties (shrunk): relu's select wraps elu's in the tangent graph,
        // and reverse over forward multiplied exp(960) = Inf by the inner select's 0.
        var f = TapeFunction.Record(1, x => Elu(-0.6 * (-2.0 * Relu(-0.08 * x[0]))));
        foreach (var mode in new[] { SecondOrderMode.ForwardOverForward, SecondOrderMode.ForwardOverReverse, SecondOrderMode.ReverseOverForward, SecondOrderMode.ReverseOverReverse })
            Assert.Equal(new[] { 0.0 }, f.Hessian(mode).Evaluate([-10000.0]));
    }

    [Fact]
    public void EluIsDifferentiableInEveryModeWhereItsUnusedExponentialWouldOverflow()
    {
        // Found by the network properties: reverse mode gave NaN for elu at 1000, forward mode 1,
        // because the unused branch exp(1000) = Inf met a zero adjoint.
        var elu = TapeFunction.Record(1, x => Elu(20 * x[0]));
        Assert.Equal(new[] { 20.0 }, elu.Jacobian(FirstOrderMode.Reverse).Evaluate([50.0]));
        Assert.Equal(new[] { 20.0 }, elu.Jacobian(FirstOrderMode.Forward).Evaluate([50.0]));
        foreach (var mode in new[] { SecondOrderMode.ForwardOverForward, SecondOrderMode.ForwardOverReverse, SecondOrderMode.ReverseOverForward, SecondOrderMode.ReverseOverReverse })
            Assert.Equal(new[] { 0.0 }, elu.Hessian(mode).Evaluate([50.0]));
        Assert.Equal(Math.Exp(-20.0) - 1, elu.Evaluate([-1.0])[0]);
        Assert.Equal(new[] { 20 * Math.Exp(-20.0) }, elu.Jacobian(FirstOrderMode.Reverse).Evaluate([-1.0]));
    }

    [Fact]
    public void SoftplusAndSigmoidStayFiniteAndAccurateAtExtremes()
    {
        var f = TapeFunction.Record(1, x => new[] { Softplus(x[0]), Sigmoid(x[0]) });
        Assert.Equal(new[] { 800.0, 1.0 }, f.Evaluate([800.0]));
        var tiny = f.Evaluate([-50.0]);
        Assert.Equal(Math.Exp(-50), tiny[0], Math.Exp(-50) * 1e-14);
        Assert.Equal(Math.Exp(-50), tiny[1], Math.Exp(-50) * 1e-14);
        Assert.Equal(new[] { 0.0, 0.0 }, f.Evaluate([-800.0]));
        Assert.Equal(Math.Exp(-710), f.Evaluate([-710.0])[1], Math.Exp(-710) * 1e-3); // subnormal, not 0
        Assert.All(f.Hessian().Evaluate([-800.0]), v => Assert.Equal(0.0, v));
        Assert.All(f.Hessian().Evaluate([800.0]), v => Assert.False(double.IsNaN(v)));
    }

    [Fact]
    public void ADeepChainDoesNotOverflowTheStack()
    {
        const int depth = 100_000;
        var f = TapeFunction.Record(1, x =>
        {
            var v = x[0];
            for (int k = 0; k < depth; k++) v = Tanh(0.999 * v + 0.001);
            return v;
        });
        var d2 = f.SecondOrderJacobian();
        var x0 = new[] { 0.5 };
        // Reference: the same recurrence with hand-written second-order Taylor propagation.
        double y = 0.5, dy = 1, ddy = 0;
        for (int k = 0; k < depth; k++)
        {
            double u = 0.999 * y + 0.001, du = 0.999 * dy, ddu = 0.999 * ddy;
            y = Math.Tanh(u);
            double s = 1 - y * y;
            (dy, ddy) = (s * du, s * ddu - 2 * y * s * du * du);
        }
        AssertClose(ddy, d2.Evaluate(x0)[0], 1e-10 * Math.Abs(ddy) + 1e-300, "deep second derivative");
    }

    [Fact]
    public void HashConsingSharesNodesAndSimplifies()
    {
        var g = new Graph();
        int x = g.Input(0), y = g.Input(1);
        Assert.Equal(g.Mul(x, y), g.Mul(y, x));
        Assert.Equal(x, g.Mul(x, g.One));
        Assert.Equal(x, g.Add(x, g.Constant(0)));
        Assert.Equal(x, g.Neg(g.Neg(x)));
        Assert.Equal(g.Sub(x, y), g.Add(x, g.Neg(y)));
        Assert.Equal(g.Constant(6), g.Mul(g.Constant(2), g.Constant(3)));
        Assert.NotEqual(g.Constant(0), g.Mul(x, g.Constant(0))); // Inf * 0 is NaN, so x*0 stays
    }

    [Fact]
    public void BadInputsGetClearErrors()
    {
        var f = Mixed();
        var e = Assert.Throws<ArgumentException>(() => f.Evaluate(new double[2], new double[2]));
        Assert.Contains("expected 3 inputs, got 2", e.Message);
        e = Assert.Throws<ArgumentException>(() => f.Evaluate(new double[3], new double[5]));
        Assert.Contains("expected a result span of length 2, got 5", e.Message);
        var o = Assert.Throws<ArgumentOutOfRangeException>(() => f.Gradient(2));
        Assert.Contains("expected an output index from 0 to 1", o.Message);
        var other = new Graph();
        var foreign = new Var(other, other.Input(0));
        Assert.Throws<ArgumentException>(() => TapeFunction.Record(1, x => x[0] + foreign));
        Assert.Throws<ArgumentException>(() => TapeFunction.Record(1, x => foreign));
    }

    [Fact]
    public void QueriesLeaveTheSourceUnchanged()
    {
        var f = Mixed();
        int before = f.Graph.Count;
        _ = f.Hessian();
        _ = f.Laplacian();
        Assert.Equal(before, f.Graph.Count);
    }

    internal static void AssertClose(double expected, double actual, double tolerance, string what)
    {
        if (!(Math.Abs(expected - actual) <= tolerance) && !expected.Equals(actual))
            Assert.Fail($"{what}: expected {expected:R}, got {actual:R}, difference {Math.Abs(expected - actual):E3} > tolerance {tolerance:E3}");
    }
}

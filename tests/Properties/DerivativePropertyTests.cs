using TapeAD.Testing;
using Xunit;

namespace TapeAD.Tests.Properties;

/// <summary>Every query of random chains against finite differences and against its other modes,
/// through the checker users get (<see cref="DerivativeChecker"/>).</summary>
public class DerivativePropertyTests
{
    private static readonly DerivativeCheckOptions ModesOnly = new() { CompareWithFiniteDifferences = false };
    private static readonly DerivativeCheckOptions FiniteDifferencesOnly = new() { CompareModes = false };

    /// <summary>Forward == reverse Jacobian, gradient == Jacobian row, the four Hessian modes agree
    /// and are symmetric, second-order Jacobian == Hessian diagonal, Laplacian == trace, HVP == H v.</summary>
    [NetworkProperty(80)]
    public void Every_query_agrees_with_its_other_modes(AnyNetwork network)
    {
        var c = network.Case;
        if (!c.X.All(double.IsFinite)) return;
        new DerivativeChecker(c.Function, ModesOnly with { Direction = c.V }).AssertCorrect(c.X);
    }

    /// <summary>Every first and second derivative against central differences with Richardson
    /// extrapolation, leaving out directions that cross a kink within the steps.</summary>
    [NetworkProperty(80)]
    public void Every_derivative_agrees_with_finite_differences(ModerateNetwork network)
    {
        var c = network.Case;
        new DerivativeChecker(c.Function, FiniteDifferencesOnly with { Direction = c.V }).AssertCorrect(c.X);
    }
}

// The README's FsCheck example, verbatim.
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TapeAD.Nn;
using TapeAD.Testing;

public class MyModelTests
{
    private static readonly DerivativeChecker Checker = new(BuiltinModels.Seed());

    [Property(MaxTest = 100)]
    public Property Derivatives_are_right_everywhere_we_use_the_model() =>
        Checker.Property(DerivativeChecker.Points(Checker.Function.InputLength, magnitude: 5));

    // Or with your own points: a failure throws DerivativeCheckException naming the worst entry,
    // after FsCheck has shrunk the point.
    [Property(MaxTest = 50)]
    public Property On_normalised_inputs() =>
        Prop.ForAll(DerivativeChecker.Points(5, magnitude: 1), x => Checker.AssertCorrect(x));
}

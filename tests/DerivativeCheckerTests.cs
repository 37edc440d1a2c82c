using FsCheck;
using FsCheck.Fluent;
using TapeAD.Nn;
using TapeAD.Tape;
using TapeAD.Testing;
using Xunit;
using static TapeAD.Tape.VarMath;

namespace TapeAD.Tests;

public class DerivativeCheckerTests
{
    private static readonly double[] SmoothPoint = [0.5, -0.3, 0.8, -1.2, 0.1];

    [Fact]
    public void The_seed_network_passes_with_every_comparison_made()
    {
        var report = new DerivativeChecker(BuiltinModels.Seed()).Check(SmoothPoint);
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(0, report.Skipped);
        // Modes: 3 outputs × 5 inputs × (3 first-order + 5 HVP + 5·(4 + 3) Hessian) + 3 Laplacians;
        // finite differences: 3 × 5 × (3 + 4·5 + 1) + 3 Laplacians + 3 × 5 × 5 HVPs.
        Assert.Equal(3 * 5 * (3 + 5 + 35) + 3 + 3 * 5 * 24 + 3 + 75, report.Compared);
        Assert.NotNull(report.Worst);
        Assert.False(report.Worst.Failed);
        Assert.Contains("passed", report.ToString());
    }

    [Fact]
    public void Finite_differences_across_a_kink_are_skipped_not_failed()
    {
        var f = TapeFunction.Record(2, x => Relu(x[0]) * x[1] + Elu(x[1]));
        var report = DerivativeChecker.Check(f, [0.0, 0.7]);
        Assert.True(report.Passed, report.ToString());
        Assert.True(report.Skipped > 0, "the direction x0 crosses relu's kink");
        Assert.Equal(0, DerivativeChecker.Check(f, [0.4, 0.7]).Skipped);
    }

    [Fact]
    public void Finite_differences_across_abs_and_sign_at_zero_are_skipped_not_failed()
    {
        var f = TapeFunction.Record(2, x => Abs(x[0]) * x[1] + Sign(x[0]) * x[1] * x[1]);
        var report = DerivativeChecker.Check(f, [0.0, 0.7]);
        Assert.True(report.Passed, report.ToString());
        Assert.True(report.Skipped > 0, "the direction x0 crosses abs's kink");
        Assert.Equal(0, DerivativeChecker.Check(f, [0.4, 0.7]).Skipped);
    }

    [Fact]
    public void Second_differences_that_leave_the_domain_are_skipped_not_compared()
    {
        // Steps of 3e-3 from 0.999999 pass atanh's pole at 1, where the Jacobian's formula 1/(1 - x²)
        // continues finitely: a difference across it looked smooth and failed a right Hessian.
        var f = TapeFunction.Record(2, x => new[] { Atanh(x[0]) * x[1], Log1p(-x[0]) * x[1] });
        var report = DerivativeChecker.Check(f, [0.999999, 3]);
        Assert.True(report.Passed, report.ToString());
        Assert.True(report.Skipped > 0, report.ToString());
        Assert.Equal(0, DerivativeChecker.Check(f, [0.5, 3]).Skipped);
    }

    [Fact]
    public void A_report_names_the_worst_entry_and_the_exception_carries_it()
    {
        var c = new Comparisons();
        c.Add(DerivativeQuery.Jacobian, "reverse mode", "forward mode", 0, [1], 2.0, 2.0 + 1e-15, 1e-14);
        c.Add(DerivativeQuery.Hessian, "mode ReverseOverForward", "finite differences", 2, [1, 3], 0.25, -0.25, 1e-9);
        c.Add(DerivativeQuery.Laplacian, "sum", "Hessian trace", 1, [], 1.0, 1.5, 1e-3);
        var report = c.Report("net", [1.0, 2.0]);
        Assert.False(report.Passed);
        Assert.Equal(3, report.Compared);
        var worst = report.Worst!;
        Assert.Equal((DerivativeQuery.Hessian, 2, 0.25, -0.25), (worst.Query, worst.Output, worst.Expected, worst.Got));
        Assert.Equal(new[] { 1, 3 }, worst.Inputs);
        var e = new DerivativeCheckException(report);
        Assert.Same(report, e.Report);
        Assert.Contains("FAILED", e.Message);
        Assert.Contains("Hessian (mode ReverseOverForward) of output 2, inputs (1, 3): expected 0.25 (finite differences), got -0.25", e.Message);
        Assert.Contains("tolerance 1E-09", e.Message);
    }

    [Fact]
    public void A_failing_first_derivative_is_named_before_a_worse_second_derivative()
    {
        var c = new Comparisons();
        c.Add(DerivativeQuery.Hessian, "mode ForwardOverForward", "finite differences", 0, [0, 0], 1, -1, 1e-12);
        c.Add(DerivativeQuery.Jacobian, "forward mode", "finite differences", 0, [0], 1, -1, 1e-6);
        Assert.Equal(DerivativeQuery.Jacobian, c.Report("f", [0.0]).Worst!.Query);
    }

    [Fact]
    public void NaN_against_a_number_is_a_failure_and_NaN_against_NaN_is_not()
    {
        var c = new Comparisons();
        c.Add(DerivativeQuery.Jacobian, "reverse mode", "forward mode", 0, [0], double.NaN, double.NaN, 0);
        Assert.True(c.Report("f", [0.0]).Passed);
        c.Add(DerivativeQuery.Jacobian, "reverse mode", "forward mode", 0, [0], 20, double.NaN, 1);
        Assert.False(c.Report("f", [0.0]).Passed);
    }

    [Fact]
    public void AssertCorrect_passes_quietly_and_rejects_bad_points_by_name()
    {
        var checker = new DerivativeChecker(BuiltinModels.Seed());
        checker.AssertCorrect(SmoothPoint);
        var e = Assert.Throws<ArgumentException>(() => checker.Check([1.0, 2.0]));
        Assert.Contains("expected a point of 5 inputs, got 2", e.Message);
        e = Assert.Throws<ArgumentException>(() => checker.Check([0, 0, double.NaN, 0, 0]));
        Assert.Contains("x[2] is NaN", e.Message);
        Assert.Throws<ArgumentException>(() => new DerivativeChecker(BuiltinModels.Seed(), new DerivativeCheckOptions { Direction = [1.0] }));
        Assert.Throws<ArgumentException>(() => new DerivativeChecker(BuiltinModels.Seed(), new DerivativeCheckOptions { Step = 0 }));
    }

    [Fact]
    public void The_fscheck_property_holds_for_a_model_over_generated_points()
    {
        var checker = new DerivativeChecker(BuiltinModels.Get("small-deep"));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(20), checker.Property());
        var points = Gen.ArrayOf(Gen.Choose(-300, 300).Select(k => k / 100.0), 3);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(10), checker.Property(points));
    }

    [Fact]
    public void Points_shrink_towards_zero_and_short_numbers()
    {
        Assert.Equal(new[] { 0.0, 1.0 }, DerivativeChecker.ShrinkCoordinate(1.234567));
        Assert.Equal(new[] { 0.0, 0.002 }, DerivativeChecker.ShrinkCoordinate(0.0017));
        Assert.Empty(DerivativeChecker.ShrinkCoordinate(0.0));
        Assert.All(DerivativeChecker.Points(4).Generator.Sample(10, 20), x => Assert.Equal(4, x.Length));
    }
}

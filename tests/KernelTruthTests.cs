using TapeAD.Tape;
using TapeAD.Tests.Reference;
using Xunit;
using Xunit.Abstractions;

namespace TapeAD.Tests;

/// <summary>
/// Each own kernel against the true value (<see cref="TrueFunctions"/>, ~250 correct bits), in fractions of
/// an ulp, on random inputs per range plus the edge constants: the bound each kernel's documentation states.
/// The reference is checked in turn against libm, which it must match to libm's own published accuracy.
/// <c>TAPEAD_TRUTH_SAMPLES</c> raises the sample count for long runs.
/// </summary>
public class KernelTruthTests(ITestOutputHelper output)
{
    private static readonly int Samples =
        int.TryParse(Environment.GetEnvironmentVariable("TAPEAD_TRUTH_SAMPLES"), out int n) && n > 0 ? n : 4_000;

    private sealed record Case(Func<double, double> Ours, Func<double, double>? Library, Func<double, ExactReal> Truth,
        Func<double, bool> Domain, double Bound, double LibraryBound, Func<Random, double>[] Ranges);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["exp"] = new(Elementwise.Exp, Math.Exp, TrueFunctions.Exp, x => Math.Abs(x) <= 1100, 1, 1,
            [r => Uniform(r, 745), r => Uniform(r, 2), r => Uniform(r, 1e-6), r => -745 + r.NextDouble() * 37]),
        ["expm1"] = new(Elementwise.Expm1, Libm.Expm1, TrueFunctions.Expm1, x => Math.Abs(x) <= 1100, 1, 1,
            [r => Uniform(r, 40), r => Uniform(r, 1e-3), r => Uniform(r, 710), r => Uniform(r, 1.5)]),
        ["log"] = new(Elementwise.Log, Math.Log, TrueFunctions.Log, x => x > 0 && double.IsFinite(x), 1, 1,
            [r => Math.Exp(Uniform(r, 709)), r => 1 + Uniform(r, 0.3), r => r.NextDouble() * 2.3e-308, AnyBits]),
        ["log1p"] = new(Elementwise.Log1P, Libm.Log1P, TrueFunctions.Log1P, x => x > -1 && double.IsFinite(x), 1, 1,
            [r => r.NextDouble() * 100, r => Uniform(r, 1e-3), r => Math.Exp(-r.NextDouble() * 700), r => -1 + r.NextDouble() * 2]),
        ["tanh"] = new(Elementwise.Tanh, Math.Tanh, TrueFunctions.Tanh, double.IsFinite, 2, 2.5,
            [r => Uniform(r, 3), r => Uniform(r, 0.01), r => Uniform(r, 30), r => Math.Exp(Uniform(r, 40))]),
        ["sigmoid"] = new(Elementwise.Sigmoid, null, TrueFunctions.Sigmoid, x => Math.Abs(x) <= 1100, 2, 0,
            [r => Uniform(r, 40), r => Uniform(r, 750)]),
        ["softplus"] = new(Elementwise.Softplus, null, TrueFunctions.Softplus, x => Math.Abs(x) <= 1100, 2, 0,
            [r => Uniform(r, 40), r => Uniform(r, 750)]),
        ["sin"] = new(Elementwise.Sin, Math.Sin, TrueFunctions.Sin, double.IsFinite, 1, 1,
            [r => Uniform(r, 10), r => Uniform(r, 1.1e9), r => Math.Exp(Uniform(r, 24)), r => Uniform(r, 1e300)]),
        ["cos"] = new(Elementwise.Cos, Math.Cos, TrueFunctions.Cos, double.IsFinite, 1, 1,
            [r => Uniform(r, 10), r => Uniform(r, 1.1e9), r => Math.Exp(Uniform(r, 24)), r => Uniform(r, 1e300)]),
        ["erf"] = new(Elementwise.Erf, Libm.Erf, TrueFunctions.Erf, x => Math.Abs(x) <= 6, 1, 1,
            [r => Uniform(r, 6), r => Uniform(r, 1e-8), r => Uniform(r, 1.5)]),
    };

    public static IEnumerable<object[]> Functions => Cases.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(Functions))]
    public void Each_kernel_stays_within_its_stated_bound_of_the_true_value(string name)
    {
        var c = Cases[name];
        var (worst, at) = Worst(name, c.Ours, c);
        output.WriteLine($"{name}: {worst:F3} ulp at x = {at:R}");
        Assert.True(worst <= c.Bound, $"{name}({at:R}) is {worst:F3} ulp from the true value; bound {c.Bound}.");
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void The_reference_agrees_with_libm_to_libm_s_own_accuracy(string name)
    {
        var c = Cases[name];
        if (c.Library is null) return;
        var (worst, at) = Worst(name, c.Library, c);
        output.WriteLine($"libm {name}: {worst:F3} ulp at x = {at:R}");
        Assert.True(worst <= c.LibraryBound, $"libm's {name}({at:R}) is {worst:F3} ulp from the reference: the reference is wrong there.");
    }

    [Fact]
    public void The_reference_knows_its_constants()
    {
        Assert.Equal(Math.E, TrueFunctions.Exp(1).ToDouble());
        Assert.Equal(0.6931471805599453, TrueFunctions.Log(2).ToDouble());
        Assert.Equal(0.8427007929497149, TrueFunctions.Erf(1).ToDouble());
        Assert.Equal(0.7615941559557649, TrueFunctions.Tanh(1).ToDouble());
        Assert.Equal(0.0, ExactReal.UlpError(1.0, TrueFunctions.Tanh(600)));
        // The double nearest π is π - 1.2246467991473532e-16, so that is its sine; its half's cosine is half of it.
        Assert.Equal(1.2246467991473532e-16, TrueFunctions.Sin(Math.PI).ToDouble());
        Assert.Equal(6.123233995736766e-17, TrueFunctions.Cos(Math.PI / 2).ToDouble());
        Assert.Equal(1e-300, TrueFunctions.Log1P(1e-300).ToDouble());
        Assert.Equal(1e-300, TrueFunctions.Expm1(1e-300).ToDouble());
        // An error of one ulp reads as one, whichever side.
        Assert.Equal(1.0, ExactReal.UlpError(Math.BitIncrement(1.5), ExactReal.Of(1.5)));
        Assert.Equal(1.0, ExactReal.UlpError(Math.BitDecrement(1.5), ExactReal.Of(1.5)));
        Assert.Equal(0.0, ExactReal.UlpError(double.PositiveInfinity, TrueFunctions.Exp(710)));
        Assert.True(ExactReal.UlpError(double.MaxValue, TrueFunctions.Exp(710)) > 1e10);
    }

    private static (double Worst, double At) Worst(string name, Func<double, double> f, Case c)
    {
        var rng = new Random(name.Length * 7919 + 23);
        double worst = 0, at = double.NaN;
        foreach (double x in ElementwiseAccuracyTests.Edges.Where(x => !double.IsNaN(x) && c.Domain(x))) Check(x);
        foreach (var range in c.Ranges)
            for (int i = 0; i < Samples / c.Ranges.Length; i++)
            {
                double x = range(rng);
                if (c.Domain(x)) Check(x);
            }
        return (worst, at);

        void Check(double x)
        {
            double e = ExactReal.UlpError(f(x), c.Truth(x));
            if (!(e <= worst)) (worst, at) = (e, x);
        }
    }

    private static double Uniform(Random r, double half) => (r.NextDouble() * 2 - 1) * half;

    private static double AnyBits(Random r) => BitConverter.Int64BitsToDouble(r.NextInt64(1, 0x7FF0000000000000));
}

using TapeAD.Tape;
using TapeAD.Tests.Reference;
using Xunit;

namespace TapeAD.Tests;

/// <summary>
/// Each own kernel against the platform's libm (<see cref="Math"/>, or libm's expm1/log1p/erf where .NET
/// has none) on a million random inputs per range plus the edge constants, within the bound its
/// documentation states: exp, log, log1p, sin, cos, expm1 and erf within 1 ulp; tanh within 2 (glibc's own
/// tanh is a 2-ulp function); sigmoid within 2 (a division on top of a 1-ulp exp); softplus, log1p of exp,
/// within 2, its log1p alone within 1. The references are glibc's (the project's platform).
/// <c>TAPEAD_KERNEL_SAMPLES</c> raises the sample count for long runs.
/// </summary>
public class ElementwiseAccuracyTests
{
    private static readonly int Samples =
        int.TryParse(Environment.GetEnvironmentVariable("TAPEAD_KERNEL_SAMPLES"), out int n) && n > 0 ? n : 1_000_000;

    internal static readonly double[] Edges =
    [
        0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN, double.Epsilon, -double.Epsilon,
        2.2250738585072014e-308, -2.2250738585072014e-308, 2.225073858507201e-308, 1e-310, double.MaxValue, -double.MaxValue,
        1e308, -1e308, 1000, -1000, 709.782712893384, 709.7827128933841, 709.78, 709.79, -708.3964185322641, -708.4,
        -745.1332191019411, -745.1332191019412, -745.14, -744.44, 1e-300, 3.725290298461914e-09, 7.450580596923828e-09,
        5.551115123125783e-17, 0.5, -0.5, 1, -1, 2, -2, 0.34657359027997264, 0.84375, 1.25, 2.857142857142857, 6, -6, 22, -22, 44,
        1.5707963267948966, 3.141592653589793, 0.7853981633974483, 1e9, 1073741824.0, 1073741825.0, 2e9, 1e22, 1e300,
        36.7, -36.7, 37.5, -37.5, 40, 1e-5, -1e-5, 0.9999999999999999, 1.0000000000000002,
        // exp's and expm1's short path ends at |x| = 708 (k = ±1021): both sides of it.
        708, -708, 708.0000000000001, -708.0000000000001, 707.9999999999999, -707.9999999999999, 707.703, -707.703,
        // log1p: just above and below -1, 2^-53, where 1 + x stops being exact (2^53, 2^54), the top of the
        // range (u = 1 + x at k = 1024), and both sides of √2 - 1 and √2/2 - 1 (where k leaves 0).
        -0.9999999999999999, -1.0000000000000002, -0.9999999, 1.1102230246251565e-16, -1.1102230246251565e-16,
        9007199254740992.0, 9007199254740993.0, 18014398509481984.0, 18014398509481982.0, 1.3e308,
        0.41421356237309503, 0.414213562373095, 0.41421356237309515, -0.2928932188134524, -0.29289321881345254, -0.29289321881345237,
    ];

    public static IEnumerable<object[]> Functions => Cases.Keys.Select(k => new object[] { k });

    private static readonly Dictionary<string, (Func<double, double> Ours, Func<double, double> Libm, long Bound, Func<Random, double>[] Ranges)> Cases = new()
    {
        ["exp"] = (Elementwise.Exp, Math.Exp, 1, [r => Uniform(r, 745), r => Uniform(r, 2), r => Uniform(r, 1e-6), r => -745 + r.NextDouble() * 37]),
        ["log"] = (Elementwise.Log, Math.Log, 1, [r => Math.Exp(Uniform(r, 709)), r => 1 + Uniform(r, 0.3), r => r.NextDouble() * 2.3e-308, AnyBits]),
        ["sin"] = (Elementwise.Sin, Math.Sin, 1, [r => Uniform(r, 10), r => Uniform(r, 1.1e9), r => Math.Exp(Uniform(r, 24)), r => Uniform(r, 1e300)]),
        ["cos"] = (Elementwise.Cos, Math.Cos, 1, [r => Uniform(r, 10), r => Uniform(r, 1.1e9), r => Math.Exp(Uniform(r, 24)), r => Uniform(r, 1e300)]),
        ["tanh"] = (Elementwise.Tanh, Math.Tanh, 2, [r => Uniform(r, 3), r => Uniform(r, 0.01), r => Uniform(r, 30), r => Math.Exp(Uniform(r, 40))]),
        ["expm1"] = (Elementwise.Expm1, Libm.Expm1, 1, [r => Uniform(r, 40), r => Uniform(r, 1e-3), r => Uniform(r, 710), r => Uniform(r, 1.5)]),
        ["log1p"] = (Elementwise.Log1P, Libm.Log1P, 1, [r => r.NextDouble() * 100, r => Uniform(r, 1e-3), r => Math.Exp(-r.NextDouble() * 700),
            r => -1 + r.NextDouble() * 2, AnyBits, r => -BelowOneBits(r), r => -1 + r.NextDouble() * 1e-3, r => 0.41421356237309503 + Uniform(r, 0.1)]),
        ["erf"] = (Elementwise.Erf, Libm.Erf, 1, [r => Uniform(r, 7), r => Uniform(r, 1e-8), r => Uniform(r, 1.5)]),
        ["sigmoid"] = (Elementwise.Sigmoid, SigmoidByMath, 2, [r => Uniform(r, 40), r => Uniform(r, 750)]),
        ["softplus"] = (Elementwise.Softplus, SoftplusByLibm, 2, [r => Uniform(r, 40), r => Uniform(r, 750), r => Uniform(r, 2)]),
        // For x ≤ 0 softplus is log1p(exp(x)) alone: its own log1p (of an argument in [0, 1]) against libm's on the same exp.
        ["softplus's log1p"] = (x => Elementwise.Softplus(-Math.Abs(x)), x => Libm.Log1P(Elementwise.Exp(-Math.Abs(x))), 1,
            [r => r.NextDouble() * 40, r => r.NextDouble() * 1.5, r => r.NextDouble() * 750]),
    };

    [Theory]
    [MemberData(nameof(Functions))]
    public void Each_kernel_stays_within_its_stated_ulp_bound_of_libm(string name)
    {
        var (ours, libm, bound, ranges) = Cases[name];
        var rng = new Random(name.Length * 7919 + 17);
        foreach (double x in Edges) Check(x);
        foreach (var range in ranges)
            for (int i = 0; i < Samples / ranges.Length; i++) Check(range(rng));

        void Check(double x)
        {
            double a = ours(x), b = libm(x);
            long ulps = UlpDistance(a, b);
            if (ulps > bound) Assert.Fail($"{name}({x:R}) = {a:R}, libm {b:R}: {ulps} ulp apart, bound {bound}.");
        }
    }

    [Fact]
    public void Infinities_zeros_and_thresholds_give_the_ieee_results()
    {
        Assert.Equal(double.PositiveInfinity, Elementwise.Exp(709.7827128933841));
        Assert.True(Elementwise.Exp(709.782712893384) is > 1.7976e308 and < double.PositiveInfinity, "the largest finite exp stays finite");
        Assert.Equal(0.0, Elementwise.Exp(-745.14));
        Assert.Equal(double.Epsilon, Elementwise.Exp(-745.1332191019411));
        Assert.Equal(double.NegativeInfinity, Elementwise.Log(0.0));
        Assert.Equal(double.NegativeInfinity, Elementwise.Log(-0.0));
        Assert.True(double.IsNaN(Elementwise.Log(-double.Epsilon)));
        Assert.Equal(-744.4400719213812, Elementwise.Log(double.Epsilon));
        Assert.Equal(double.PositiveInfinity, Elementwise.Log(double.PositiveInfinity));
        Assert.True(double.IsNegative(Elementwise.Sin(-0.0)) && Elementwise.Sin(-0.0) == 0);
        Assert.True(double.IsNegative(Elementwise.Tanh(-0.0)) && Elementwise.Tanh(-0.0) == 0);
        Assert.True(double.IsNegative(Elementwise.Expm1(-0.0)) && Elementwise.Expm1(-0.0) == 0);
        Assert.Equal(1.0, Elementwise.Tanh(double.PositiveInfinity));
        Assert.Equal(-1.0, Elementwise.Expm1(double.NegativeInfinity));
        Assert.True(Elementwise.Sigmoid(-744.0) is > 0 and < 1e-300, "sigmoid keeps its subnormal tail");
        Assert.Equal(1000.0, Elementwise.Softplus(1000.0));
        foreach (var f in new Func<double, double>[] { Elementwise.Exp, Elementwise.Log, Elementwise.Sin, Elementwise.Cos, Elementwise.Tanh,
                     Elementwise.Expm1, Elementwise.Log1P, Elementwise.Erf, Elementwise.Sigmoid, Elementwise.Softplus })
            Assert.True(double.IsNaN(f(double.NaN)));
        Assert.True(double.IsNaN(Elementwise.Sin(double.PositiveInfinity)) && double.IsNaN(Elementwise.Cos(double.NegativeInfinity)));
    }

    private static double Uniform(Random r, double half) => (r.NextDouble() * 2 - 1) * half;

    // Any finite positive double, by its bits.
    private static double AnyBits(Random r) => BitConverter.Int64BitsToDouble(r.NextInt64(1, 0x7FF0000000000000));

    // Any double in (0, 1), by its bits: subnormals and 2^-1000 as often as 0.5.
    private static double BelowOneBits(Random r) => BitConverter.Int64BitsToDouble(r.NextInt64(1, 0x3FF0000000000000));

    private static double SigmoidByMath(double x) => x < 0 ? Math.Exp(x) / (1 + Math.Exp(x)) : 1 / (1 + Math.Exp(-x));

    private static double SoftplusByLibm(double x) => x > 0 ? x + Libm.Log1P(Math.Exp(-x)) : Libm.Log1P(Math.Exp(x));

    /// <summary>How many doubles lie between a and b (0 for equal values and for two NaNs).</summary>
    internal static long UlpDistance(double a, double b)
    {
        if (double.IsNaN(a) || double.IsNaN(b)) return double.IsNaN(a) && double.IsNaN(b) ? 0 : long.MaxValue;
        if (a == b) return 0;
        return Math.Abs(Ordered(a) - Ordered(b));
        static long Ordered(double d)
        {
            long bits = BitConverter.DoubleToInt64Bits(d);
            return bits < 0 ? long.MinValue - bits : bits;
        }
    }
}

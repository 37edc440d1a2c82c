using System.Runtime.CompilerServices;

namespace TapeAD.Tape.Kernels;

/// <summary>
/// log and log1p. log follows fdlibm's <c>e_log.c</c> (Sun Microsystems, 1993; error below 1 ulp):
/// <c>x = 2^k (1 + f)</c> with <c>1 + f</c> in [√2/2, √2), <c>s = f / (2 + f)</c>,
/// <c>log(1 + f) = f - f²/2 + s (f²/2 + R(s²))</c>, written without branches: exponent and
/// mantissa come from integer operations on the bits.
/// </summary>
internal static class LogKernels
{
    private const double Ln2Hi = 6.93147180369123816490e-01; // low 32 bits zero: k * Ln2Hi is exact
    private const double Ln2Lo = 1.90821492927058770002e-10;
    private const double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01, Lg3 = 2.857142874366239149e-01,
        Lg4 = 2.222219843214978396e-01, Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01, Lg7 = 1.479819860511658591e-01;
    private const long SqrtHalfBits = 0x3fe6a09e667f3bcd;
    private const long ExponentMask = unchecked((long)0xfff0000000000000UL);
    private const double SmallestNormal = 2.2250738585072014e-308;
    private const double TwoPow54 = 18014398509481984.0;

    /// <summary>The natural logarithm; ≤ 1 ulp. log(±0) = -∞, log(x &lt; 0) = NaN, log(+∞) = +∞.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Log<T, M>(T x) where T : struct, ILanes<T, M> where M : struct
    {
        // Subnormals are scaled into the normal range first.
        var subnormal = T.Less(x, T.Of(SmallestNormal));
        var xs = T.Select(subnormal, x * T.Of(TwoPow54), x);
        var bias = T.Select(subnormal, T.Of(54.0 + 1024.0), T.Of(1024.0));
        // tmp's exponent field is k (biased so that it is never negative); the mantissa is rebased
        // into [√2/2, √2).
        var tmp = T.AddBits(xs, -SqrtHalfBits);
        var kBits = T.ShiftRightBits(T.AddBits(tmp, 1024L << 52), 52);
        var k = (T.AddBits(kBits, BitConverter.DoubleToInt64Bits(ExpKernels.Shifter)) - T.Of(ExpKernels.Shifter)) - bias;
        var z = T.SubtractBits(xs, T.AndBits(tmp, ExponentMask));
        var f = z - T.Of(1.0);

        var s = f / (T.Of(2.0) + f);
        var zz = s * s;
        var w = zz * zz;
        var t1 = w * (T.Of(Lg2) + w * (T.Of(Lg4) + w * T.Of(Lg6)));
        var t2 = zz * (T.Of(Lg1) + w * (T.Of(Lg3) + w * (T.Of(Lg5) + w * T.Of(Lg7))));
        var r = t2 + t1;
        var hfsq = T.Of(0.5) * f * f;
        var result = k * T.Of(Ln2Hi) - ((hfsq - (s * (hfsq + r) + k * T.Of(Ln2Lo))) - f);

        result = T.Select(T.Equal(x, T.Of(double.PositiveInfinity)), x, result);
        result = T.Select(T.Equal(x, T.Of(0.0)), T.Of(double.NegativeInfinity), result);
        result = T.Select(T.Less(x, T.Of(0.0)), T.Of(double.NaN), result);
        return T.Select(T.Equal(x, x), result, x);
    }

    /// <summary>log(1 + x), accurate for tiny x: <c>log(u) · x / (u - 1)</c> with <c>u = 1 + x</c>
    /// cancels the rounding error of forming u (Goldberg's correction); measured ≤ 2 ulp.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Log1P<T, M>(T x) where T : struct, ILanes<T, M> where M : struct
    {
        var u = T.Of(1.0) + x;
        var log = Log<T, M>(u);
        var corrected = log * (x / (u - T.Of(1.0)));
        // The correction needs a finite u; where u rounds to 1, log(1 + x) rounds to x.
        var result = T.Select(T.Equal(u, T.Of(double.PositiveInfinity)), log, corrected);
        return T.Select(T.Equal(u, T.Of(1.0)), x, result);
    }
}

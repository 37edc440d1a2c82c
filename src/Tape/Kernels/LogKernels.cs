using System.Runtime.CompilerServices;

namespace TapeAD.Tape.Kernels;

/// <summary>
/// log, log1p and softplus's log1p, after fdlibm's <c>e_log.c</c> and <c>s_log1p.c</c> (Sun Microsystems,
/// 1993; both below 1 ulp): the argument is <c>2^k (1 + f)</c> with <c>1 + f</c> in [√2/2, √2),
/// <c>s = f / (2 + f)</c> and <c>log(1 + f) = f - f²/2 + s (f²/2 + R(s²))</c>, written without branches:
/// exponent and mantissa come from integer operations on the bits.
/// </summary>
internal static class LogKernels
{
    private const double Ln2Hi = 6.93147180369123816490e-01; // low 32 bits zero: k * Ln2Hi is exact
    private const double Ln2Lo = 1.90821492927058770002e-10;
    // fdlibm's minimax R(z) = Lg1 z + ... + Lg7 z^7 on s ≤ 0.1716 (|error| < 2^-58.45).
    private const double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01, Lg3 = 2.857142874366239149e-01,
        Lg4 = 2.222219843214978396e-01, Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01, Lg7 = 1.479819860511658591e-01;
    // The same R, minimax on s² ≤ 0.04 (|s| ≤ 1/5) with one more term (Remez in 60-digit arithmetic, error
    // 2^-61.7; 2^-60.4 with the coefficients rounded to double): the range softplus's log1p reaches.
    private const double P1 = 0.666666666666666, P2 = 0.4000000000005594, P3 = 0.28571428556007317, P4 = 0.22222224276187363,
        P5 = 0.1818166708939584, P6 = 0.1539107239934672, P7 = 0.13174262346369522, P8 = 0.13838563461626616;
    private const long SqrtHalfBits = 0x3fe6a09e667f3bcd;
    private const long ExponentMask = unchecked((long)0xfff0000000000000UL);
    private const double SmallestNormal = 2.2250738585072014e-308;
    private const double TwoPow54 = 18014398509481984.0;

    /// <summary>The natural logarithm; ≤ 1 ulp. log(±0) = -∞, log(x &lt; 0) = NaN, log(+∞) = +∞.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Log<T, M>(T x) where T : struct, ILanes<T, M> where M : struct
    {
        // When every element is positive, normal and finite, there is nothing to scale and no special
        // value to select: the same operations on each element without the scaling's multiply, five
        // comparisons and six selects (of ~45 operations). NaN fails the comparisons: general path.
        if (T.All(T.And(T.LessOrEqual(T.Of(SmallestNormal), x), T.LessOrEqual(x, T.Of(double.MaxValue)))))
            return OfNormal<T, M>(x, T.Of(1024.0));
        // Subnormals are scaled into the normal range first.
        var subnormal = T.Less(x, T.Of(SmallestNormal));
        var xs = T.Select(subnormal, x * T.Of(TwoPow54), x);
        var result = OfNormal<T, M>(xs, T.Select(subnormal, T.Of(54.0 + 1024.0), T.Of(1024.0)));

        result = T.Select(T.Equal(x, T.Of(double.PositiveInfinity)), x, result);
        result = T.Select(T.Equal(x, T.Of(0.0)), T.Of(double.NegativeInfinity), result);
        result = T.Select(T.Less(x, T.Of(0.0)), T.Of(double.NaN), result);
        return T.Select(T.Equal(x, x), result, x);
    }

    /// <summary>
    /// log(1 + x), accurate for tiny x; ≤ 1 ulp (fdlibm's scheme). <c>u = 1 + x</c> rounds, and TwoSum
    /// gives exactly what it dropped, c; <c>log(1 + x) = log u + c/u</c> to far below an ulp. <c>u</c> splits
    /// as <see cref="Log{T, M}"/> splits its argument, so <c>c/u = (c 2^-k) / (1 + f)</c>, and
    /// <c>1/(1 + f) = (1 - s)/(1 + s) = (1 - s)² / (1 - s²)</c> comes from s without a second division:
    /// <c>(1 - s)² (1 + s²)</c> is within s⁴ &lt; 9e-4 of it, and c/u, below half an ulp of u, needs no more.
    /// log1p(-1) = -∞, log1p(x &lt; -1) = NaN, log1p(+∞) = +∞, log1p(±0) = ±0. Measured at most 0.88 ulp
    /// from the exact value (glibc's 0.83 on the same 6·10³ arguments, those where the two differ and random ones).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Log1P<T, M>(T x) where T : struct, ILanes<T, M> where M : struct
    {
        // Every element above -1 and finite: no special value to select but ±0 (as in Log, NaN fails).
        if (T.All(T.And(T.Less(T.Of(-1.0), x), T.LessOrEqual(x, T.Of(double.MaxValue)))))
            return KeepZero<T, M>(x, AboveMinusOne<T, M>(x));
        var result = AboveMinusOne<T, M>(x);
        result = T.Select(T.Equal(x, T.Of(double.PositiveInfinity)), x, result);
        result = T.Select(T.Equal(x, T.Of(-1.0)), T.Of(double.NegativeInfinity), result);
        result = T.Select(T.Less(x, T.Of(-1.0)), T.Of(double.NaN), result);
        return T.Select(T.Equal(x, x), KeepZero<T, M>(x, result), x);
    }

    /// <summary>log1p(x) for finite x &gt; -1, but +0 for -0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T AboveMinusOne<T, M>(T x) where T : struct, ILanes<T, M> where M : struct
    {
        var one = T.Of(1.0);
        var u = one + x;
        var b = u - one;
        var c = (one - (u - b)) + (x - b);
        // u is never subnormal: it is at least 2^-53.
        var (k, m, kField) = Split<T, M>(u, T.Of(1024.0));
        var f = m - one;
        var s = f / (T.Of(2.0) + f);
        // 2^-k is 1 with k subtracted from its exponent field. From u = 2^54 on, c/u is below 1/64 ulp of
        // log u and is dropped (at k = 1024, 2^-k would leave the range).
        var scaled = T.Select(T.Less(u, T.Of(TwoPow54)), c * T.SubtractBits(one, kField), T.Of(0.0));
        var t = one - s;
        var correction = scaled * t * T.Fma(t, s * s, t);
        return Combine<T, M>(f, s, k, k * T.Of(Ln2Lo) + correction);
    }

    /// <summary>x where x is ±0 (TwoSum's c of -0 is +0), else <paramref name="result"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T KeepZero<T, M>(T x, T result) where T : struct, ILanes<T, M> where M : struct =>
        T.Select(T.Equal(x, T.Of(0.0)), x, result);

    /// <summary>
    /// log(1 + v) for v in [0, 1] or NaN, as softplus needs it for <c>v = exp(-|x|)</c>: no exponent to
    /// extract, no correction and no special value. Below 1/2, <c>f = v</c> and k = 0; from 1/2 on,
    /// <c>1 + f = (1 + v)/2</c>, so <c>f = v/2 - 1/2</c> (exact by Sterbenz's lemma, which is why the split
    /// is at 1/2 and not at √2 - 1) and k = 1. s then spans [-1/7, 1/5], past fdlibm's 0.1716, so R is
    /// <c>P1 .. P8</c>, fitted to this range. One division (<see cref="Log1P{T, M}"/> has one, plus TwoSum,
    /// the exponent split and its selects). Measured: within 1 ulp of glibc's log1p on 10⁷ arguments
    /// exp(x) for x in [-40, 0], at most 0.83 ulp from the exact value (2·10⁴ arguments, half near 1/2,
    /// against 200-bit arithmetic; glibc's own 0.79 there); the test bound against glibc is 1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Log1POfUnit<T, M>(T v) where T : struct, ILanes<T, M> where M : struct
    {
        var upper = T.LessOrEqual(T.Of(0.5), v);
        var f = T.Select(upper, T.Fma(v, T.Of(0.5), T.Of(-0.5)), v);
        var s = f / (T.Of(2.0) + f);
        var z = s * s;
        var w = z * z;
        var t1 = w * T.Fma(T.Fma(T.Fma(T.Of(P8), w, T.Of(P6)), w, T.Of(P4)), w, T.Of(P2));
        var t2 = z * T.Fma(T.Fma(T.Fma(T.Of(P7), w, T.Of(P5)), w, T.Of(P3)), w, T.Of(P1));
        var hfsq = T.Of(0.5) * f * f;
        var low = T.Fma(s, hfsq + (t2 + t1), T.Select(upper, T.Of(Ln2Lo), T.Of(0.0)));
        return T.Select(upper, T.Of(Ln2Hi), T.Of(0.0)) - ((hfsq - low) - f);
    }

    /// <summary>log x for positive normal x; <paramref name="bias"/> as for <see cref="Split{T, M}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T OfNormal<T, M>(T x, T bias) where T : struct, ILanes<T, M> where M : struct
    {
        var (k, m, _) = Split<T, M>(x, bias);
        var f = m - T.Of(1.0);
        return Combine<T, M>(f, f / (T.Of(2.0) + f), k, k * T.Of(Ln2Lo));
    }

    /// <summary>k, m and k in the exponent field (<c>k · 2^52</c> as an integer) for x = 2^k m with
    /// m in [√2/2, √2); x positive and normal, <paramref name="bias"/> 1024 plus any scaling of x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (T K, T M, T KField) Split<T, M>(T x, T bias) where T : struct, ILanes<T, M> where M : struct
    {
        // tmp's exponent field is k (biased so that it is never negative); the mantissa is rebased
        // into [√2/2, √2).
        var tmp = T.AddBits(x, -SqrtHalfBits);
        var kField = T.AndBits(tmp, ExponentMask);
        var kBits = T.ShiftRightBits(T.AddBits(tmp, 1024L << 52), 52);
        var k = (T.AddBits(kBits, BitConverter.DoubleToInt64Bits(ExpKernels.Shifter)) - T.Of(ExpKernels.Shifter)) - bias;
        return (k, T.SubtractBits(x, kField), kField);
    }

    /// <summary><c>k ln2 + log(1 + f)</c> with fdlibm's R, ln2 in two parts and <paramref name="low"/>
    /// (<c>k · Ln2Lo</c> and any correction) added where the small terms meet.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Combine<T, M>(T f, T s, T k, T low) where T : struct, ILanes<T, M> where M : struct
    {
        var zz = s * s;
        var w = zz * zz;
        var t1 = w * (T.Of(Lg2) + w * (T.Of(Lg4) + w * T.Of(Lg6)));
        var t2 = zz * (T.Of(Lg1) + w * (T.Of(Lg3) + w * (T.Of(Lg5) + w * T.Of(Lg7))));
        var r = t2 + t1;
        var hfsq = T.Of(0.5) * f * f;
        return k * T.Of(Ln2Hi) - ((hfsq - (s * (hfsq + r) + low)) - f);
    }
}

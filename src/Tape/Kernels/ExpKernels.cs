using System.Runtime.CompilerServices;

namespace TapeAD.Tape.Kernels;

/// <summary>
/// exp and expm1, table-free so that the SIMD forms need no gathers: <c>x = k ln2 + r</c> with
/// <c>|r| &lt;= ln2/2</c> (Cody–Waite, ln2 in two parts, fused), <c>e^r - 1</c> by its Taylor series to
/// degree 13 (truncation below 0.05 ulp; the high terms by Estrin's scheme), and <c>2^k</c> applied as
/// two exact powers of two so that results reach the subnormals and overflow to infinity without special cases.
/// </summary>
internal static class ExpKernels
{
    /// <summary>1.5 * 2^52: adding it rounds to an integer, which then sits in the low bits.</summary>
    internal const double Shifter = 6755399441055744.0;
    private const double InvLn2 = 1.4426950408889634;
    private const double Ln2Hi = 0.6931471805599453;
    private const double Ln2Lo = 2.3190468138462996e-17;
    // exp(x) is +Inf above ~709.78 and rounds to 0 below ~-745.13: clamping keeps k in range.
    private const double Highest = 709.8, Lowest = -746.0;
    // For |x| <= 708, k = round(x / ln2) is in [-1021, 1021]: the clamp changes nothing and 2^k is one
    // normal power of two, so y·2^k rounds once, as the two exact halves of Scale do: same bits, 11 fewer
    // operations of some 35. NaN is not in range (the comparison is false) and takes the general path.
    private const double InRange = 708.0;

    // 1/n! for n = 2 .. 13.
    private const double C2 = 0.5, C3 = 0.16666666666666666, C4 = 0.041666666666666664, C5 = 0.008333333333333333,
        C6 = 0.001388888888888889, C7 = 0.0001984126984126984, C8 = 2.48015873015873e-05, C9 = 2.7557319223985893e-06,
        C10 = 2.755731922398589e-07, C11 = 2.505210838544172e-08, C12 = 2.08767569878681e-09, C13 = 1.6059043836821613e-10;

    /// <summary>e^x; within 1 ulp of <see cref="Math.Exp"/> (glibc), and measured at most 0.89 ulp from the true value (KernelTruthTests).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Exp<T, M>(T x) where T : struct, ILanes<T, M> where M : struct
    {
        bool inRange = T.All(T.LessOrEqual(T.Abs(x), T.Of(InRange)));
        var (t, r) = Reduce<T, M>(inRange ? x : Clamp<T, M>(x));
        var u = Tail<T, M>(r);
        // 1 + (r + u): r + u is at most 0.42, so its rounding costs at most a quarter ulp of the result.
        return Times2K<T, M>(T.Of(1.0) + (r + u), t, inRange);
    }

    /// <summary>e^x - 1, accurate near zero; measured at most 0.76 ulp from the true value (KernelTruthTests).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Expm1<T, M>(T x) where T : struct, ILanes<T, M> where M : struct
    {
        bool inRange = T.All(T.LessOrEqual(T.Abs(x), T.Of(InRange)));
        var (t, k, high) = ReduceHigh<T, M>(inRange ? x : Clamp<T, M>(x));
        var r = T.Fma(k, T.Of(-Ln2Lo), high);
        // r's own rounding (up to half an ulp of r) is most of an ulp of e^x - 1 near k = 1, where the
        // result is about r's size: it is carried along (high - r is exact unless high is within a few
        // k·Ln2Lo of 0, where what it loses is far below the result's ulp).
        var rLow = T.Fma(k, T.Of(-Ln2Lo), high - r);
        var u = Tail<T, M>(r) + rLow;
        // k >= -1: 2^k (e^r - 1 + (1 - 2^-k)), where (1 - 2^-k) + r is summed exactly (TwoSum) so that
        // the cancellation at k = -1 or 1 loses nothing. 1 - 2^-k is exact up to k = 53; from 54 on it
        // rounds to 1, and its low part -2^-k (half an ulp of the result; -2^-60 once k is clamped at 60, far below
        // it) joins the small terms.
        var kc = T.Select(T.Less(T.Of(60.0), k), T.Of(60.0), T.Select(T.Less(k, T.Of(-1.0)), T.Of(-1.0), k));
        var p = Pow2<T, M>(T.Of(Shifter) - kc);
        var c = T.Of(1.0) - p;
        var cLow = (T.Of(1.0) - c) - p;
        var s = c + r;
        var b = s - c;
        var e = (c - (s - b)) + (r - b);
        var near = Times2K<T, M>(s + (e + (u + cLow)), t, inRange);
        // k <= -2: e^x <= 0.35, so e^x - 1 loses at most a fifth of an ulp to e^x's own error.
        var far = Times2K<T, M>(T.Of(1.0) + (r + u), t, inRange) - T.Of(1.0);
        var result = T.Select(T.LessOrEqual(k, T.Of(-2.0)), far, near);
        // Below 2^-54, e^x - 1 rounds to x (this keeps -0 and the subnormals).
        return T.Select(T.Less(T.Abs(x), T.Of(5.551115123125783e-17)), x, result);
    }

    /// <summary>e^x - 1 as an unevaluated sum hi + lo for 0 ≤ x ≤ 45, for tanh, which divides it and
    /// needs the extra bits below x = 2 (k ≤ 3: every step but the polynomial is exact there; above,
    /// 1 - 2^-k may round, which tanh's 1 - 2/(t + 2) does not feel).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (T Hi, T Lo) Expm1Split<T, M>(T x) where T : struct, ILanes<T, M> where M : struct
    {
        var (t, r) = Reduce<T, M>(x);
        var u = Tail<T, M>(r);
        var c = T.Of(1.0) - Pow2<T, M>(T.Of(2.0 * Shifter) - t);
        var s = c + r;
        var b = s - c;
        var e = (c - (s - b)) + (r - b) + u;
        var hi = s + e;
        var lo = (s - hi) + e;
        var scale = Pow2<T, M>(t);
        return (hi * scale, lo * scale);
    }

    /// <summary>x within [Lowest, Highest], where exp has overflowed or rounds to zero; comparisons are
    /// false for NaN, so NaN passes and propagates.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Clamp<T, M>(T x) where T : struct, ILanes<T, M> where M : struct =>
        T.Select(T.Less(T.Of(Highest), x), T.Of(Highest), T.Select(T.Less(x, T.Of(Lowest)), T.Of(Lowest), x));

    /// <summary>t = 1.5·2^52 + k (k = round(x / ln2), in the low bits) and r = x - k ln2, for x in [Lowest, Highest].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (T T, T R) Reduce<T, M>(T xc) where T : struct, ILanes<T, M> where M : struct
    {
        var (t, k, high) = ReduceHigh<T, M>(xc);
        return (t, T.Fma(k, T.Of(-Ln2Lo), high));
    }

    /// <summary>t, k and x - k·Ln2Hi, which is exact: for k ≠ 0 (|x| ≥ ln2/2) the last bits of x and of
    /// Ln2Hi are 2^-54 or above, so the difference, below 0.35 in size, is a multiple of 2^-54 that fits in
    /// 53 bits; for k = 0 it is x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (T T, T K, T High) ReduceHigh<T, M>(T xc) where T : struct, ILanes<T, M> where M : struct
    {
        var t = T.Fma(xc, T.Of(InvLn2), T.Of(Shifter));
        var k = t - T.Of(Shifter);
        return (t, k, T.Fma(k, T.Of(-Ln2Hi), xc));
    }

    /// <summary>e^r - 1 - r = r² (1/2 + r/6 + ...): the terms from r⁴ on (C6 .. C13, below 0.005 % of
    /// the sum for |r| ≤ ln2/2) by Estrin's scheme, the four leading ones by Horner's, all steps fused. A call of a small
    /// network waits on its exponentials (each activation's exp sits on the path from input to result):
    /// eleven dependent Horner steps made the seed network's second-order Jacobian ~25% slower per call
    /// than glibc's exp did, and this is seven. The leading steps, whose rounding the result feels,
    /// are Horner's as before: with Estrin's scheme throughout, expm1 went to 2 ulp.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Tail<T, M>(T r) where T : struct, ILanes<T, M> where M : struct
    {
        var r2 = r * r;
        var r4 = r2 * r2;
        var high = T.Fma(T.Fma(T.Fma(T.Of(C13), r, T.Of(C12)), r2, T.Fma(T.Of(C11), r, T.Of(C10))), r4,
            T.Fma(T.Fma(T.Of(C9), r, T.Of(C8)), r2, T.Fma(T.Of(C7), r, T.Of(C6))));
        var p = T.Fma(high, r, T.Of(C5));
        p = T.Fma(p, r, T.Of(C4));
        p = T.Fma(p, r, T.Of(C3));
        p = T.Fma(p, r, T.Of(C2));
        return r2 * p;
    }

    /// <summary>y · 2^k: one power of two when every x was within <see cref="InRange"/>, else <see cref="Scale"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Times2K<T, M>(T y, T t, bool inRange) where T : struct, ILanes<T, M> where M : struct =>
        inRange ? y * Pow2<T, M>(t) : Scale<T, M>(y, t);

    /// <summary>y · 2^k for k = t - 1.5·2^52 in [-1076, 1024]: two exact halves, so only the last
    /// multiplication rounds (into the subnormals or to infinity).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Scale<T, M>(T y, T t) where T : struct, ILanes<T, M> where M : struct
    {
        var k = t - T.Of(Shifter);
        var t1 = T.Fma(k, T.Of(0.5), T.Of(Shifter));
        var t2 = (k - (t1 - T.Of(Shifter))) + T.Of(Shifter);
        return (y * Pow2<T, M>(t1)) * Pow2<T, M>(t2);
    }

    /// <summary>2^k from t = 1.5·2^52 + k, for k in [-1022, 1023]: the exponent field is k + 1023,
    /// and the shift drops the shifter's own bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T Pow2<T, M>(T t) where T : struct, ILanes<T, M> where M : struct =>
        T.ShiftLeftBits(T.AddBits(t, 1023), 52);
}

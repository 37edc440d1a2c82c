using System.Runtime.CompilerServices;

namespace TapeAD.Tape.Kernels;

/// <summary>
/// sin and cos for |x| ≤ <see cref="ReducedRange"/>: <c>x = n π/2 + r</c> with π/2 in three parts
/// (the first product exact through a fused multiply-add, the second split exactly, so r comes as a
/// head and a tail), then fdlibm's kernels <c>k_sin.c</c>/<c>k_cos.c</c> (Sun Microsystems, 1993;
/// below 1 ulp on [-π/4, π/4] with the tail) picked and signed by the quadrant n mod 4.
/// Beyond the range the callers use <see cref="Math.Sin"/>/<see cref="Math.Cos"/> (Payne–Hanek).
/// </summary>
internal static class TrigKernels
{
    /// <summary>2^30: the largest |x| reduced here. Well inside what three parts of π/2 resolve
    /// (the closest double to a multiple of π/2 below 2^30 is still ~2^-60 away).</summary>
    public const double ReducedRange = 1073741824.0;

    private const double TwoOverPi = 0.6366197723675814;
    private const double P1 = 1.5707963267948966, P2 = 6.123233995736766e-17, P3 = -1.4973849048591698e-33;
    // Below 2^-27, sin x rounds to x and cos x to 1.
    private const double Tiny = 7.450580596923828e-09;

    private const double S1 = -1.66666666666666324348e-01, S2 = 8.33333333332248946124e-03, S3 = -1.98412698298579493134e-04,
        S4 = 2.75573137070700676789e-06, S5 = -2.50507602534068634195e-08, S6 = 1.58969099521155010221e-10;
    private const double Cc1 = 4.16666666666666019037e-02, Cc2 = -1.38888888888741095749e-03, Cc3 = 2.48015872894767294178e-05,
        Cc4 = -2.75573143513906633035e-07, Cc5 = 2.08757232129817482790e-09, Cc6 = -1.13596475577881948265e-11;

    /// <summary>sin x for |x| ≤ <see cref="ReducedRange"/> (NaN and ±∞ give NaN); measured at most 0.67 ulp from the true value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sin<T, M>(T x) where T : struct, ILanes<T, M> where M : struct
    {
        var (t, hi, lo) = Reduce<T, M>(x);
        var sin = KernelSin<T, M>(hi, lo);
        var cos = KernelCos<T, M>(hi, lo);
        var value = T.Select(T.TestBits(t, 1), cos, sin);
        value = T.Select(T.TestBits(t, 2), -value, value);
        return T.Select(T.Less(T.Abs(x), T.Of(Tiny)), x, value);
    }

    /// <summary>cos x for |x| ≤ <see cref="ReducedRange"/> (NaN and ±∞ give NaN); measured at most 0.68 ulp from the true value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Cos<T, M>(T x) where T : struct, ILanes<T, M> where M : struct
    {
        var (t, hi, lo) = Reduce<T, M>(x);
        var sin = KernelSin<T, M>(hi, lo);
        var cos = KernelCos<T, M>(hi, lo);
        var value = T.Select(T.TestBits(t, 1), sin, cos);
        // Quadrants 1 and 2 are negative: bit 1 of n + 1.
        value = T.Select(T.TestBits(T.AddBits(t, 1), 2), -value, value);
        return T.Select(T.Less(T.Abs(x), T.Of(Tiny)), T.Of(1.0), value);
    }

    /// <summary>t = 1.5·2^52 + n (n = round(2x/π), in the low bits) and x - n π/2 as hi + lo.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (T T, T Hi, T Lo) Reduce<T, M>(T x) where T : struct, ILanes<T, M> where M : struct
    {
        var t = T.Fma(x, T.Of(TwoOverPi), T.Of(ExpKernels.Shifter));
        var n = t - T.Of(ExpKernels.Shifter);
        // Exact: x and n·P1 are multiples of 2^-53 and their difference is below 1.
        var a = T.Fma(n, T.Of(-P1), x);
        var ph = n * T.Of(P2);
        var pl = T.Fma(n, T.Of(P2), -ph);
        // a - ph exactly as s + e (TwoSum), then the small terms into the tail.
        var s = a - ph;
        var b = s - a;
        var e = (a - (s - b)) + (-ph - b);
        var tail = T.Fma(n, T.Of(-P3), e - pl);
        var hi = s + tail;
        var lo = tail - (hi - s);
        return (t, hi, lo);
    }

    // fdlibm __kernel_sin(x, y, 1): sin(x + y) for |x + y| ≤ π/4, y the tail of x.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T KernelSin<T, M>(T x, T y) where T : struct, ILanes<T, M> where M : struct
    {
        var z = x * x;
        var w = z * z;
        var r = T.Of(S2) + z * (T.Of(S3) + z * T.Of(S4)) + z * w * (T.Of(S5) + z * T.Of(S6));
        var v = z * x;
        return x - ((z * (T.Of(0.5) * y - v * r) - y) - v * T.Of(S1));
    }

    // fdlibm __kernel_cos(x, y) in musl's form: cos(x + y) for |x + y| ≤ π/4.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T KernelCos<T, M>(T x, T y) where T : struct, ILanes<T, M> where M : struct
    {
        var z = x * x;
        var w = z * z;
        var r = z * (T.Of(Cc1) + z * (T.Of(Cc2) + z * T.Of(Cc3))) + w * w * (T.Of(Cc4) + z * (T.Of(Cc5) + z * T.Of(Cc6)));
        var hz = T.Of(0.5) * z;
        w = T.Of(1.0) - hz;
        return w + (((T.Of(1.0) - w) - hz) + (z * r - x * y));
    }
}

using System.Runtime.CompilerServices;

namespace TapeAD.Tape.Kernels;

/// <summary>tanh, the logistic sigmoid and softplus on top of <see cref="ExpKernels"/> and <see cref="LogKernels"/>.</summary>
internal static class ActivationKernels
{
    // Below 2^-28, tanh x rounds to x; from 22 on it rounds to ±1 (fdlibm's thresholds).
    private const double TanhTiny = 3.725290298461914e-09, TanhOne = 22.0;

    /// <summary>tanh x = t / (t + 2) with t = expm1(2|x|) below 1 (in double-double), <c>1 - 2/(t + 2)</c>
    /// from 1 on; within 2 ulp of <see cref="Math.Tanh"/> (glibc's own stated bound is 2 ulp), and measured at most
    /// 0.85 ulp from the true value, where glibc's is 1.84 (KernelTruthTests).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Tanh<T, M>(T x) where T : struct, ILanes<T, M> where M : struct
    {
        var a = T.Abs(x);
        var two = T.Of(2.0);
        // t = hi + lo; below 1, t / (t + 2) with the sum t + 2 and the quotient carried to
        // double-double, so that only the last addition rounds.
        var (hi, lo) = ExpKernels.Expm1Split<T, M>(T.Select(T.Less(T.Of(TanhOne), a), T.Of(2.0 * TanhOne), a + a));
        var d = hi + two;
        var b = d - hi;
        var e = ((hi - (d - b)) + (two - b)) + lo;
        // One division (there were three; each costs a dozen other operations): q = hi·(1/d) is within
        // two ulp of hi/d, so its residual hi - q·d is exact in one fma and the correction, a few ulp of q
        // divided by d, restores the quotient (1/d's own error of 2^-53 falls on that small term only);
        // 2/d = 2·(1/d) exactly.
        var inverse = T.Of(1.0) / d;
        var q = hi * inverse;
        var small = q + ((T.Fma(-q, d, hi) + lo) - q * e) * inverse;
        var large = T.Of(1.0) - two * inverse;
        var z = T.Select(T.Less(a, T.Of(1.0)), small, large);
        z = T.Select(T.Less(T.Of(TanhOne), a), T.Of(1.0), z);
        z = T.Select(T.Less(a, T.Of(TanhTiny)), a, z);
        return T.CopySign(z, x);
    }

    /// <summary>The logistic function without overflow: <c>e / (1 + e)</c> for negative x and
    /// <c>1 / (1 + e)</c> otherwise, with <c>e = exp(-|x|)</c> (tiny, even subnormal, results kept).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sigmoid<T, M>(T x) where T : struct, ILanes<T, M> where M : struct
    {
        var e = ExpKernels.Exp<T, M>(-T.Abs(x));
        return T.Select(T.Less(x, T.Of(0.0)), e, T.Of(1.0)) / (T.Of(1.0) + e);
    }

    /// <summary><c>log(1 + exp(x))</c>: <c>x + log1p(exp(-x))</c> for positive x, <c>log1p(exp(x))</c> otherwise,
    /// with the log1p of an argument in [0, 1] (<see cref="LogKernels.Log1POfUnit{T, M}"/>: one division).
    /// Within 2 ulp of glibc's formula (log1p of its exp; 10⁷ inputs in [-750, 750], 99.99 % within 1); the tail
    /// alone within 1 ulp of glibc's log1p of the same exp.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Softplus<T, M>(T x) where T : struct, ILanes<T, M> where M : struct
    {
        var tail = LogKernels.Log1POfUnit<T, M>(ExpKernels.Exp<T, M>(-T.Abs(x)));
        return T.Select(T.Less(T.Of(0.0), x), x + tail, tail);
    }

    /// <summary>tanh and its first two derivatives from one tanh: <c>1 - t²</c> and <c>-2 t (1 - t²)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (T Value, T First, T Second) TanhDerivatives<T, M>(T x) where T : struct, ILanes<T, M> where M : struct
    {
        var t = Tanh<T, M>(x);
        var first = T.Of(1.0) - t * t;
        return (t, first, T.Of(-2.0) * t * first);
    }

    /// <summary>σ and its first two derivatives from one exp: <c>σ(1 - σ)</c> and <c>σ(1 - σ)(1 - 2σ)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (T Value, T First, T Second) SigmoidDerivatives<T, M>(T x) where T : struct, ILanes<T, M> where M : struct
    {
        var s = Sigmoid<T, M>(x);
        var first = s * (T.Of(1.0) - s);
        return (s, first, first * (T.Of(1.0) - T.Of(2.0) * s));
    }

    /// <summary>softplus and its first two derivatives (σ and σ(1 - σ)) from one exp(-|x|), with
    /// <see cref="Softplus{T, M}"/>'s and <see cref="Sigmoid{T, M}"/>'s bits: two divisions, one each.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (T Value, T First, T Second) SoftplusDerivatives<T, M>(T x) where T : struct, ILanes<T, M> where M : struct
    {
        var e = ExpKernels.Exp<T, M>(-T.Abs(x));
        var tail = LogKernels.Log1POfUnit<T, M>(e);
        var value = T.Select(T.Less(T.Of(0.0), x), x + tail, tail);
        var s = T.Select(T.Less(x, T.Of(0.0)), e, T.Of(1.0)) / (T.Of(1.0) + e);
        return (value, s, s * (T.Of(1.0) - s));
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using TapeAD.Tape.Kernels;

namespace TapeAD.Tape;

/// <summary>
/// TapeAD's own elementwise functions, each one algorithm with a scalar, a <see cref="Vector256{T}"/>
/// and a <see cref="Vector512{T}"/> form that perform the same IEEE operations in the same order
/// (fused multiply-adds in all three), so an element's result depends on that element alone: the
/// same bits whatever the vector width, the neighbouring elements, the span's alignment or the thread.
/// The interpreter, the compiled scalar code, the SIMD batches and the tensor level all call these.
/// Accuracy is stated per function and tested against <see cref="Math"/> on random and edge inputs.
/// </summary>
public static partial class Elementwise
{

    /// <summary>e^x; within 1 ulp of glibc's exp (tested on random and edge inputs).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static double Exp(double x) => ExpKernels.Exp<ScalarLane, bool>(new(x)).Value;

    /// <summary>Exp of every element; the same bits as the scalar form on each element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Exp(Vector256<double> x) => ExpKernels.Exp<Lane256, Vector256<double>>(new(x)).Value;

    /// <summary>Exp of every element; the same bits as the scalar form on each element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Exp(Vector512<double> x) => ExpKernels.Exp<Lane512, Vector512<double>>(new(x)).Value;

    /// <summary>e^x - 1, accurate near 0; within 1 ulp of glibc's expm1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Expm1(double x) => ExpKernels.Expm1<ScalarLane, bool>(new(x)).Value;

    /// <summary>Expm1 of every element; the same bits as the scalar form on each element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Expm1(Vector256<double> x) => ExpKernels.Expm1<Lane256, Vector256<double>>(new(x)).Value;

    /// <summary>Expm1 of every element; the same bits as the scalar form on each element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Expm1(Vector512<double> x) => ExpKernels.Expm1<Lane512, Vector512<double>>(new(x)).Value;

    /// <summary>The natural logarithm (log(±0) = -∞, negative x gives NaN); within 1 ulp of glibc's log.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Log(double x) => LogKernels.Log<ScalarLane, bool>(new(x)).Value;

    /// <summary>Log of every element; the same bits as the scalar form on each element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Log(Vector256<double> x) => LogKernels.Log<Lane256, Vector256<double>>(new(x)).Value;

    /// <summary>Log of every element; the same bits as the scalar form on each element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Log(Vector512<double> x) => LogKernels.Log<Lane512, Vector512<double>>(new(x)).Value;

    /// <summary>log(1 + x), accurate for tiny x (log1p(-1) = -∞, below -1 NaN); within 1 ulp of glibc's log1p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Log1P(double x) => LogKernels.Log1P<ScalarLane, bool>(new(x)).Value;

    /// <summary>Log1P of every element; the same bits as the scalar form on each element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Log1P(Vector256<double> x) => LogKernels.Log1P<Lane256, Vector256<double>>(new(x)).Value;

    /// <summary>Log1P of every element; the same bits as the scalar form on each element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Log1P(Vector512<double> x) => LogKernels.Log1P<Lane512, Vector512<double>>(new(x)).Value;

    /// <summary>The hyperbolic tangent; within 2 ulp of <see cref="Math.Tanh"/> (glibc states 2 ulp for its own).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Tanh(double x) => ActivationKernels.Tanh<ScalarLane, bool>(new(x)).Value;

    /// <summary>Tanh of every element; the same bits as the scalar form on each element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Tanh(Vector256<double> x) => ActivationKernels.Tanh<Lane256, Vector256<double>>(new(x)).Value;

    /// <summary>Tanh of every element; the same bits as the scalar form on each element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Tanh(Vector512<double> x) => ActivationKernels.Tanh<Lane512, Vector512<double>>(new(x)).Value;

    /// <summary>The logistic function 1/(1 + e^-x), without overflow and keeping tiny (subnormal) results; within 2 ulp.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sigmoid(double x) => ActivationKernels.Sigmoid<ScalarLane, bool>(new(x)).Value;

    /// <summary>Sigmoid of every element; the same bits as the scalar form on each element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Sigmoid(Vector256<double> x) => ActivationKernels.Sigmoid<Lane256, Vector256<double>>(new(x)).Value;

    /// <summary>Sigmoid of every element; the same bits as the scalar form on each element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Sigmoid(Vector512<double> x) => ActivationKernels.Sigmoid<Lane512, Vector512<double>>(new(x)).Value;

    /// <summary>log(1 + e^x), without overflow and keeping tiny results; within 2 ulp of glibc's log1p(exp(x)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Softplus(double x) => ActivationKernels.Softplus<ScalarLane, bool>(new(x)).Value;

    /// <summary>Softplus of every element; the same bits as the scalar form on each element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Softplus(Vector256<double> x) => ActivationKernels.Softplus<Lane256, Vector256<double>>(new(x)).Value;

    /// <summary>Softplus of every element; the same bits as the scalar form on each element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Softplus(Vector512<double> x) => ActivationKernels.Softplus<Lane512, Vector512<double>>(new(x)).Value;

    /// <summary>The error function (fdlibm's approximations); within 1 ulp of glibc's erf.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Erf(double x) => ErfKernel.Erf<ScalarLane, bool>(new(x)).Value;

    /// <summary>Erf of every element; the same bits as the scalar form on each element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Erf(Vector256<double> x) => ErfKernel.Erf<Lane256, Vector256<double>>(new(x)).Value;

    /// <summary>Erf of every element; the same bits as the scalar form on each element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Erf(Vector512<double> x) => ErfKernel.Erf<Lane512, Vector512<double>>(new(x)).Value;

    /// <summary>sin x; within 1 ulp of glibc's. For |x| above 2^30 (or non-finite) the result is <see cref="Math.Sin"/>'s, in every form.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sin(double x) =>
        Math.Abs(x) <= TrigKernels.ReducedRange ? TrigKernels.Sin<ScalarLane, bool>(new(x)).Value : Math.Sin(x);

    /// <summary>Sin of every element; the same bits as the scalar form on each element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Sin(Vector256<double> x)
    {
        var y = TrigKernels.Sin<Lane256, Vector256<double>>(new(x)).Value;
        var reduced = Vector256.LessThanOrEqual(Vector256.Abs(x), Vector256.Create(TrigKernels.ReducedRange));
        return reduced == Vector256<double>.AllBitsSet ? y : OutsideRange(x, y, reduced, Math.Sin);
    }

    /// <summary>Sin of every element; the same bits as the scalar form on each element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Sin(Vector512<double> x)
    {
        var y = TrigKernels.Sin<Lane512, Vector512<double>>(new(x)).Value;
        var reduced = Vector512.LessThanOrEqual(Vector512.Abs(x), Vector512.Create(TrigKernels.ReducedRange));
        return reduced == Vector512<double>.AllBitsSet ? y : OutsideRange(x, y, reduced, Math.Sin);
    }

    /// <summary>cos x; within 1 ulp of glibc's. For |x| above 2^30 (or non-finite) the result is <see cref="Math.Cos"/>'s, in every form.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Cos(double x) =>
        Math.Abs(x) <= TrigKernels.ReducedRange ? TrigKernels.Cos<ScalarLane, bool>(new(x)).Value : Math.Cos(x);

    /// <summary>Cos of every element; the same bits as the scalar form on each element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Cos(Vector256<double> x)
    {
        var y = TrigKernels.Cos<Lane256, Vector256<double>>(new(x)).Value;
        var reduced = Vector256.LessThanOrEqual(Vector256.Abs(x), Vector256.Create(TrigKernels.ReducedRange));
        return reduced == Vector256<double>.AllBitsSet ? y : OutsideRange(x, y, reduced, Math.Cos);
    }

    /// <summary>Cos of every element; the same bits as the scalar form on each element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Cos(Vector512<double> x)
    {
        var y = TrigKernels.Cos<Lane512, Vector512<double>>(new(x)).Value;
        var reduced = Vector512.LessThanOrEqual(Vector512.Abs(x), Vector512.Create(TrigKernels.ReducedRange));
        return reduced == Vector512<double>.AllBitsSet ? y : OutsideRange(x, y, reduced, Math.Cos);
    }

    // Elements beyond the reduced range (or NaN) take the library's value, one by one.
    private static Vector256<double> OutsideRange(Vector256<double> x, Vector256<double> y, Vector256<double> reduced, Func<double, double> library)
    {
        for (int i = 0; i < Vector256<double>.Count; i++)
            if (reduced.AsInt64().GetElement(i) == 0) y = y.WithElement(i, library(x.GetElement(i)));
        return y;
    }

    private static Vector512<double> OutsideRange(Vector512<double> x, Vector512<double> y, Vector512<double> reduced, Func<double, double> library)
    {
        for (int i = 0; i < Vector512<double>.Count; i++)
            if (reduced.AsInt64().GetElement(i) == 0) y = y.WithElement(i, library(x.GetElement(i)));
        return y;
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TapeAD.Tape;

namespace TapeAD.Compiler;

/// <summary>
/// What emitted SIMD code calls, 4 inputs per <see cref="Vector256{T}"/>, for the primitives that are not
/// the vector type's own operators: each gives every lane exactly its scalar bits (IEEE square root,
/// <see cref="Elementwise"/>'s vector forms, the same comparisons). A method is found by the
/// primitive's name; <see cref="Lanewise"/> takes every primitive without one, lane by lane through
/// its own value method.
/// </summary>
/// <remarks>The kernels' methods are calls, never inlined into the emitted code: each kernel inlines
/// about a hundred lane operations, and a graph with a few exps (six, with two interleaved groups of
/// seed) ran the JIT's inline budget out, leaving the rest of the lane operations as calls. Fully optimised at once, so a batch's first calls
/// do not run a kernel at tier 0 (every lane operation a call). Measured on
/// small-deep's value (48 activations), inlined 515 ns per input, called 341.</remarks>
internal static class VectorOps256
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Sqrt(Vector256<double> a) => Vector256.Sqrt(a);

    /// <summary><see cref="Primitives.Greater"/>: 1, 0, or NaN when either operand is NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Greater(Vector256<double> a, Vector256<double> b) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(a, b), Vector256<double>.One,
            Vector256.ConditionalSelect(Vector256.LessThanOrEqual(a, b), Vector256<double>.Zero, Vector256.Create(double.NaN)));

    /// <summary><see cref="Primitives.Select"/>: the true branch where the condition is positive, the false one where it is zero, else NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Select(Vector256<double> condition, Vector256<double> ifTrue, Vector256<double> ifFalse) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(condition, Vector256<double>.Zero), ifTrue,
            Vector256.ConditionalSelect(Vector256.Equals(condition, Vector256<double>.Zero), ifFalse, Vector256.Create(double.NaN)));

    /// <summary><see cref="Select"/> on an indicator, a condition that is <see cref="Greater"/>'s value (1, +0 or
    /// <see cref="double.NaN"/>, nothing else): the same bits in two blends and a shift instead of two
    /// comparisons and two blends. Only the sign bit steers a blend: shifted left by 2, 1's bits have it
    /// and +0's do not; NaN's bits have it unshifted, because the NaN is
    /// Greater's own constant, <see cref="double.NaN"/>, whose sign bit is set (a NaN with the sign bit clear
    /// would take the true branch: only Greater's value may come here).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> SelectOnIndicator(Vector256<double> indicator, Vector256<double> ifTrue, Vector256<double> ifFalse)
    {
        if (!Avx2.IsSupported) return Select(indicator, ifTrue, ifFalse);
        var one = Vector256.ShiftLeft(indicator.AsUInt64(), 2).AsDouble();
        return Avx.BlendVariable(Avx.BlendVariable(ifFalse, ifTrue, one), Vector256.Create(double.NaN), indicator);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector256<double> Exp(Vector256<double> a) => Elementwise.Exp(a);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector256<double> Expm1(Vector256<double> a) => Elementwise.Expm1(a);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector256<double> Log(Vector256<double> a) => Elementwise.Log(a);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector256<double> Log1p(Vector256<double> a) => Elementwise.Log1P(a);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector256<double> Tanh(Vector256<double> a) => Elementwise.Tanh(a);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector256<double> Sigmoid(Vector256<double> a) => Elementwise.Sigmoid(a);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector256<double> Softplus(Vector256<double> a) => Elementwise.Softplus(a);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector256<double> Sin(Vector256<double> a) => Elementwise.Sin(a);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector256<double> Cos(Vector256<double> a) => Elementwise.Cos(a);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector256<double> Erf(Vector256<double> a) => Elementwise.Erf(a);

    // Two groups' values of exp or expm1 per call (ILaneEmission.ApplyPair): half the calls, each spilling
    // every live vector (the calling convention saves none), and two independent chains inside for the
    // out-of-order core to overlap. Measured (batch 1,024, 1 thread, loaded machine, indicative): seed's
    // value 16-18 → 14.5 ns per input, Jacobian 21-22 → 18-19, HVP 23-24 → 19-21. Only these two: a tanh
    // pair made a 3→12→12→1 tanh chain's value 140 → 160 ns and its Jacobian 170 → 210-240; the other
    // kernels are unmeasured (erf's kernel is a call of its own either way).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static (Vector256<double>, Vector256<double>) ExpPair(Vector256<double> a, Vector256<double> b) => (Elementwise.Exp(a), Elementwise.Exp(b));

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static (Vector256<double>, Vector256<double>) Expm1Pair(Vector256<double> a, Vector256<double> b) => (Elementwise.Expm1(a), Elementwise.Expm1(b));

    /// <summary>Any other primitive, lane by lane through <see cref="Primitives.Evaluate"/> (its own value method).</summary>
    public static Vector256<double> Lanewise(Vector256<double> a, Vector256<double> b, Vector256<double> c, Op op, double k)
    {
        Span<double> lanes = stackalloc double[4];
        for (int i = 0; i < 4; i++) lanes[i] = Primitives.Evaluate(op, a.GetElement(i), b.GetElement(i), c.GetElement(i), k);
        return Vector256.Create(lanes);
    }
}

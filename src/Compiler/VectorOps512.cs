using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using TapeAD.Tape;

namespace TapeAD.Compiler;

/// <summary>
/// What emitted SIMD code calls, 8 inputs per <see cref="Vector512{T}"/>, for the primitives that are not
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
internal static class VectorOps512
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Sqrt(Vector512<double> a) => Vector512.Sqrt(a);

    /// <summary><see cref="Primitives.Greater"/>: 1, 0, or NaN when either operand is NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Greater(Vector512<double> a, Vector512<double> b) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(a, b), Vector512<double>.One,
            Vector512.ConditionalSelect(Vector512.LessThanOrEqual(a, b), Vector512<double>.Zero, Vector512.Create(double.NaN)));

    /// <summary><see cref="Primitives.Select"/>: the true branch where the condition is positive, the false one where it is zero, else NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Select(Vector512<double> condition, Vector512<double> ifTrue, Vector512<double> ifFalse) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(condition, Vector512<double>.Zero), ifTrue,
            Vector512.ConditionalSelect(Vector512.Equals(condition, Vector512<double>.Zero), ifFalse, Vector512.Create(double.NaN)));

    /// <summary><see cref="Select"/> on an indicator (<see cref="Greater"/>'s value), as <see cref="VectorOps256.SelectOnIndicator"/>:
    /// with AVX-512 the comparisons write mask registers that steer the blends directly, so the general
    /// select is already the short form.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> SelectOnIndicator(Vector512<double> indicator, Vector512<double> ifTrue, Vector512<double> ifFalse) =>
        Select(indicator, ifTrue, ifFalse);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector512<double> Exp(Vector512<double> a) => Elementwise.Exp(a);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector512<double> Expm1(Vector512<double> a) => Elementwise.Expm1(a);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector512<double> Log(Vector512<double> a) => Elementwise.Log(a);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector512<double> Log1p(Vector512<double> a) => Elementwise.Log1P(a);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector512<double> Tanh(Vector512<double> a) => Elementwise.Tanh(a);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector512<double> Sigmoid(Vector512<double> a) => Elementwise.Sigmoid(a);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector512<double> Softplus(Vector512<double> a) => Elementwise.Softplus(a);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector512<double> Sin(Vector512<double> a) => Elementwise.Sin(a);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector512<double> Cos(Vector512<double> a) => Elementwise.Cos(a);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector512<double> Erf(Vector512<double> a) => Elementwise.Erf(a);

    // Two groups' values of exp or expm1 per call (ILaneEmission.ApplyPair): half the calls, each spilling
    // every live vector (the calling convention saves none), and two independent chains inside for the
    // out-of-order core to overlap. Measured (batch 1,024, 1 thread, loaded machine, indicative): seed's
    // value 16-18 → 14.5 ns per input, Jacobian 21-22 → 18-19, HVP 23-24 → 19-21. Only these two: a tanh
    // pair made a 3→12→12→1 tanh chain's value 140 → 160 ns and its Jacobian 170 → 210-240; the other
    // kernels are unmeasured (erf's kernel is a call of its own either way).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static (Vector512<double>, Vector512<double>) ExpPair(Vector512<double> a, Vector512<double> b) => (Elementwise.Exp(a), Elementwise.Exp(b));

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static (Vector512<double>, Vector512<double>) Expm1Pair(Vector512<double> a, Vector512<double> b) => (Elementwise.Expm1(a), Elementwise.Expm1(b));

    /// <summary>Any other primitive, lane by lane through <see cref="Primitives.Evaluate"/> (its own value method).</summary>
    public static Vector512<double> Lanewise(Vector512<double> a, Vector512<double> b, Vector512<double> c, Op op, double k)
    {
        Span<double> lanes = stackalloc double[8];
        for (int i = 0; i < 8; i++) lanes[i] = Primitives.Evaluate(op, a.GetElement(i), b.GetElement(i), c.GetElement(i), k);
        return Vector512.Create(lanes);
    }
}

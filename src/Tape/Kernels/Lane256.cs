using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TapeAD.Tape.Kernels;

/// <summary>Vector256&lt;double&gt; as lanes: the 256-bit SIMD form of every kernel.</summary>
internal readonly struct Lane256(Vector256<double> value) : ILanes<Lane256, Vector256<double>>
{
    public readonly Vector256<double> Value = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane256 Of(double value) => new(Vector256.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane256 OfBits(long bits) => new(Vector256.Create(bits).AsDouble());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane256 operator +(Lane256 a, Lane256 b) => new(a.Value + b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane256 operator -(Lane256 a, Lane256 b) => new(a.Value - b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane256 operator *(Lane256 a, Lane256 b) => new(a.Value * b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane256 operator /(Lane256 a, Lane256 b) => new(a.Value / b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane256 operator -(Lane256 a) => new(-a.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane256 Fma(Lane256 a, Lane256 b, Lane256 c) => new(Vector256.FusedMultiplyAdd(a.Value, b.Value, c.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane256 Abs(Lane256 a) => new((a.Value.AsInt64() & Vector256.Create(long.MaxValue)).AsDouble());
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane256 CopySign(Lane256 magnitude, Lane256 sign) =>
        new((magnitude.Value.AsInt64() | (sign.Value.AsInt64() & Vector256.Create(long.MinValue))).AsDouble());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Less(Lane256 a, Lane256 b) => Vector256.LessThan(a.Value, b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> LessOrEqual(Lane256 a, Lane256 b) => Vector256.LessThanOrEqual(a.Value, b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Equal(Lane256 a, Lane256 b) => Vector256.Equals(a.Value, b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> And(Vector256<double> a, Vector256<double> b) => a & b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Any(Vector256<double> mask) => mask != Vector256<double>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool All(Vector256<double> mask) => mask.ExtractMostSignificantBits() == 0xF;
    // Masks are all-ones or all-zeros per element (comparisons), so blending by each element's sign bit
    // selects the same bits as the bitwise select, in one instruction instead of and, andnot and or
    // (the JIT emits those three for ConditionalSelect on AVX2): softplus with σ and σ′ ~6% faster.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane256 Select(Vector256<double> mask, Lane256 ifTrue, Lane256 ifFalse) =>
        new(Avx.IsSupported ? Avx.BlendVariable(ifFalse.Value, ifTrue.Value, mask) : Vector256.ConditionalSelect(mask, ifTrue.Value, ifFalse.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane256 AndBits(Lane256 a, long mask) => new((a.Value.AsInt64() & Vector256.Create(mask)).AsDouble());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane256 AddBits(Lane256 a, long c) => new((a.Value.AsInt64() + Vector256.Create(c)).AsDouble());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane256 SubtractBits(Lane256 a, Lane256 b) => new((a.Value.AsInt64() - b.Value.AsInt64()).AsDouble());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane256 ShiftLeftBits(Lane256 a, int count) => new(Vector256.ShiftLeft(a.Value.AsInt64(), count).AsDouble());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane256 ShiftRightBits(Lane256 a, int count) => new(Vector256.ShiftRightLogical(a.Value.AsInt64(), count).AsDouble());
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> TestBits(Lane256 a, long mask) =>
        (~Vector256.Equals(a.Value.AsInt64() & Vector256.Create(mask), Vector256<long>.Zero)).AsDouble();
}

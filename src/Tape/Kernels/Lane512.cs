using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TapeAD.Tape.Kernels;

/// <summary>Vector512&lt;double&gt; as lanes: the 512-bit SIMD form of every kernel.</summary>
internal readonly struct Lane512(Vector512<double> value) : ILanes<Lane512, Vector512<double>>
{
    public readonly Vector512<double> Value = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane512 Of(double value) => new(Vector512.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane512 OfBits(long bits) => new(Vector512.Create(bits).AsDouble());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane512 operator +(Lane512 a, Lane512 b) => new(a.Value + b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane512 operator -(Lane512 a, Lane512 b) => new(a.Value - b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane512 operator *(Lane512 a, Lane512 b) => new(a.Value * b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane512 operator /(Lane512 a, Lane512 b) => new(a.Value / b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane512 operator -(Lane512 a) => new(-a.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane512 Fma(Lane512 a, Lane512 b, Lane512 c) => new(Vector512.FusedMultiplyAdd(a.Value, b.Value, c.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane512 Abs(Lane512 a) => new((a.Value.AsInt64() & Vector512.Create(long.MaxValue)).AsDouble());
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane512 CopySign(Lane512 magnitude, Lane512 sign) =>
        new((magnitude.Value.AsInt64() | (sign.Value.AsInt64() & Vector512.Create(long.MinValue))).AsDouble());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Less(Lane512 a, Lane512 b) => Vector512.LessThan(a.Value, b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> LessOrEqual(Lane512 a, Lane512 b) => Vector512.LessThanOrEqual(a.Value, b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> Equal(Lane512 a, Lane512 b) => Vector512.Equals(a.Value, b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<double> And(Vector512<double> a, Vector512<double> b) => a & b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Any(Vector512<double> mask) => mask != Vector512<double>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool All(Vector512<double> mask) => mask.ExtractMostSignificantBits() == 0xFF;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane512 Select(Vector512<double> mask, Lane512 ifTrue, Lane512 ifFalse) => new(Vector512.ConditionalSelect(mask, ifTrue.Value, ifFalse.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane512 AndBits(Lane512 a, long mask) => new((a.Value.AsInt64() & Vector512.Create(mask)).AsDouble());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane512 AddBits(Lane512 a, long c) => new((a.Value.AsInt64() + Vector512.Create(c)).AsDouble());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane512 SubtractBits(Lane512 a, Lane512 b) => new((a.Value.AsInt64() - b.Value.AsInt64()).AsDouble());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane512 ShiftLeftBits(Lane512 a, int count) => new(Vector512.ShiftLeft(a.Value.AsInt64(), count).AsDouble());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane512 ShiftRightBits(Lane512 a, int count) => new(Vector512.ShiftRightLogical(a.Value.AsInt64(), count).AsDouble());
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> TestBits(Lane512 a, long mask) =>
        (~Vector512.Equals(a.Value.AsInt64() & Vector512.Create(mask), Vector512<long>.Zero)).AsDouble();
}

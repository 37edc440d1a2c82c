using System.Runtime.CompilerServices;

namespace TapeAD.Tape.Kernels;

/// <summary>One number as a lane: the scalar form of every kernel.</summary>
internal readonly struct ScalarLane(double value) : ILanes<ScalarLane, bool>
{
    public readonly double Value = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane Of(double value) => new(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane OfBits(long bits) => new(BitConverter.Int64BitsToDouble(bits));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane operator +(ScalarLane a, ScalarLane b) => new(a.Value + b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane operator -(ScalarLane a, ScalarLane b) => new(a.Value - b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane operator *(ScalarLane a, ScalarLane b) => new(a.Value * b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane operator /(ScalarLane a, ScalarLane b) => new(a.Value / b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane operator -(ScalarLane a) => new(-a.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane Fma(ScalarLane a, ScalarLane b, ScalarLane c) => new(Math.FusedMultiplyAdd(a.Value, b.Value, c.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane Abs(ScalarLane a) => new(BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(a.Value) & long.MaxValue));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane CopySign(ScalarLane magnitude, ScalarLane sign) =>
        new(BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(magnitude.Value) | (BitConverter.DoubleToInt64Bits(sign.Value) & long.MinValue)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Less(ScalarLane a, ScalarLane b) => a.Value < b.Value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool LessOrEqual(ScalarLane a, ScalarLane b) => a.Value <= b.Value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Equal(ScalarLane a, ScalarLane b) => a.Value == b.Value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool And(bool a, bool b) => a & b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Any(bool mask) => mask;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool All(bool mask) => mask;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane Select(bool mask, ScalarLane ifTrue, ScalarLane ifFalse) => mask ? ifTrue : ifFalse;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane AndBits(ScalarLane a, long mask) => OfBits(Bits(a) & mask);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane AddBits(ScalarLane a, long c) => OfBits(Bits(a) + c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane SubtractBits(ScalarLane a, ScalarLane b) => OfBits(Bits(a) - Bits(b));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane ShiftLeftBits(ScalarLane a, int count) => OfBits(Bits(a) << count);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane ShiftRightBits(ScalarLane a, int count) => OfBits((long)((ulong)Bits(a) >> count));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool TestBits(ScalarLane a, long mask) => (Bits(a) & mask) != 0;

    private static long Bits(ScalarLane a) => BitConverter.DoubleToInt64Bits(a.Value);
}

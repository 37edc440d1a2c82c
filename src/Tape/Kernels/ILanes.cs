namespace TapeAD.Tape.Kernels;

/// <summary>
/// The operations an elementwise kernel is written in, for one number (<see cref="ScalarLane"/>) or a
/// vector of them (<see cref="Lane256"/>, <see cref="Lane512"/>). Each kernel is one generic method over
/// this interface, so its scalar and SIMD forms perform the same IEEE operations in the same order and
/// every element's bits depend on that element alone. Nothing here contracts or reorders: a fused
/// multiply-add happens only where a kernel calls <see cref="Fma"/>.
/// </summary>
/// <typeparam name="TSelf">The lane type.</typeparam>
/// <typeparam name="TMask">Per-element truth values (a <c>bool</c> for one number, an all-ones/all-zeros vector for SIMD).</typeparam>
internal interface ILanes<TSelf, TMask> where TSelf : struct, ILanes<TSelf, TMask> where TMask : struct
{
    /// <summary>Every element equal to <paramref name="value"/>.</summary>
    static abstract TSelf Of(double value);

    /// <summary>Every element's bits equal to <paramref name="bits"/>.</summary>
    static abstract TSelf OfBits(long bits);

    static abstract TSelf operator +(TSelf a, TSelf b);
    static abstract TSelf operator -(TSelf a, TSelf b);
    static abstract TSelf operator *(TSelf a, TSelf b);
    static abstract TSelf operator /(TSelf a, TSelf b);
    static abstract TSelf operator -(TSelf a);

    /// <summary><c>a * b + c</c> rounded once.</summary>
    static abstract TSelf Fma(TSelf a, TSelf b, TSelf c);

    /// <summary><c>|a|</c> (clears the sign bit, NaN included).</summary>
    static abstract TSelf Abs(TSelf a);

    /// <summary><paramref name="magnitude"/> (whose sign bit is clear) with the sign bit of <paramref name="sign"/>.</summary>
    static abstract TSelf CopySign(TSelf magnitude, TSelf sign);

    /// <summary><c>a &lt; b</c>; false when either is NaN.</summary>
    static abstract TMask Less(TSelf a, TSelf b);

    /// <summary><c>a &lt;= b</c>; false when either is NaN.</summary>
    static abstract TMask LessOrEqual(TSelf a, TSelf b);

    /// <summary><c>a == b</c>; false when either is NaN (so <c>Equal(x, x)</c> is "not NaN").</summary>
    static abstract TMask Equal(TSelf a, TSelf b);

    /// <summary>Both masks.</summary>
    static abstract TMask And(TMask a, TMask b);

    /// <summary>Whether any element's mask is set: lets a kernel skip a range no element falls in.
    /// Skipping never changes an element's bits, because selected elements are computed alike either way.</summary>
    static abstract bool Any(TMask mask);

    /// <summary>Whether every element's mask is set: lets a kernel take a shorter path that gives the
    /// same bits as the general one on every element it holds.</summary>
    static abstract bool All(TMask mask);

    /// <summary><paramref name="ifTrue"/> where the mask is set, else <paramref name="ifFalse"/>.</summary>
    static abstract TSelf Select(TMask mask, TSelf ifTrue, TSelf ifFalse);

    /// <summary>The bits of <paramref name="a"/> and <paramref name="mask"/>.</summary>
    static abstract TSelf AndBits(TSelf a, long mask);

    /// <summary>The bits of <paramref name="a"/> plus <paramref name="c"/>, as 64-bit integers.</summary>
    static abstract TSelf AddBits(TSelf a, long c);

    /// <summary>The bits of <paramref name="a"/> minus those of <paramref name="b"/>, as 64-bit integers.</summary>
    static abstract TSelf SubtractBits(TSelf a, TSelf b);

    /// <summary>The bits of <paramref name="a"/> shifted left by <paramref name="count"/>.</summary>
    static abstract TSelf ShiftLeftBits(TSelf a, int count);

    /// <summary>The bits of <paramref name="a"/> shifted right by <paramref name="count"/>, filling with zeros.</summary>
    static abstract TSelf ShiftRightBits(TSelf a, int count);

    /// <summary>Whether any of the bits in <paramref name="mask"/> is set in <paramref name="a"/>.</summary>
    static abstract TMask TestBits(TSelf a, long mask);
}

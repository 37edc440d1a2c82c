using System.Numerics;

namespace TapeAD.Tests.Reference;

/// <summary>
/// A real number <c>M · 2^E</c> held exactly, for the accuracy reference (<see cref="TrueFunctions"/>).
/// Sums, differences, products and scalings are exact; a quotient keeps <see cref="Bits"/> significant bits.
/// </summary>
internal readonly record struct ExactReal(BigInteger M, int E)
{
    /// <summary>Significant bits a quotient keeps: far beyond a double's 53, so the reference's own error
    /// (below 2^-250 relative) cannot move a measured error in ulps.</summary>
    public const int Bits = 256;

    public static readonly ExactReal Zero = new(BigInteger.Zero, 0);
    public static readonly ExactReal One = new(BigInteger.One, 0);

    // Values from here on round to infinity: MaxValue plus half its ulp.
    private static readonly ExactReal OverflowThreshold = new((BigInteger.One << 54) - 1, 970);

    /// <summary>The exact value of a finite double.</summary>
    public static ExactReal Of(double d)
    {
        if (!double.IsFinite(d)) throw new ArgumentException($"{d} has no exact real value.", nameof(d));
        long bits = BitConverter.DoubleToInt64Bits(d);
        int field = (int)((bits >> 52) & 0x7FF);
        long fraction = bits & 0xFFFFFFFFFFFFFL;
        var m = new BigInteger(field == 0 ? fraction : fraction | (1L << 52));
        return new(bits < 0 ? -m : m, field == 0 ? -1074 : field - 1075);
    }

    /// <summary>The number <c>f · 2^-w</c> of a fixed-point value with <paramref name="w"/> fraction bits.</summary>
    public static ExactReal FromFixed(BigInteger f, int w) => new(f, -w);

    public int Sign => M.Sign;

    /// <summary><c>floor(log2 |x|)</c>, for x ≠ 0.</summary>
    public long Magnitude => (long)BigInteger.Abs(M).GetBitLength() - 1 + E;

    /// <summary><c>floor(x · 2^w)</c>: the fixed-point value with <paramref name="w"/> fraction bits.</summary>
    public BigInteger Fixed(int w) => E + w >= 0 ? M << (E + w) : M >> -(E + w);

    /// <summary><c>x · 2^k</c>, exactly.</summary>
    public ExactReal Times2(int k) => new(M, E + k);

    public static ExactReal operator +(ExactReal a, ExactReal b)
    {
        if (a.M.IsZero) return b;
        if (b.M.IsZero) return a;
        int e = Math.Min(a.E, b.E);
        return new((a.M << (a.E - e)) + (b.M << (b.E - e)), e);
    }

    public static ExactReal operator -(ExactReal a) => new(-a.M, a.E);

    public static ExactReal operator -(ExactReal a, ExactReal b) => a + -b;

    public static ExactReal operator *(ExactReal a, ExactReal b) => new(a.M * b.M, a.E + b.E);

    /// <summary>The quotient to <see cref="Bits"/> significant bits (truncated).</summary>
    public static ExactReal operator /(ExactReal a, ExactReal b)
    {
        if (b.M.IsZero) throw new DivideByZeroException();
        int shift = Math.Max(0, Bits + (int)BigInteger.Abs(b.M).GetBitLength() - (int)BigInteger.Abs(a.M).GetBitLength());
        return new((a.M << shift) / b.M, a.E - b.E - shift);
    }

    /// <summary>The same number to <see cref="Bits"/> significant bits, so that long chains stay small.</summary>
    public ExactReal Rounded()
    {
        long length = (long)BigInteger.Abs(M).GetBitLength();
        if (length <= Bits) return this;
        int drop = (int)(length - Bits);
        return new(M >> drop, E + drop);
    }

    /// <summary>The double nearest this number (through its leading 64 bits: a tie after that truncation
    /// could round the other way, which no test here depends on).</summary>
    public double ToDouble()
    {
        if (M.IsZero) return 0;
        var magnitude = BigInteger.Abs(M);
        int excess = Math.Max(0, (int)magnitude.GetBitLength() - 64);
        // ulong to double rounds to nearest; BigInteger's own conversion truncates.
        double leading = (double)(ulong)(magnitude >> excess);
        return M.Sign * Math.ScaleB(leading, E + excess);
    }

    /// <summary>
    /// How far <paramref name="computed"/> is from <paramref name="exact"/>, in units in the last place of the
    /// exact value's binade (the subnormal ulp below 2^-1022); ±∞ counts as ±2^1024, the value it rounds from.
    /// 0.5 means correctly rounded at worst. An infinity where the exact value rounds to it (from
    /// 2^1024 - 2^970 on) is no error; NaN, or a nonzero result where the exact value is 0, is infinitely far.
    /// </summary>
    public static double UlpError(double computed, ExactReal exact)
    {
        if (double.IsNaN(computed)) return double.PositiveInfinity;
        if (exact.M.IsZero) return computed == 0 ? 0 : double.PositiveInfinity;
        if (double.IsInfinity(computed) && Math.Sign(computed) == exact.Sign && exact.Magnitude >= 1023
            && (new ExactReal(BigInteger.Abs(exact.M), exact.E) - OverflowThreshold).Sign >= 0) return 0;
        var value = double.IsInfinity(computed) ? new ExactReal(computed > 0 ? 1 : -1, 1024) : Of(computed);
        int ulp = (int)Math.Max(exact.Magnitude, -1022) - 52;
        return Math.Abs((value - exact).Times2(-ulp).ToDouble());
    }
}

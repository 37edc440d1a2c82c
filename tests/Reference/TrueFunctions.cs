using System.Numerics;

namespace TapeAD.Tests.Reference;

/// <summary>
/// The elementary functions of a double to about 250 correct bits, by series in big-integer fixed point:
/// the true values the kernels' errors are measured against (libm is itself off by up to 1–2 ulp, so
/// comparing with it cannot tell 0.5 ulp from 1.5). Slow (tens of microseconds a value); tests only.
/// Each function states its domain and throws outside it rather than return something less exact.
/// </summary>
internal static class TrueFunctions
{
    // Fraction bits of the fixed-point series: every absolute error below 2^-300, and where a result
    // could be tiny the series runs relative to its argument instead.
    private const int W = 320;
    // π's fraction bits: the reduction of x up to 2^1024 by π/2 leaves W good bits.
    private const int PiBits = 1024 + W + 64;

    private static readonly BigInteger Ln2 = Ln2Fixed(W + 64);
    private static readonly BigInteger Pi = PiFixed(PiBits);
    private static readonly ExactReal TwoOverSqrtPi =
        new ExactReal(2, 0) / ExactReal.FromFixed(Sqrt(Pi >> (PiBits - 2 * W)), W);

    /// <summary>e^x, for |x| ≤ 1100.</summary>
    public static ExactReal Exp(double x)
    {
        Domain(Math.Abs(x) <= 1100, "exp", x);
        int k = (int)Math.Round(x / Math.Log(2));
        var r = (ExactReal.Of(x).Fixed(W + 64) - k * Ln2) >> 64;
        return new ExactReal(ExpSeries(r), k - W);
    }

    /// <summary>e^x - 1, for |x| ≤ 1100; relative to x below 1/2, where it cancels.</summary>
    public static ExactReal Expm1(double x)
    {
        if (Math.Abs(x) >= 0.5) return Exp(x) - ExactReal.One;
        // x · Σ x^n / (n+1)!
        var xf = ExactReal.Of(x).Fixed(W);
        BigInteger sum = BigInteger.One << W, term = sum;
        for (int n = 1; !term.IsZero; n++)
        {
            term = (term * xf >> W) / (n + 1);
            sum += term;
        }
        return (ExactReal.Of(x) * ExactReal.FromFixed(sum, W)).Rounded();
    }

    /// <summary>log y, for y &gt; 0: y = 2^q f with f in [3/4, 3/2), log f = 2 atanh((f - 1)/(f + 1)),
    /// the series relative to its argument (so log near 1 keeps its digits).</summary>
    public static ExactReal Log(ExactReal y)
    {
        if (y.Sign <= 0) throw new ArgumentOutOfRangeException(nameof(y), "log needs a positive argument.");
        int q = (int)y.Magnitude;
        var f = y.Times2(-q);
        if ((f - new ExactReal(3, -1)).Sign >= 0)
        {
            f = f.Times2(-1);
            q++;
        }
        var z = (f - ExactReal.One) / (f + ExactReal.One);
        var z2 = (z * z).Fixed(W);
        BigInteger sum = BigInteger.One << W, power = sum;
        for (int n = 1; !power.IsZero; n++)
        {
            power = power * z2 >> W;
            sum += power / (2 * n + 1);
        }
        var log = (z * ExactReal.FromFixed(sum, W)).Times2(1);
        return (log + ExactReal.FromFixed(q * Ln2, W + 64)).Rounded();
    }

    /// <summary>log x, for finite x &gt; 0.</summary>
    public static ExactReal Log(double x)
    {
        Domain(x > 0 && double.IsFinite(x), "log", x);
        return Log(ExactReal.Of(x));
    }

    /// <summary>log(1 + x), for finite x &gt; -1 (1 + x formed exactly).</summary>
    public static ExactReal Log1P(double x)
    {
        Domain(x > -1 && double.IsFinite(x), "log1p", x);
        return Log(ExactReal.One + ExactReal.Of(x));
    }

    /// <summary>tanh x = t / (t + 2), t = e^{2x} - 1, for finite x; beyond 500, ±(1 - 2^-1400), which is
    /// nearer the truth (1 - tanh 500 is below 2^-1440) than any measurement can tell.</summary>
    public static ExactReal Tanh(double x)
    {
        Domain(double.IsFinite(x), "tanh", x);
        if (Math.Abs(x) > 500) return new ExactReal(Math.Sign(x) * ((BigInteger.One << 1400) - 1), -1400);
        var t = Expm1(2 * x);
        return t / (t + new ExactReal(2, 0));
    }

    /// <summary>1 / (1 + e^-x), for |x| ≤ 1100.</summary>
    public static ExactReal Sigmoid(double x) => ExactReal.One / (ExactReal.One + Exp(-x));

    /// <summary>log(1 + e^x), for |x| ≤ 1100.</summary>
    public static ExactReal Softplus(double x) => Log(ExactReal.One + Exp(x));

    /// <summary>sin x, for finite x (reduced by π/2 to 1,400 bits).</summary>
    public static ExactReal Sin(double x) => Trig(x, sine: true);

    /// <summary>cos x, for finite x.</summary>
    public static ExactReal Cos(double x) => Trig(x, sine: false);

    /// <summary>erf x = 2/√π Σ (-1)^n x^{2n+1} / (n! (2n+1)), for |x| ≤ 6 (the terms grow to e^{x²}
    /// before they cancel: as many guard bits).</summary>
    public static ExactReal Erf(double x)
    {
        Domain(Math.Abs(x) <= 6, "erf", x);
        int w = W + 64 + (int)(x * x * 1.45);
        var x2 = (ExactReal.Of(x) * ExactReal.Of(x)).Fixed(w);
        BigInteger sum = BigInteger.One << w, power = sum;
        for (int n = 1; !power.IsZero; n++)
        {
            power = (power * x2 >> w) / n;
            var term = power / (2 * n + 1);
            sum += n % 2 == 1 ? -term : term;
        }
        return (ExactReal.Of(x) * ExactReal.FromFixed(sum, w) * TwoOverSqrtPi).Rounded();
    }

    private static ExactReal Trig(double x, bool sine)
    {
        Domain(double.IsFinite(x), sine ? "sin" : "cos", x);
        if (Math.Abs(x) < 1) return sine ? ExactReal.Of(x) * ExactReal.FromFixed(SinFactor(ExactReal.Of(x).Fixed(W)), W) : CosFixed(ExactReal.Of(x).Fixed(W));
        // x = n π/2 + r with 0 ≤ r < π/2, in π's precision, then r to W bits.
        var halfPi = Pi >> 1;
        var big = ExactReal.Of(x).Fixed(PiBits);
        var n = BigInteger.Divide(big, halfPi);
        if (big.Sign < 0 && n * halfPi != big) n -= 1;
        var r = (big - n * halfPi) >> (PiBits - W);
        int quadrant = (int)(((n % 4) + 4) % 4);
        if (!sine) quadrant = (quadrant + 1) % 4;
        var sin = ExactReal.FromFixed(r, W) * ExactReal.FromFixed(SinFactor(r), W);
        var cos = CosFixed(r);
        return (quadrant switch { 0 => sin, 1 => cos, 2 => -sin, _ => -cos }).Rounded();
    }

    // Σ (-1)^n r^{2n} / (2n+1)!: sin r / r.
    private static BigInteger SinFactor(BigInteger r)
    {
        var r2 = r * r >> W;
        BigInteger sum = BigInteger.One << W, term = sum;
        for (int n = 1; !term.IsZero; n++)
        {
            term = -(term * r2 >> W) / ((2 * n) * (2 * n + 1));
            sum += term;
        }
        return sum;
    }

    private static ExactReal CosFixed(BigInteger r)
    {
        var r2 = r * r >> W;
        BigInteger sum = BigInteger.One << W, term = sum;
        for (int n = 1; !term.IsZero; n++)
        {
            term = -(term * r2 >> W) / ((2 * n - 1) * (2 * n));
            sum += term;
        }
        return ExactReal.FromFixed(sum, W);
    }

    // e^r at W fraction bits for |r| < 1.
    private static BigInteger ExpSeries(BigInteger r)
    {
        BigInteger sum = BigInteger.One << W, term = sum;
        for (int n = 1; !term.IsZero; n++)
        {
            term = (term * r >> W) / n;
            sum += term;
        }
        return sum;
    }

    // ln 2 = Σ 1 / (n 2^n).
    private static BigInteger Ln2Fixed(int bits)
    {
        BigInteger sum = 0;
        for (int n = 1; n <= bits; n++) sum += (BigInteger.One << (bits - n)) / n;
        return sum;
    }

    // Machin: π = 16 atan(1/5) - 4 atan(1/239).
    private static BigInteger PiFixed(int bits)
    {
        int guard = bits + 32;
        return (16 * AtanInverse(5, guard) - 4 * AtanInverse(239, guard)) >> 32;

        static BigInteger AtanInverse(int k, int bits)
        {
            BigInteger power = (BigInteger.One << bits) / k, sum = power;
            for (int n = 1; !power.IsZero; n++)
            {
                power /= k * k;
                var term = power / (2 * n + 1);
                sum += n % 2 == 1 ? -term : term;
            }
            return sum;
        }
    }

    // floor(√v) by Newton's method from above.
    private static BigInteger Sqrt(BigInteger v)
    {
        var x = BigInteger.One << (int)((v.GetBitLength() + 1) / 2);
        while (true)
        {
            var next = (x + v / x) >> 1;
            if (next >= x) return x;
            x = next;
        }
    }

    private static void Domain(bool inside, string name, double x)
    {
        if (!inside) throw new ArgumentOutOfRangeException(nameof(x), x, $"The {name} reference is not defined there.");
    }
}

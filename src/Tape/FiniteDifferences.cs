namespace TapeAD.Tape;

/// <summary>
/// Numerical derivatives for checking: central differences with one Richardson step.
/// D(h) = (f(x+h) - f(x-h)) / 2h has error c₂h² + c₄h⁴; (4·D(h/2) - D(h)) / 3 cancels the h² term.
/// </summary>
public static class FiniteDifferences
{
    /// <summary>The default step: balances h⁴ truncation against ε/h rounding for values of order 1.</summary>
    public const double DefaultStep = 1e-3;

    private const double Epsilon = 2.220446049250313e-16;

    /// <summary>∂f/∂x_j of every output of <paramref name="f"/> at <paramref name="x"/>.</summary>
    /// <param name="f">The function (its result length must not depend on x).</param>
    /// <param name="x">The point; not modified.</param>
    /// <param name="j">The input to vary.</param>
    /// <param name="h">The step.</param>
    public static double[] Partial(Func<double[], double[]> f, double[] x, int j, double h = DefaultStep)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(x);
        var e = UnitVector(x.Length, j);
        return Richardson(Central(f, x, e, h).D, Central(f, x, e, h / 2).D);
    }

    /// <summary>
    /// The derivative of every output of <paramref name="f"/> at <paramref name="x"/> along
    /// <paramref name="direction"/> (<c>d/dt f(x + t·direction)</c> at 0), with an error bound.
    /// Richardson estimates at steps <c>h</c> and <c>h/2</c> are compared: the finer one is returned,
    /// and their difference (which is about 15 times the finer one's truncation error, and also
    /// catches noise) plus a bound on the rounding of the differences is its error.
    /// </summary>
    /// <param name="f">The function (its result length must not depend on x).</param>
    /// <param name="x">The point; not modified.</param>
    /// <param name="direction">The direction, as long as <paramref name="x"/>.</param>
    /// <param name="h">The largest step; the finest is <c>h/4</c>.</param>
    /// <exception cref="ArgumentException">When the lengths differ or the step is not positive and finite.</exception>
    public static FiniteDifferenceEstimate Estimate(Func<double[], double[]> f, double[] x, double[] direction, double h = DefaultStep)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(direction);
        if (direction.Length != x.Length)
            throw new ArgumentException($"Expected a direction of length {x.Length} (the point's), got {direction.Length}.", nameof(direction));
        if (!(h > 0) || !double.IsFinite(h))
            throw new ArgumentOutOfRangeException(nameof(h), h, "Expected a positive, finite step.");
        var (d1, s1) = Central(f, x, direction, h);
        var (d2, s2) = Central(f, x, direction, h / 2);
        var (d4, s4) = Central(f, x, direction, h / 4);
        double[] coarse = Richardson(d1, d2), fine = Richardson(d2, d4);
        var error = new double[fine.Length];
        for (int i = 0; i < error.Length; i++)
        {
            // Each value is rounded by some ulps of the largest value seen: (4·δ/(h/2) + δ/h)·2/3 per
            // ulp in the fine estimate, with room for the function's own evaluation error.
            double rounding = 128 * Epsilon * Math.Max(s1[i], Math.Max(s2[i], s4[i])) / h;
            error[i] = Math.Abs(coarse[i] - fine[i]) + rounding;
        }
        return new FiniteDifferenceEstimate(fine, error);
    }

    /// <summary>
    /// The absolute tolerance for comparing <see cref="Partial"/> with an exact derivative, for a
    /// function whose values and derivatives have size about <paramref name="scale"/>: rounding
    /// (a few hundred ulps of f, amplified by 1/h) plus truncation (h⁴ times the scale).
    /// </summary>
    public static double Tolerance(double scale, double h = DefaultStep) =>
        1e4 * double.Epsilon + 1e4 * Epsilon * scale / h + 10 * Math.Pow(h, 4) * scale;

    private static double[] UnitVector(int length, int j)
    {
        if ((uint)j >= (uint)length)
            throw new ArgumentOutOfRangeException(nameof(j), j, $"Expected an input index from 0 to {length - 1}.");
        var e = new double[length];
        e[j] = 1;
        return e;
    }

    private static double[] Richardson(double[] d1, double[] d2)
    {
        var r = new double[d1.Length];
        for (int i = 0; i < r.Length; i++) r[i] = (4 * d2[i] - d1[i]) / 3;
        return r;
    }

    /// <summary>One central difference, and the larger |f_i| of its two points.</summary>
    private static (double[] D, double[] Size) Central(Func<double[], double[]> f, double[] x, double[] direction, double h)
    {
        var plus = new double[x.Length];
        var minus = new double[x.Length];
        for (int k = 0; k < x.Length; k++)
        {
            // Coordinates not moved keep their bits (x + 0 would turn -0 into +0).
            plus[k] = direction[k] == 0 ? x[k] : x[k] + h * direction[k];
            minus[k] = direction[k] == 0 ? x[k] : x[k] - h * direction[k];
        }
        double[] fp = f(plus), fm = f(minus);
        var d = new double[fp.Length];
        var size = new double[fp.Length];
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = (fp[i] - fm[i]) / (2 * h);
            size[i] = Math.Max(Math.Abs(fp[i]), Math.Abs(fm[i]));
        }
        return (d, size);
    }
}

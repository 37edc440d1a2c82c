namespace TapeAD.Tape;

/// <summary>
/// Numerical derivatives for checking: central differences with one Richardson step.
/// D(h) = (f(x+h) - f(x-h)) / 2h has error c₂h² + c₄h⁴; (4·D(h/2) - D(h)) / 3 cancels the h² term.
/// </summary>
public static class FiniteDifferences
{
    /// <summary>The default step: balances h⁴ truncation against ε/h rounding for values of order 1.</summary>
    public const double DefaultStep = 1e-3;

    /// <summary>∂f/∂x_j of every output of <paramref name="f"/> at <paramref name="x"/>.</summary>
    /// <param name="f">The function (its result length must not depend on x).</param>
    /// <param name="x">The point; not modified.</param>
    /// <param name="j">The input to vary.</param>
    /// <param name="h">The step.</param>
    public static double[] Partial(Func<double[], double[]> f, double[] x, int j, double h = DefaultStep)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(x);
        if ((uint)j >= (uint)x.Length)
            throw new ArgumentOutOfRangeException(nameof(j), j, $"Expected an input index from 0 to {x.Length - 1}.");
        double[] d1 = Central(f, x, j, h), d2 = Central(f, x, j, h / 2);
        var r = new double[d1.Length];
        for (int i = 0; i < r.Length; i++) r[i] = (4 * d2[i] - d1[i]) / 3;
        return r;
    }

    /// <summary>
    /// The absolute tolerance for comparing <see cref="Partial"/> with an exact derivative, for a
    /// function whose values and derivatives have size about <paramref name="scale"/>: rounding
    /// (a few hundred ulps of f, amplified by 1/h) plus truncation (h⁴ times the scale).
    /// </summary>
    public static double Tolerance(double scale, double h = DefaultStep) =>
        1e4 * double.Epsilon + 1e4 * 2.220446049250313e-16 * scale / h + 10 * Math.Pow(h, 4) * scale;

    private static double[] Central(Func<double[], double[]> f, double[] x, int j, double h)
    {
        var plus = (double[])x.Clone();
        var minus = (double[])x.Clone();
        plus[j] += h;
        minus[j] -= h;
        double[] fp = f(plus), fm = f(minus);
        var d = new double[fp.Length];
        for (int i = 0; i < d.Length; i++) d[i] = (fp[i] - fm[i]) / (2 * h);
        return d;
    }
}

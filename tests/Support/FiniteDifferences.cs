namespace TapeAD.Tests.Support;

/// <summary>
/// Central differences with one Richardson step: D(h) = (f(x+h) - f(x-h)) / 2h has error
/// c2·h² + c4·h⁴; (4·D(h/2) - D(h)) / 3 cancels the h² term. The tolerance follows from the step:
/// truncation ~ h⁴·|f⁽⁵⁾| and rounding ~ ε·|f|/h, so each comparison scales with the function's size.
/// </summary>
public static class FiniteDifferences
{
    public const double Step = 1e-3;

    /// <summary>∂f/∂x_j for every output of f, Richardson-extrapolated.</summary>
    public static double[] Partial(Func<double[], double[]> f, double[] x, int j, double h = Step)
    {
        double[] d1 = Central(f, x, j, h), d2 = Central(f, x, j, h / 2);
        var r = new double[d1.Length];
        for (int i = 0; i < r.Length; i++) r[i] = (4 * d2[i] - d1[i]) / 3;
        return r;
    }

    /// <summary>The tolerance for a derivative of a function whose values have size <paramref name="scale"/>.</summary>
    public static double Tolerance(double scale, double h = Step) =>
        // rounding: a few ulps of f divided by h; truncation: h⁴ times a generous bound on f⁽⁵⁾ ~ scale.
        64 * double.Epsilon + 1e4 * 2.2e-16 * scale / h + 10 * Math.Pow(h, 4) * scale;

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

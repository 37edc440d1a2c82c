namespace TapeAD.Testing;

/// <summary>Collects compared numbers, keeping only counts and the worst entry.</summary>
internal sealed class Comparisons
{
    private DerivativeEntry? _worst;
    private double _worstExcess = -1;
    private int _compared, _skipped;

    public void Add(DerivativeQuery query, string method, string reference, int output, int[] inputs,
        double expected, double got, double tolerance)
    {
        _compared++;
        double excess = DerivativeEntry.Ratio(expected, got, tolerance);
        // Only the worst entry is kept, so an entry object is made only when one beats it.
        if (excess <= _worstExcess) return;
        _worstExcess = excess;
        _worst = new DerivativeEntry(query, method, reference, output, inputs, expected, got, tolerance);
    }

    /// <summary>
    /// Compares with a finite-difference estimate, within its error estimate, the rounding of the
    /// differenced function (<paramref name="noise"/>, already divided by the step) and the rounding
    /// bound of the value. Skipped when the estimate is not finite or too uncertain to catch a wrong
    /// value of size <paramref name="size"/>, unless the value is wrong even so.
    /// </summary>
    public void AddEstimate(DerivativeQuery query, string method, int output, int[] inputs,
        double estimate, double error, double noise, double got, double gotBound, double size, DerivativeCheckOptions options)
    {
        if (!double.IsFinite(estimate) || !double.IsFinite(error)) { _skipped++; return; }
        double uncertainty = options.FiniteDifferenceSafety * error + options.RoundingSafety * noise;
        double tolerance = uncertainty + options.RoundingSafety * gotBound + Tiny;
        double scale = Math.Max(size, Math.Max(Math.Abs(estimate), Math.Abs(got)));
        if (!(uncertainty <= options.MaxRelativeUncertainty * scale) && DerivativeEntry.Ratio(estimate, got, tolerance) <= 1)
        {
            _skipped++;
            return;
        }
        Add(query, method, "finite differences", output, inputs, estimate, got, tolerance);
    }

    public void Skip(int count) => _skipped += count;

    public DerivativeReport Report(string function, double[] point) => new(function, point, _worst, _compared, _skipped);

    /// <summary>The unit roundoff of double, 2⁻⁵².</summary>
    public const double Eps = 2.220446049250313e-16;

    /// <summary>A floor for tolerances: four times the smallest normal double. Below it results lose
    /// precision to underflow (sigmoid(-711) is 0, not 2.3e-309), which is not a wrong derivative.</summary>
    public const double Tiny = 4 * 2.2250738585072014E-308;
}

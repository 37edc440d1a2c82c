namespace TapeAD.Testing;

/// <summary>
/// Collects compared numbers, keeping only counts and the worst entry. A failing first-order entry
/// is reported before any second-order one: second derivatives are checked against differences of
/// the first, so a wrong first derivative shows up in both, and it is the one to fix.
/// </summary>
internal sealed class Comparisons
{
    private readonly Worst _firstOrder = new(), _secondOrder = new();
    private int _compared, _skipped;

    public void Add(DerivativeQuery query, string method, string reference, int output, int[] inputs,
        double expected, double got, double tolerance)
    {
        _compared++;
        var worst = query is DerivativeQuery.Gradient or DerivativeQuery.Jacobian ? _firstOrder : _secondOrder;
        double excess = DerivativeEntry.Ratio(expected, got, tolerance);
        // Only the worst entry is kept, so an entry object is made only when one beats it.
        if (excess <= worst.Excess) return;
        worst.Excess = excess;
        worst.Entry = new DerivativeEntry(query, method, reference, output, inputs, expected, got, tolerance);
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

    public DerivativeReport Report(string function, double[] point)
    {
        var worst = _firstOrder.Excess > 1 || _firstOrder.Excess >= _secondOrder.Excess ? _firstOrder.Entry : _secondOrder.Entry;
        return new(function, point, worst, _compared, _skipped);
    }

    /// <summary>The unit roundoff of double, 2⁻⁵².</summary>
    public const double Eps = 2.220446049250313e-16;

    /// <summary>A floor for tolerances: four times the smallest normal double. Below it results lose
    /// precision to underflow (sigmoid(-711) is 0, not 2.3e-309), which is not a wrong derivative.</summary>
    public const double Tiny = 4 * 2.2250738585072014E-308;

    private sealed class Worst
    {
        public DerivativeEntry? Entry { get; set; }
        public double Excess { get; set; } = -1;
    }
}

using System.Globalization;

namespace TapeAD.Testing;

/// <summary>The result of <see cref="DerivativeChecker.Check(double[])"/>: how many numbers were
/// compared, how many comparisons were skipped, and the worst entry.</summary>
public sealed class DerivativeReport
{
    internal DerivativeReport(string function, double[] point, DerivativeEntry? worst, int compared, int skipped)
    {
        Function = function;
        Point = Array.AsReadOnly((double[])point.Clone());
        Worst = worst;
        Compared = compared;
        Skipped = skipped;
    }

    /// <summary>The description of the checked function.</summary>
    public string Function { get; }

    /// <summary>The point the function was checked at.</summary>
    public IReadOnlyList<double> Point { get; }

    /// <summary>The entry furthest out of (or closest to) its tolerance; null when nothing was compared.</summary>
    public DerivativeEntry? Worst { get; }

    /// <summary>Number of compared entries.</summary>
    public int Compared { get; }

    /// <summary>Number of finite-difference comparisons left out: along a direction that crosses a
    /// kink (a comparison, abs or sign in the graph) within the steps, where the difference quotient is not
    /// finite (a step outside the function's domain makes it NaN), or where its error estimate was too large for the comparison to catch anything.</summary>
    public int Skipped { get; }

    /// <summary>Whether every compared entry was within its tolerance.</summary>
    public bool Passed => Worst is null || !Worst.Failed;

    /// <summary>A one-paragraph summary naming the worst entry.</summary>
    public override string ToString()
    {
        string point = string.Join(", ", Point.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        string verdict = Passed ? "passed" : "FAILED";
        string worst = Worst is null ? "nothing compared" : $"{(Passed ? "closest to tolerance" : "worst")}: {Worst}";
        return $"Derivative check of {Function} at x = [{point}] {verdict} ({Compared} compared, {Skipped} skipped); {worst}.";
    }
}

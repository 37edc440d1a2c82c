using System.Globalization;

namespace TapeAD.Testing;

/// <summary>One compared number of a derivative check.</summary>
/// <param name="Query">The query that computed <paramref name="Got"/>.</param>
/// <param name="Method">How it was computed, e.g. <c>"mode ReverseOverForward"</c>.</param>
/// <param name="Reference">What computed <paramref name="Expected"/>, e.g. <c>"finite differences"</c> or <c>"forward mode"</c>.</param>
/// <param name="Output">The output index (row-major in the function's shape).</param>
/// <param name="Inputs">The input indices of the entry: none for a Laplacian, one for a gradient,
/// Jacobian, second-order Jacobian or Hessian-vector product entry, two for a Hessian entry.</param>
/// <param name="Expected">The reference value.</param>
/// <param name="Got">The checked value.</param>
/// <param name="Tolerance">The largest difference accepted.</param>
public sealed record DerivativeEntry(
    DerivativeQuery Query, string Method, string Reference, int Output, IReadOnlyList<int> Inputs,
    double Expected, double Got, double Tolerance)
{
    /// <summary><c>|Got - Expected|</c>.</summary>
    public double Difference => Math.Abs(Got - Expected);

    /// <summary>How far out of tolerance the entry is: <see cref="Difference"/> / <see cref="Tolerance"/>;
    /// above 1 is a failure. 0 when the two are the same number (also both NaN), infinite when only one is finite.</summary>
    public double Excess => Ratio(Expected, Got, Tolerance);

    /// <summary>Whether the entry is out of tolerance.</summary>
    public bool Failed => Excess > 1;

    /// <inheritdoc/>
    public override string ToString()
    {
        string at = Inputs.Count switch
        {
            0 => "",
            1 => $", input {Inputs[0]}",
            _ => $", inputs ({string.Join(", ", Inputs)})",
        };
        return $"{Query} ({Method}) of output {Output}{at}: expected {Format(Expected)} ({Reference}), got {Format(Got)}, " +
               $"difference {Format(Difference)} {(Failed ? ">" : "<=")} tolerance {Format(Tolerance)}";
    }

    internal static double Ratio(double expected, double got, double tolerance)
    {
        if (expected.Equals(got)) return 0;
        if (!double.IsFinite(expected) || !double.IsFinite(got)) return double.PositiveInfinity;
        double difference = Math.Abs(got - expected);
        return difference == 0 ? 0 : difference / tolerance;
    }

    internal static string Format(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}

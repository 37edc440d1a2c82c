using FsCheck;
using FsCheck.Fluent;

namespace TapeAD.Testing;

// FsCheck entry points: the check as a property over generated points.
public sealed partial class DerivativeChecker
{
    /// <summary>A property that holds when every derivative is right at every point <paramref name="points"/>
    /// generates; a failure throws <see cref="DerivativeCheckException"/> naming the worst entry, after
    /// FsCheck has shrunk the point.</summary>
    public Property Property(Arbitrary<double[]> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        return Prop.ForAll(points, x => AssertCorrect(x));
    }

    /// <summary>As <see cref="Property(Arbitrary{double[]})"/>, for a generator without shrinking.</summary>
    public Property Property(Gen<double[]> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        return Property(points.ToArbitrary());
    }

    /// <summary>The property over <see cref="Points"/> of the function's input length.</summary>
    public Property Property(double magnitude = 3) => Property(Points(Function.InputLength, magnitude));

    /// <summary>
    /// Points of <paramref name="inputLength"/> finite coordinates, each uniform in
    /// ±<paramref name="magnitude"/> or one of 0, ±1 (to hit kinks), shrinking each coordinate to 0
    /// and then to fewer significant digits.
    /// </summary>
    public static Arbitrary<double[]> Points(int inputLength, double magnitude = 3)
    {
        if (inputLength < 0) throw new ArgumentOutOfRangeException(nameof(inputLength), inputLength, "Expected 0 or more inputs.");
        if (!(magnitude > 0) || !double.IsFinite(magnitude)) throw new ArgumentOutOfRangeException(nameof(magnitude), magnitude, "Expected a positive, finite magnitude.");
        var coordinate = Gen.Frequency(
            (8, Gen.Choose(-1_000_000, 1_000_000).Select(k => k * (magnitude / 1_000_000))),
            (1, Gen.Elements(0.0, 1.0, -1.0)));
        return Arb.From(Gen.ArrayOf(coordinate, inputLength), ShrinkPoint);
    }

    private static IEnumerable<double[]> ShrinkPoint(double[] x)
    {
        for (int j = 0; j < x.Length; j++)
            foreach (double simpler in ShrinkCoordinate(x[j]))
            {
                var y = (double[])x.Clone();
                y[j] = simpler;
                yield return y;
            }
    }

    /// <summary>0, then the value with fewer significant digits (each shorter than the value itself).</summary>
    internal static IEnumerable<double> ShrinkCoordinate(double v)
    {
        if (v == 0 || !double.IsFinite(v)) yield break;
        yield return 0;
        for (int digits = 1; digits <= 3; digits++)
        {
            double rounded = double.Parse(v.ToString($"G{digits}", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);
            if (rounded != v && rounded != 0) { yield return rounded; yield break; }
        }
    }
}

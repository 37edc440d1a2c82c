using TapeAD.Tape;

namespace TapeAD.Testing;

/// <summary>
/// The kinks of a function: every node whose primitive has one (<see cref="Primitives.HasKink"/>:
/// a comparison <c>a &gt; b</c> as <c>z = a - b</c>, <c>|a|</c> and <c>sign(a)</c> as <c>z = a</c>), with
/// the gradient of z. A finite difference along a direction is meaningless when some <c>z</c> changes sign
/// within the steps, because the derivative jumps there.
/// </summary>
internal sealed class Kinks
{
    private const double Reach = 4;
    private readonly TapeFunction? _jacobian;
    private readonly TapeFunction? _gaps;

    public Kinks(TapeFunction function)
    {
        var kinks = Enumerable.Range(0, function.Graph.Count).Where(n => Primitives.HasKink(function.Graph.OpOf(n))).ToArray();
        if (kinks.Length == 0) return;
        var g = function.Graph.Extract(kinks);
        var gaps = kinks.Select(n => Primitives.KinkGap(g, n)).ToArray();
        _gaps = new TapeFunction(g, gaps, function.InputLength, null, $"kinks of {function.Description}");
        _jacobian = _gaps.Jacobian(FirstOrderMode.Forward);
    }

    /// <summary>The gaps and their Jacobian at <paramref name="x"/>, for <see cref="Crossed"/>.</summary>
    public (double[] Gaps, double[] Jacobian) At(double[] x) =>
        _gaps == null || _jacobian == null ? ([], []) : (_gaps.Evaluate(x), _jacobian.Evaluate(x));

    /// <summary>Whether a kink lies within a few steps <paramref name="h"/> of x along <paramref name="direction"/>.</summary>
    public static bool Crossed((double[] Gaps, double[] Jacobian) at, IReadOnlyList<double> direction, double h)
    {
        int d = direction.Count;
        for (int k = 0; k < at.Gaps.Length; k++)
        {
            double slope = 0;
            for (int j = 0; j < d; j++) if (direction[j] != 0) slope += at.Jacobian[k * d + j] * direction[j];
            if (!(Math.Abs(at.Gaps[k]) > Reach * Math.Abs(slope) * h)) return true;
        }
        return false;
    }
}

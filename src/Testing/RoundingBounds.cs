using System.Runtime.CompilerServices;
using TapeAD.Tape;

namespace TapeAD.Testing;

/// <summary>
/// A first-order running error bound: evaluates a function's graph and, for every node, a bound on
/// the rounding error of its value, from each operation's own rounding
/// (<see cref="Primitives.RoundingUlpsOf"/>) plus its operands' errors times the operation's local
/// slopes. The slopes are the primitives' own derivative rules (<see cref="Primitives"/>), built once
/// per function beside a copy of its graph, so a primitive's rounding model cannot disagree with its
/// derivative and a new primitive needs nothing here.
/// Cancellation shows here: <c>1 - t*t</c> near <c>t = 1</c> is tiny, but its error bound is that of 1.
/// Constants are trusted to 64 ulps, because constant folding may have rounded them.
/// </summary>
internal sealed class RoundingBounds
{
    private const double Ulp = Comparisons.Eps;
    private const double FoldedUlps = 64;

    private static readonly ConditionalWeakTable<TapeFunction, RoundingBounds> Cache = new();

    private readonly TapeFunction _function;
    private readonly Graph _graph;
    // Node i of the function is node _node[i] of _graph; its slopes are nodes _slopeA[i], _slopeB[i] (-1: zero).
    private readonly int[] _node, _slopeA, _slopeB;
    private readonly int[] _all;

    private RoundingBounds(TapeFunction f)
    {
        _function = f;
        var g = f.Graph;
        int n = g.Count;
        _node = Enumerable.Range(0, n).ToArray();
        _graph = g.Extract(_node);
        _slopeA = new int[n];
        _slopeB = new int[n];
        for (int i = 0; i < n; i++)
        {
            (_slopeA[i], _slopeB[i]) = (-1, -1);
            var op = g.OpOf(i);
            if (op is Op.Constant or Op.Input or Op.Select) continue;
            (_slopeA[i], _slopeB[i]) = Primitives.Partials(_graph, _node[i]);
        }
        _all = Enumerable.Range(0, _graph.Count).ToArray();
    }

    /// <summary>The error bound of every output of <paramref name="f"/> at <paramref name="x"/>;
    /// infinite where the bound is not finite.</summary>
    public static double[] Of(TapeFunction f, double[] x) => Cache.GetValue(f, k => new RoundingBounds(k)).At(x);

    private double[] At(double[] x)
    {
        var g = _function.Graph;
        int n = g.Count;
        var values = new double[_all.Length];
        Interpreter.Run(_graph, _all, x, values);
        var e = new double[n];
        for (int i = 0; i < n; i++)
        {
            int a = g.A(i), b = g.B(i);
            double v = values[_node[i]];
            e[i] = g.OpOf(i) switch
            {
                // A constant may be the folded result of constant arithmetic (a product of weights,
                // say) whose rounding happened while the graph was built.
                Op.Constant => FoldedUlps * Ulp * Math.Abs(v),
                Op.Input => 0,
                Op.Select => values[_node[a]] > 0 ? e[b] : e[g.C(i)],
                var op => Slope(values, _slopeA[i]) * e[a] + (b < 0 ? 0 : Slope(values, _slopeB[i]) * e[b])
                    + Primitives.RoundingUlpsOf(op) * Ulp * Math.Abs(v),
            };
            if (double.IsNaN(e[i])) e[i] = double.PositiveInfinity;
        }
        return _function.Outputs.Select(o => e[o]).ToArray();
    }

    private static double Slope(double[] values, int node) => node < 0 ? 0 : Math.Abs(values[node]);
}

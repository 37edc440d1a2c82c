using TapeAD.Tape;

namespace TapeAD.Testing;

/// <summary>
/// A first-order running error bound: evaluates a function's graph and, for every node, a bound on
/// the rounding error of its value, from each operation's own rounding (one unit in the last place,
/// two for library functions) plus its operands' errors times the operation's local slopes.
/// Cancellation shows here: <c>1 - t*t</c> near <c>t = 1</c> is tiny, but its error bound is that of 1.
/// Constants are trusted to 64 ulps, because constant folding may have rounded them.
/// </summary>
internal static class RoundingBounds
{
    private const double Ulp = Comparisons.Eps;
    private const double FoldedUlps = 64;

    /// <summary>The error bound of every output of <paramref name="f"/> at <paramref name="x"/>;
    /// infinite where the bound is not finite.</summary>
    public static double[] Of(TapeFunction f, double[] x)
    {
        var g = f.Graph;
        int n = g.Count;
        var v = new double[n];
        var e = new double[n];
        for (int i = 0; i < n; i++)
        {
            int a = g.A(i), b = g.B(i);
            switch (g.OpOf(i))
            {
                case Op.Constant:
                    // A constant may be the folded result of constant arithmetic (a product of weights,
                    // say) whose rounding happened while the graph was built.
                    v[i] = g.ConstantOf(i);
                    e[i] = FoldedUlps * Ulp * Math.Abs(v[i]);
                    break;
                case Op.Input: v[i] = x[g.InputIndexOf(i)]; break;
                case Op.Greater: v[i] = Primitives.Greater(v[a], v[b]); break;
                case Op.Select:
                    v[i] = Primitives.Select(v[a], v[b], v[g.C(i)]);
                    e[i] = v[a] > 0 ? e[b] : e[g.C(i)];
                    break;
                default:
                {
                    var op = g.OpOf(i);
                    double va = v[a], vb = b < 0 ? 0 : v[b];
                    v[i] = Primitives.Evaluate(op, va, vb, 0, g.ConstantOf(i));
                    var (sa, sb, own) = Slopes(op, va, vb, v[i], g.ConstantOf(i));
                    e[i] = Math.Abs(sa) * e[a] + (b < 0 ? 0 : Math.Abs(sb) * e[b]) + own * Ulp * Math.Abs(v[i]);
                    break;
                }
            }
            if (double.IsNaN(e[i])) e[i] = double.PositiveInfinity;
        }
        return f.Outputs.Select(o => e[o]).ToArray();
    }

    /// <summary>Local slopes with respect to the operands, and the operation's own rounding in ulps.</summary>
    private static (double A, double B, double Own) Slopes(Op op, double a, double b, double value, double k) => op switch
    {
        Op.Add or Op.Sub => (1, 1, 1),
        Op.Mul => (b, a, 1),
        Op.Div => (1 / b, a / (b * b), 1),
        Op.Neg => (1, 0, 0),
        Op.Exp => (value, 0, 2),
        Op.Log => (1 / a, 0, 2),
        Op.Sqrt => (0.5 / value, 0, 1),
        Op.PowConst => (k * Math.Pow(a, k - 1), 0, 2),
        Op.Tanh => (1 - value * value, 0, 2),
        Op.Sigmoid => (value * (1 - value), 0, 4),
        Op.Softplus => (Primitives.Sigmoid(a), 0, 4),
        Op.Sin => (Math.Cos(a), 0, 2),
        Op.Cos => (Math.Sin(a), 0, 2),
        _ => throw new InvalidOperationException($"No rounding model for {op}."),
    };
}

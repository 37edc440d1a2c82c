using TapeAD.Layers;
using TapeAD.Tests.Properties;
using Xunit;

namespace TapeAD.Tests;

/// <summary>
/// <see cref="RowUpdates.Forward"/> against the plain loops of its rule, bit for bit: per element, each
/// second-order row <c>σ″ · Σ T_j T_l + σ′ · S</c> (the first product rounded, later ones fused into the sum,
/// the add fused) from the tangents before they are scaled, each tangent <c>σ′ · T</c> and the value σ, for
/// every query's pair structure, widths that are and are not multiples of the vector lengths, and entries at
/// the edges of the doubles; nothing outside a block's rows is touched.
/// </summary>
public class RowUpdatesTests
{
    private static readonly double[] Edges =
        [0.0, -0.0, 1.0, -1.5, double.Epsilon, 2.2250738585072014E-308, 1e308, -1e308, 1e-300,
         double.PositiveInfinity, double.NegativeInfinity, double.NaN];

    // Pairs per second-order row, as the queries lay them out (tangent indices).
    public static TheoryData<string, int, (int J, int L)[][]> Structures() => new()
    {
        { "jacobian", 3, [] },
        { "second-order jacobian", 3, [[(0, 0)], [(1, 1)], [(2, 2)]] },
        { "laplacian", 3, [[(0, 0), (1, 1), (2, 2)]] },
        { "laplacian of one input", 1, [[(0, 0)]] },
        { "hessian", 2, [[(0, 0)], [(0, 1)], [(1, 1)]] },
        { "hvp", 3, [[(0, 2)], [(1, 2)]] },
    };

    [Theory]
    [MemberData(nameof(Structures))]
    public void Every_element_gets_the_plain_rules_bits(string query, int tangents, (int J, int L)[][] pairs)
    {
        var rng = new Random(query.Length * 7919 + tangents);
        foreach (int w in new[] { 1, 3, 4, 5, 8, 9, 12, 16, 17, 20 })
            foreach (int count in new[] { 1, 2, 5 })
                foreach (double edgeRate in new[] { 0.0, 0.25 })
                    Check(rng, w, count, tangents, pairs, edgeRate, $"{query}, width {w}, {count} inputs, edge rate {edgeRate}");
    }

    private static unsafe void Check(Random rng, int w, int count, int tangents, (int J, int L)[][] pairs, double edgeRate, string what)
    {
        int rows = 1 + tangents + pairs.Length;
        long stride = (long)rows * w + 3; // padding between blocks, which must stay as it is
        double Next() => rng.NextDouble() < edgeRate ? Edges[rng.Next(Edges.Length)] : 4 * rng.NextDouble() - 2;
        var block = Enumerable.Range(0, (int)(count * stride)).Select(_ => Next()).ToArray();
        var sigma = Enumerable.Range(0, count * w).Select(_ => Next()).ToArray();
        var first = Enumerable.Range(0, count * w).Select(_ => Next()).ToArray();
        var second = Enumerable.Range(0, count * w).Select(_ => Next()).ToArray();
        var pairStart = new int[pairs.Length + 1];
        for (int k = 0; k < pairs.Length; k++) pairStart[k + 1] = pairStart[k] + pairs[k].Length;
        nint[] offsets = [.. pairs.SelectMany(p => p).SelectMany(p => new nint[] { (1 + p.J) * w, (1 + p.L) * w })];

        var expected = (double[])block.Clone();
        for (int b = 0; b < count; b++)
        {
            long at = b * stride;
            var before = block.AsSpan((int)at, (int)stride).ToArray();
            for (int c = 0; c < w; c++)
            {
                double f = first[b * w + c], g = second[b * w + c];
                for (int k = 0; k < pairs.Length; k++)
                {
                    double T(int t) => before[(1 + t) * w + c];
                    double sum = T(pairs[k][0].J) * T(pairs[k][0].L);
                    for (int p = 1; p < pairs[k].Length; p++) sum = Math.FusedMultiplyAdd(T(pairs[k][p].J), T(pairs[k][p].L), sum);
                    long s = at + (1 + tangents + k) * w + c;
                    expected[s] = Math.FusedMultiplyAdd(g, sum, f * before[(1 + tangents + k) * w + c]);
                }
                for (int t = 0; t < tangents; t++) expected[at + (1 + t) * w + c] = f * before[(1 + t) * w + c];
                expected[at + c] = sigma[b * w + c];
            }
        }

        fixed (double* pb = block)
        fixed (double* ps = sigma)
        fixed (double* pf = first)
        fixed (double* pg = second)
            RowUpdates.Forward(pb, count, stride, w, ps, pf, pg, tangents, pairStart, offsets);
        Bits.SameResults(expected, block, what);
    }
}

using TapeAD.Layers;
using TapeAD.Tape;
using TapeAD.Tests.Properties;
using Xunit;

namespace TapeAD.Tests;

/// <summary>
/// <see cref="MapRows"/> (a map with a kernel and its row updates in one pass) against the plain rules, bit for
/// bit: u = value + bias, σ, σ′, σ″ from the kernel's scalar form, each second-order row
/// <c>σ″ · Σ T_j T_l + σ′ · S</c> (the first product rounded, later ones fused, the add fused) from the tangents
/// before they are scaled, each tangent <c>σ′ · T</c>, the value σ; σ′, σ″ and the unscaled tangents where a
/// reverse query keeps them. Every query's pair structure, widths that are and are not multiples of four, in
/// place and into other rows, entries at the edges of the doubles; nothing outside a block's rows is touched.
/// </summary>
public class MapRowsTests
{
    private static readonly double[] Edges =
        [0.0, -0.0, 1.0, -1.5, 30.0, -800.0, double.Epsilon, 2.2250738585072014E-308, 1e308, -1e308, 1e-300,
         double.PositiveInfinity, double.NegativeInfinity, double.NaN];

    private static readonly Dictionary<string, (Func<Var, Var> Record, Func<double, (double, double, double)> Plain)> Kernels = new()
    {
        ["tanh"] = (VarMath.Tanh, Elementwise.TanhDerivatives),
        ["sigmoid"] = (VarMath.Sigmoid, Elementwise.SigmoidDerivatives),
        ["softplus"] = (VarMath.Softplus, Elementwise.SoftplusDerivatives),
        ["elu(0.75)"] = (v => VarMath.Elu(v, 0.75), x => Elementwise.EluDerivatives(x, 1.0, 0.75)),
        ["selu"] = (VarMath.Selu, x => Elementwise.EluDerivatives(x, 1.05070102214813232421875, 1.05070102214813232421875 * 1.67326319217681884765625)),
    };

    public static TheoryData<string, string, int, (int J, int L)[][]> Cases()
    {
        var structures = new (string, int, (int J, int L)[][])[]
        {
            ("value", 0, []), ("jacobian", 3, []), ("second-order jacobian", 3, [[(0, 0)], [(1, 1)], [(2, 2)]]),
            ("laplacian", 3, [[(0, 0), (1, 1), (2, 2)]]), ("hessian", 2, [[(0, 0)], [(0, 1)], [(1, 1)]]), ("hvp", 3, [[(0, 2)], [(1, 2)]]),
        };
        var data = new TheoryData<string, string, int, (int J, int L)[][]>();
        foreach (var kernel in Kernels.Keys)
            foreach (var (query, tangents, pairs) in structures) data.Add(kernel, query, tangents, pairs);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_element_gets_the_plain_rules_bits(string kernel, string query, int tangents, (int J, int L)[][] pairs)
    {
        var rng = new Random(kernel.Length * 7919 + query.Length * 31 + tangents);
        foreach (int w in new[] { 1, 3, 4, 5, 8, 9, 16, 17 })
            foreach (int count in new[] { 1, 3 })
                foreach (bool inPlace in new[] { true, false })
                    foreach (bool bias in new[] { true, false })
                        foreach (bool keep in new[] { true, false })
                            Check(rng, kernel, w, count, tangents, pairs, inPlace, bias, keep && query != "value",
                                $"{kernel}, {query}, width {w}, {count} inputs, {(inPlace ? "in place" : "apart")}, {(bias ? "bias" : "no bias")}, {(keep ? "kept" : "not kept")}");
    }

    private static unsafe void Check(Random rng, string kernel, int w, int count, int tangents, (int J, int L)[][] pairs,
        bool inPlace, bool withBias, bool keep, string what)
    {
        bool derivatives = tangents > 0 || keep;
        int rows = 1 + tangents + pairs.Length;
        long stride = (long)rows * w + 3; // padding between blocks, which must stay as it is
        double Next() => rng.NextDouble() < 0.2 ? Edges[rng.Next(Edges.Length)] : 4 * rng.NextDouble() - 2;
        double[] Fill(long n) => [.. Enumerable.Range(0, (int)n).Select(_ => Next())];
        var source = Fill(count * stride);
        var target = inPlace ? source : Fill(count * stride);
        var bias = withBias ? Fill(w) : null;
        var first = Fill(count * w);
        var second = Fill(count * w);
        var kept = Fill(count * tangents * w);
        var plain = Kernels[kernel].Plain;

        var before = (double[])source.Clone();
        var expected = (double[])target.Clone();
        var (expectedFirst, expectedSecond, expectedKept) = ((double[])first.Clone(), (double[])second.Clone(), (double[])kept.Clone());
        for (int b = 0; b < count; b++)
        {
            long at = b * stride;
            for (int c = 0; c < w; c++)
            {
                double T(int t) => before[at + (1 + t) * w + c];
                double u = bias == null ? before[at + c] : before[at + c] + bias[c];
                var (v, f, g) = plain(u);
                if (!derivatives)
                {
                    expected[at + c] = v;
                    continue;
                }
                for (int k = 0; k < pairs.Length; k++)
                {
                    double sum = T(pairs[k][0].J) * T(pairs[k][0].L);
                    for (int p = 1; p < pairs[k].Length; p++) sum = Math.FusedMultiplyAdd(T(pairs[k][p].J), T(pairs[k][p].L), sum);
                    long row = at + (1 + tangents + k) * w + c;
                    expected[row] = Math.FusedMultiplyAdd(g, sum, f * before[row]);
                }
                for (int t = 0; t < tangents; t++)
                {
                    expected[at + (1 + t) * w + c] = f * T(t);
                    if (keep) expectedKept[(b * tangents + t) * w + c] = T(t);
                }
                expected[at + c] = v;
                expectedFirst[b * w + c] = f;
                expectedSecond[b * w + c] = g;
            }
        }

        nint[] program = [.. pairs.SelectMany((p, k) => new nint[] { (1 + tangents + k) * w, p.Length }
            .Concat(p.SelectMany(q => new nint[] { (1 + q.J) * w, (1 + q.L) * w })))];
        var map = new ElementMap(kernel, Kernels[kernel].Record).Program(derivatives ? 2 : 0);
        Assert.True(map.Fused, what);
        fixed (double* ps = source, pt = target, pb = bias, pf = first, pg = second, pk = kept)
        fixed (nint* pp = program)
            map.Forward(new MapRowsCall
            {
                Source = ps, Target = pt, Bias = pb, Count = count, Stride = stride, Width = w, Tangents = tangents,
                SecondOrder = pp, SecondOrderLength = program.Length, Derivatives = derivatives,
                First = pf, Second = pg, KeptTangents = keep ? pk : null,
            });
        Bits.SameResults(expected, target, what);
        if (!inPlace) Bits.Identical(before, source, $"{what}: the source rows");
        Bits.SameResults(expectedFirst, first, $"{what}: σ′");
        Bits.SameResults(expectedSecond, second, $"{what}: σ″");
        Bits.SameResults(expectedKept, kept, $"{what}: kept tangents");
    }
}

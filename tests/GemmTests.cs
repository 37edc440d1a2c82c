using TapeAD.Layers;
using Xunit;

namespace TapeAD.Tests;

/// <summary>
/// <see cref="Gemm"/> against the plain loop: every element must be the one fused multiply-add chain over
/// k in ascending order from 0, bit for bit, whichever kernel, strip or edge path computes it, for shapes
/// that fill the register kernels, that leave rows and columns over (widths that are and are not multiples
/// of 4, 8 and 16), that cross the k and n panels, and for entries at the edges of the doubles.
/// </summary>
public class GemmTests
{
    private static readonly double[] Edges =
        [0.0, -0.0, 1.0, -1.5, double.Epsilon, -double.Epsilon, 2.2250738585072014E-308, 1e308, -1e308, 1e-300,
         double.PositiveInfinity, double.NegativeInfinity, double.NaN, 3.0000000000000004, -0.1];

    public static TheoryData<int> Columns => [1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 20, 24, 31, 32, 36, 129];

    [Theory]
    [MemberData(nameof(Columns))]
    public void Every_element_is_the_plain_ascending_fma_chain_whatever_the_shape(int n)
    {
        var rng = new Random(n);
        foreach (int m in new[] { 1, 3, 4, 7, 8, 9, 16, 17, 24, 41 })
            foreach (int k in new[] { 0, 1, 3, 4, 16, 17, 33 })
                Check(rng, m, k, n, edgeRate: 0);
    }

    [Theory]
    [InlineData(16, 300, 4)]
    [InlineData(40, 260, 16)]
    [InlineData(9, 257, 20)]
    [InlineData(24, 16, 140)]
    public void Products_over_more_than_one_panel_of_k_or_n_keep_one_chain_per_element(int m, int k, int n) =>
        Check(new Random(m * k + n), m, k, n, edgeRate: 0);

    [Theory]
    [InlineData(16, 16, 4)]
    [InlineData(24, 16, 16)]
    [InlineData(11, 5, 7)]
    [InlineData(8, 3, 36)]
    public void Zeros_of_either_sign_subnormals_huge_values_infinities_and_nans_give_the_plain_loops_bits(int m, int k, int n)
    {
        var rng = new Random(7 * m + n);
        for (int round = 0; round < 20; round++) Check(rng, m, k, n, edgeRate: 0.3);
    }

    private static unsafe void Check(Random rng, int m, int k, int n, double edgeRate)
    {
        var a = Entries(rng, m * k, edgeRate);
        var b = Entries(rng, k * n, edgeRate);
        var c = new double[m * n];
        Array.Fill(c, 12345.0);
        var packed = Gemm.Pack(b, k, n);
        fixed (double* pa = a, pb = b, pp = packed, pc = c)
            Gemm.Multiply(pa, pb, pp, pc, m, k, n);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double expected = 0;
                for (int p = 0; p < k; p++) expected = Math.FusedMultiplyAdd(a[i * k + p], b[p * n + j], expected);
                double got = c[i * n + j];
                string where = $"{m}×{k}·{k}×{n}: element ({i}, {j}) is {got:R}, the plain loop gives {expected:R}";
                if (double.IsNaN(expected)) Assert.True(double.IsNaN(got), where);
                else Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(got), where);
            }
    }

    private static double[] Entries(Random rng, int count, double edgeRate)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++)
            values[i] = rng.NextDouble() < edgeRate ? Edges[rng.Next(Edges.Length)] : 2 * rng.NextDouble() - 1;
        return values;
    }
}

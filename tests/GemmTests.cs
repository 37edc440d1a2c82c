using TapeAD.Layers;
using Xunit;

namespace TapeAD.Tests;

/// <summary>
/// <see cref="Gemm"/> against the plain loop: every element must be the one fused multiply-add chain over
/// k in ascending order from 0, bit for bit, whichever kernel, strip or edge path computes it, for shapes
/// that fill the register kernels, that leave rows and columns over (every row count 1 to 17; widths that
/// are and are not multiples of 4, 8 and 16), that cross the k and column blocks, and for entries at the edges of the doubles; each with the Vector256 kernels and the Vector512 ones
/// (which run in software where the hardware lacks them, with the same bits).
/// </summary>
public class GemmTests
{
    private static readonly double[] Edges =
        [0.0, -0.0, 1.0, -1.5, double.Epsilon, -double.Epsilon, 2.2250738585072014E-308, 1e308, -1e308, 1e-300,
         double.PositiveInfinity, double.NegativeInfinity, double.NaN, 3.0000000000000004, -0.1];

    public static TheoryData<int, bool> Columns => Both([1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 20, 23, 24, 25, 31, 32, 33, 36, 40, 47, 48, 129]);

    private static TheoryData<int, bool> Both(int[] values)
    {
        var data = new TheoryData<int, bool>();
        foreach (int v in values)
        {
            data.Add(v, false);
            data.Add(v, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Columns))]
    public void Every_element_is_the_plain_ascending_fma_chain_for_every_row_count_up_to_17(int n, bool wide)
    {
        var rng = new Random(n);
        for (int m = 1; m <= 17; m++)
            foreach (int k in new[] { 0, 1, 2, 3, 4, 16, 17, 33 })
                Check(rng, m, k, n, wide, edgeRate: 0);
        foreach (int m in new[] { 24, 41 })
            Check(rng, m, 17, n, wide, edgeRate: 0);
    }

    public static TheoryData<int, bool> LongDepths => Both([255, 256, 257, 300]);

    [Theory]
    [MemberData(nameof(LongDepths))]
    public void Products_deeper_than_one_k_block_continue_each_chain_from_the_stored_element(int k, bool wide)
    {
        var rng = new Random(k);
        foreach (int m in new[] { 1, 2, 3, 5, 6, 7, 8, 16, 17 })
            foreach (int n in new[] { 4, 8, 16, 20, 33 })
                Check(rng, m, k, n, wide, edgeRate: 0);
    }

    [Theory]
    [InlineData(16, 300, 4)]
    [InlineData(40, 260, 16)]
    [InlineData(9, 257, 20)]
    [InlineData(24, 16, 140)]
    // Several blocks of k and of columns at once, with rows, columns and k left over.
    [InlineData(100, 100, 330)]
    [InlineData(97, 300, 520)]
    [InlineData(7, 257, 600)]
    [InlineData(193, 65, 513)]
    public void Products_over_more_than_one_block_of_k_or_columns_keep_one_chain_per_element(int m, int k, int n)
    {
        Check(new Random(m * k + n), m, k, n, wide: false, edgeRate: 0);
        Check(new Random(m * k + n), m, k, n, wide: true, edgeRate: 0);
    }

    [Theory]
    [InlineData(16, 16, 4)]
    [InlineData(24, 16, 16)]
    [InlineData(11, 5, 7)]
    [InlineData(8, 3, 36)]
    [InlineData(5, 9, 24)]
    [InlineData(17, 12, 17)]
    public void Zeros_of_either_sign_subnormals_huge_values_infinities_and_nans_give_the_plain_loops_bits(int m, int k, int n)
    {
        var rng = new Random(7 * m + n);
        for (int round = 0; round < 20; round++)
        {
            Check(rng, m, k, n, wide: false, edgeRate: 0.3);
            Check(rng, m, k, n, wide: true, edgeRate: 0.3);
        }
    }

    private static unsafe void Check(Random rng, int m, int k, int n, bool wide, double edgeRate)
    {
        var a = Entries(rng, m * k, edgeRate);
        var b = Entries(rng, k * n, edgeRate);
        // C with a guard band after it: a kernel must write every element and nothing past the last row.
        const int Guard = 64;
        var c = new double[m * n + Guard];
        Array.Fill(c, 12345.0);
        var packed = Gemm.Pack(b, k, n);
        fixed (double* pa = a, pb = b, pp = packed, pc = c)
            Gemm.Multiply(pa, pb, pp, pc, m, k, n, wide);
        for (int g = m * n; g < c.Length; g++)
            Assert.True(c[g] == 12345.0, $"{m}×{k}·{k}×{n}: the product wrote {g - m * n} past the end of C");
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double expected = 0;
                for (int p = 0; p < k; p++) expected = Math.FusedMultiplyAdd(a[i * k + p], b[p * n + j], expected);
                double got = c[i * n + j];
                string where = $"{m}×{k}·{k}×{n} ({(wide ? "Vector512" : "Vector256")} kernels): element ({i}, {j}) is {got:R}, the plain loop gives {expected:R}";
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

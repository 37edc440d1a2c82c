using TapeAD.Compiler;
using TapeAD.Tape;
using TapeAD.Tests.Properties;
using Xunit;

namespace TapeAD.Tests;

/// <summary>
/// The moves between a group's batch rows and the SIMD form's structure-of-arrays buffers: every
/// number lands where the lane-by-lane copy puts it, for row lengths with and without a partial
/// 4-value block, full and partial groups at both vector widths; nothing is read past what the batch
/// holds and nothing written outside the group's result rows. And the SIMD form's constant table:
/// constants keep their bits (±0, NaN payloads, subnormals) in batches.
/// </summary>
public class LaneTransposeTests
{
    private static readonly int[] Widths = [4, 8];

    [Fact]
    public void Rows_reach_their_lanes_whatever_the_row_length_group_size_and_width()
    {
        foreach (int width in Widths)
            for (int length = 1; length <= 21; length++)
                for (int lanes = 1; lanes <= width; lanes++)
                    foreach (bool batchGoesOn in new[] { false, true })
                    {
                        var rows = Numbers(lanes * length + (batchGoesOn ? 3 * length : 0), 1);
                        // What lies past the readable part must not reach any lane: poison it.
                        var source = new double[rows.Length + 8];
                        rows.CopyTo(source, 0);
                        source.AsSpan(rows.Length).Fill(double.NaN);
                        var columns = new double[LaneTranspose.PaddedLength(length) * width];
                        columns.AsSpan().Fill(-7);
                        LaneTranspose.RowsToLanes(ref source[0], length, lanes, ref columns[0], width, rows.Length);
                        string what = $"width {width}, rows of {length}, {lanes} lanes{(batchGoesOn ? ", batch goes on" : "")}";
                        for (int l = 0; l < lanes; l++)
                            for (int j = 0; j < length; j++)
                                Assert.True(rows[l * length + j] == columns[j * width + l], $"{what}: value {j} of lane {l}");
                        // The poison past the readable part reached no lane, not even its padding.
                        for (int l = 0; l < lanes; l++)
                            for (int j = 0; j < LaneTranspose.PaddedLength(length); j++)
                                Assert.False(double.IsNaN(columns[j * width + l]), $"{what}: lane {l}, value {j} read past the batch");
                        // Absent lanes of a partly filled 4-lane block are zero, so their (dropped) results are finite.
                        for (int l = lanes; l < (lanes + 3) / 4 * 4; l++)
                            for (int j = 0; j < length; j++)
                                Assert.True(columns[j * width + l] == 0, $"{what}: absent lane {l}, value {j}");
                    }
    }

    [Fact]
    public void Lanes_reach_their_rows_and_nothing_outside_the_group_is_written()
    {
        foreach (int width in Widths)
            for (int length = 1; length <= 21; length++)
                for (int lanes = 1; lanes <= width; lanes++)
                {
                    int padded = LaneTranspose.PaddedLength(length);
                    var columns = Numbers(padded * width, 2);
                    // The group's rows between two sentinel rows: a whole store spilling out would overwrite one.
                    var target = new double[(lanes + 2) * length];
                    target.AsSpan().Fill(-7);
                    LaneTranspose.LanesToRows(ref columns[0], width, lanes, ref target[length], length);
                    string what = $"width {width}, rows of {length}, {lanes} lanes";
                    for (int l = 0; l < lanes; l++)
                        for (int j = 0; j < length; j++)
                            Assert.True(columns[j * width + l] == target[(l + 1) * length + j], $"{what}: value {j} of lane {l}");
                    Assert.All(target.AsSpan(0, length).ToArray(), v => Assert.Equal(-7, v));
                    Assert.All(target.AsSpan((lanes + 1) * length).ToArray(), v => Assert.Equal(-7, v));
                }
    }

    [Fact]
    public void Batches_keep_the_bits_of_constants_read_from_the_vector_table()
    {
        // Each constant used twice (what makes the JIT keep it in a register when it is in the code),
        // among them values whose bits a careless table would merge or change.
        double[] constants = [-0.0, 0.0, BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0123), double.Epsilon, -1e-310, 1e308, -3.5];
        var f = TapeFunction.Record(2, x =>
        {
            var outputs = new List<Var>();
            foreach (double c in constants)
            {
                outputs.Add(x[0] * c + x[1]);
                outputs.Add(VarMath.Exp(x[1] * c) - c);
            }
            return [.. outputs];
        });
        foreach (var width in new[] { BatchVectorWidth.Vector256, BatchVectorWidth.Vector512 })
        {
            var q = CompiledFunction.Compile(f, CompilerOptions.Default with { BatchVectorWidth = width });
            const int rows = 13;
            var x = Numbers(rows * 2, 3);
            x[5] = -0.0;
            x[8] = double.PositiveInfinity;
            var y = new double[rows * q.OutputLength];
            q.EvaluateBatch(x, y, 1);
            var one = new double[q.OutputLength];
            for (int r = 0; r < rows; r++)
            {
                q.Evaluate(x.AsSpan(r * 2, 2), one);
                Bits.Identical(one, y.AsSpan(r * q.OutputLength, q.OutputLength).ToArray(), $"{width}, row {r}");
            }
        }
    }

    // Distinct numbers (no two equal), so a misplaced one is seen.
    private static double[] Numbers(int count, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(i => i + 1 + rng.NextDouble() * 0.5).ToArray();
    }
}

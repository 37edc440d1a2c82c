using TapeAD.Cli;
using Xunit;

namespace TapeAD.Tests;

/// <summary>One CSV row: what is formatted parses back to the same bits, and whatever else comes is
/// either numbers or an <see cref="InvalidDataException"/> naming the line and field.</summary>
public class CsvRowTests
{
    private static readonly double[] Edges =
    [
        0.0, -0.0, double.Epsilon, -double.Epsilon, 2.2250738585072009E-308, double.MaxValue, double.MinValue,
        double.PositiveInfinity, double.NegativeInfinity, double.NaN, 1.0 / 3, -1e-300, 123456789012345680,
    ];

    [Fact]
    public void formatted_rows_parse_back_to_the_same_bits_edges_included()
    {
        var random = new Random(20261201);
        for (int n = 0; n < 20_000; n++)
        {
            var row = new double[1 + random.Next(8)];
            for (int k = 0; k < row.Length; k++)
                row[k] = random.Next(3) == 0 ? Edges[random.Next(Edges.Length)] : BitConverter.Int64BitsToDouble(random.NextInt64());
            string text = Csv.FormatRow(row);
            Assert.True(System.Text.Encoding.UTF8.GetByteCount(text) <= row.Length * (Csv.MaxNumberBytes + 1), text);
            var back = new double[row.Length];
            Csv.ParseRow("x.csv", n + 1, text, back);
            for (int k = 0; k < row.Length; k++)
                Assert.True(BitConverter.DoubleToInt64Bits(row[k]) == BitConverter.DoubleToInt64Bits(back[k]) || double.IsNaN(row[k]) && double.IsNaN(back[k]),
                    $"{row[k]:R} came back as {back[k]:R} from '{text}'");
        }
    }

    [Fact]
    public void corrupted_rows_give_numbers_or_an_error_naming_the_line_and_never_an_overflowed_infinity()
    {
        var random = new Random(7);
        const string alphabet = "0123456789.,eE+- \tInfinityNaN∞x";
        for (int n = 0; n < 20_000; n++)
        {
            var chars = Csv.FormatRow([random.NextDouble(), -1e300 * random.NextDouble(), 5e-324]).ToCharArray().ToList();
            for (int e = 1 + random.Next(4); e > 0; e--)
            {
                int at = random.Next(chars.Count + 1);
                if (random.Next(2) == 0 && at < chars.Count) chars.RemoveAt(at);
                else chars.Insert(at, alphabet[random.Next(alphabet.Length)]);
            }
            string line = new(chars.ToArray());
            var into = new double[3];
            try
            {
                Csv.ParseRow("x.csv", 42, line, into);
                // An infinity must have been spelled out: a field with digits that overflowed is an error.
                var fields = line.Split(',');
                for (int k = 0; k < into.Length; k++)
                    if (double.IsInfinity(into[k])) Assert.False(fields[k].Any(char.IsAsciiDigit), $"'{fields[k]}' overflowed to {into[k]}");
            }
            catch (InvalidDataException e)
            {
                Assert.StartsWith("x.csv line 42", e.Message);
            }
        }
    }
}

using System.Globalization;
using System.Text;

namespace TapeAD.Cli;

/// <summary>Rows of numbers, one per line, comma-separated, no header: parsing and formatting one row.</summary>
public static class Csv
{
    /// <summary>The most UTF-8 bytes one number takes in round-trip form ("-2.2250738585072014E-308" is 24), with room to spare.</summary>
    public const int MaxNumberBytes = 32;

    /// <summary>
    /// Parses one line of <paramref name="into"/>.Length numbers; <paramref name="lineNumber"/> is
    /// 1-based, for messages. <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c> are inputs like any
    /// other; a number too large for a double (<c>1e400</c>) is refused, as in model files, rather
    /// than read as infinity.
    /// </summary>
    /// <exception cref="InvalidDataException">Naming <paramref name="source"/>, the line, the field and what came.</exception>
    public static void ParseRow(string source, long lineNumber, ReadOnlySpan<char> line, Span<double> into)
    {
        int width = into.Length, k = 0;
        var rest = line;
        if (line.Trim().Length > 0)
        {
            while (true)
            {
                int comma = rest.IndexOf(',');
                var field = (comma < 0 ? rest : rest[..comma]).Trim();
                if (k < width) into[k] = ParseField(source, lineNumber, k, field);
                k++;
                if (comma < 0) break;
                rest = rest[(comma + 1)..];
            }
        }
        if (k != width)
            throw new InvalidDataException($"{source} line {lineNumber}: expected {width} numbers, got {k}");
    }

    private static double ParseField(string source, long lineNumber, int k, ReadOnlySpan<char> field)
    {
        if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            throw new InvalidDataException($"{source} line {lineNumber}, field {k + 1}: expected a number, got '{Shorten(field)}'");
        // TryParse reads 1e400 as infinity; an infinity the line means is spelled without digits.
        if (double.IsInfinity(value) && field.IndexOfAnyInRange('0', '9') >= 0)
            throw new InvalidDataException($"{source} line {lineNumber}, field {k + 1}: {Shorten(field)} is beyond the range of a double " +
                "(±1.7976931348623157E+308); write Infinity or -Infinity for an infinite input");
        return value;
    }

    private static string Shorten(ReadOnlySpan<char> field) => field.Length <= 40 ? field.ToString() : string.Concat(field[..37], "...");

    /// <summary>Formats a row with every number in round-trip form.</summary>
    public static string FormatRow(ReadOnlySpan<double> row)
    {
        var bytes = new byte[row.Length * (MaxNumberBytes + 1)];
        return Encoding.UTF8.GetString(bytes, 0, FormatRow(row, bytes));
    }

    /// <summary>Writes a row (numbers in round-trip form, comma-separated, no line end) as UTF-8 into
    /// <paramref name="into"/>, which holds at least <see cref="MaxNumberBytes"/> + 1 bytes per number;
    /// returns the bytes written.</summary>
    public static int FormatRow(ReadOnlySpan<double> row, Span<byte> into)
    {
        int at = 0;
        for (int k = 0; k < row.Length; k++)
        {
            if (k > 0) into[at++] = (byte)',';
            if (!row[k].TryFormat(into[at..], out int written, "R", CultureInfo.InvariantCulture))
                throw new ArgumentException($"Expected room for {MaxNumberBytes} bytes per number, got {into.Length} bytes for {row.Length} numbers.", nameof(into));
            at += written;
        }
        return at;
    }
}

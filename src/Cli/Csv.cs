using System.Globalization;
using System.Text;

namespace TapeAD.Cli;

/// <summary>Rows of numbers, one per line, comma-separated, no header.</summary>
public static class Csv
{
    /// <summary>
    /// Reads every line of <paramref name="path"/> as <paramref name="width"/> numbers. A final empty
    /// line is allowed; any other problem names the file, the line and what was wrong.
    /// </summary>
    public static List<double[]> ReadRows(string path, int width)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file");
        var lines = File.ReadAllLines(path);
        int count = lines.Length;
        while (count > 0 && lines[count - 1].Trim().Length == 0) count--;
        if (count == 0) throw new InvalidDataException($"{path}: expected at least one line of {width} numbers, got an empty file");
        var rows = new List<double[]>(count);
        for (int n = 0; n < count; n++) rows.Add(ParseRow(path, n + 1, lines[n], width));
        return rows;
    }

    /// <summary>Parses one line of numbers; <paramref name="lineNumber"/> is 1-based, for messages.</summary>
    public static double[] ParseRow(string source, int lineNumber, string line, int width)
    {
        var fields = line.Split(',');
        if (line.Trim().Length == 0) fields = [];
        if (fields.Length != width)
            throw new InvalidDataException($"{source} line {lineNumber}: expected {width} numbers, got {fields.Length}");
        var row = new double[width];
        for (int k = 0; k < width; k++)
        {
            string field = fields[k].Trim();
            if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out row[k]))
                throw new InvalidDataException($"{source} line {lineNumber}, field {k + 1}: expected a number, got '{field}'");
        }
        return row;
    }

    /// <summary>Formats a row with every number in round-trip form.</summary>
    public static string FormatRow(ReadOnlySpan<double> row)
    {
        var sb = new StringBuilder();
        for (int k = 0; k < row.Length; k++)
        {
            if (k > 0) sb.Append(',');
            sb.Append(row[k].ToString("R", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> whole or not at all
    /// (through a temporary file renamed into place).</summary>
    public static void WriteAtomically(string path, string text)
    {
        string full = Path.GetFullPath(path);
        string temp = full + ".tmp-" + Environment.ProcessId;
        try
        {
            File.WriteAllText(temp, text);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}

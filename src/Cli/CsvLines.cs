namespace TapeAD.Cli;

/// <summary>
/// Streams the lines of a CSV file with their line numbers, one at a time, so that a file of any
/// size costs one buffer. Blank lines at the end are allowed; a blank line followed by more rows is
/// an error at the blank line, as if it were a row of no numbers.
/// </summary>
public sealed class CsvLines : IDisposable
{
    private readonly StreamReader _reader;
    private readonly int _width;
    private long _lineNumber;
    private long _firstBlank = -1;

    /// <summary>Opens <paramref name="path"/>, whose rows hold <paramref name="width"/> numbers (for messages).</summary>
    /// <exception cref="FileNotFoundException">When there is no such file (the message names it).</exception>
    public CsvLines(string path, int width)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file");
        Path = path;
        _width = width;
        _reader = new StreamReader(path, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true,
            new FileStreamOptions { BufferSize = 1 << 16, Options = FileOptions.SequentialScan });
    }

    /// <summary>The path as the user gave it; messages start with it.</summary>
    public string Path { get; }

    /// <summary>Rows returned so far.</summary>
    public long Rows { get; private set; }

    /// <summary>How far through the file reading is, from 0 to 1 (for progress; read-ahead makes it
    /// approximate); NaN for a pipe, whose length is unknown.</summary>
    public double Fraction => !_reader.BaseStream.CanSeek ? double.NaN
        : _reader.BaseStream.Length == 0 ? 1 : (double)_reader.BaseStream.Position / _reader.BaseStream.Length;

    /// <summary>The next non-blank line and its 1-based number; false at the end of the file.</summary>
    /// <exception cref="InvalidDataException">When a blank line comes before this one.</exception>
    public bool TryRead(out string line, out long lineNumber)
    {
        while (_reader.ReadLine() is { } text)
        {
            _lineNumber++;
            if (text.AsSpan().Trim().Length == 0)
            {
                if (_firstBlank < 0) _firstBlank = _lineNumber;
                continue;
            }
            if (_firstBlank >= 0)
                throw new InvalidDataException($"{Path} line {_firstBlank}: expected {_width} numbers, got 0");
            Rows++;
            line = text;
            lineNumber = _lineNumber;
            return true;
        }
        line = "";
        lineNumber = _lineNumber;
        return false;
    }

    /// <summary>Reads to the end and returns how many rows the file has in all (for a message about a count).</summary>
    public long CountAll()
    {
        while (TryRead(out _, out _)) { }
        return Rows;
    }

    /// <inheritdoc/>
    public void Dispose() => _reader.Dispose();
}

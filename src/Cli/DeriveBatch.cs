using TapeAD.Compiler;

namespace TapeAD.Cli;

/// <summary>
/// One block of <c>derive</c>'s rows and the buffers it reuses from block to block: lines are read in
/// order, then parsed, evaluated (<see cref="ICompiledQuery.EvaluateBatch(ReadOnlySpan{double}, Span{double}, int)"/>)
/// and formatted on all the threads allowed, then written in order. Memory is a block's worth, whatever the file's size.
/// </summary>
public sealed class DeriveBatch
{
    // About 8 MB of results per block: large enough to keep every core busy, small enough that a
    // Hessian's text (about 25 bytes per number) stays a few tens of MB.
    private const int TargetNumbers = 1 << 20;

    private readonly ICompiledQuery _query;
    private readonly int _width;
    private readonly int _threads;
    private readonly string[] _lines;
    private readonly long[] _lineNumbers;
    private readonly string[]? _vectorLines;
    private readonly long[]? _vectorLineNumbers;
    private readonly double[] _inputs;
    private readonly double[] _results;
    private readonly byte[][] _text;
    private readonly int[] _textLength;
    private readonly ParallelOptions _parallel;

    /// <param name="query">The compiled query; its input row is <paramref name="width"/> numbers (twice that for an hvp, x then v).</param>
    /// <param name="width">Numbers per line of the input (and vectors) file.</param>
    /// <param name="withVectors">Whether each row also reads a line of a vectors file.</param>
    /// <param name="threads">Most threads any step uses.</param>
    public DeriveBatch(ICompiledQuery query, int width, bool withVectors, int threads)
    {
        _query = query;
        _width = width;
        _threads = threads;
        // A row of more than TargetNumbers numbers (a Hessian of thousands of inputs) is a block alone.
        Capacity = Math.Clamp(TargetNumbers / Math.Max(1, Math.Max(query.OutputLength, query.InputLength)), 1, 16384);
        _lines = new string[Capacity];
        _lineNumbers = new long[Capacity];
        if (withVectors)
        {
            _vectorLines = new string[Capacity];
            _vectorLineNumbers = new long[Capacity];
        }
        _inputs = new double[Capacity * query.InputLength];
        _results = new double[Capacity * query.OutputLength];
        // Several chunks per thread so that a slow chunk does not hold the others up.
        int chunks = Math.Min(Capacity, 4 * threads);
        int rowsPerChunk = (Capacity + chunks - 1) / chunks;
        _text = new byte[chunks][];
        int rowBytes = checked(query.OutputLength * (Csv.MaxNumberBytes + 1) + 1);
        for (int c = 0; c < chunks; c++) _text[c] = new byte[checked(rowsPerChunk * rowBytes)];
        _textLength = new int[chunks];
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = threads };
    }

    /// <summary>Most rows in one block.</summary>
    public int Capacity { get; }

    /// <summary>Reads the next block's lines (and vectors); returns how many rows it holds, 0 at the end.</summary>
    /// <exception cref="InvalidDataException">A blank line before more rows, or a vectors file shorter than the inputs.</exception>
    public int Fill(CsvLines inputs, CsvLines? vectors)
    {
        int n = 0;
        while (n < Capacity && inputs.TryRead(out _lines[n], out _lineNumbers[n]))
        {
            if (vectors != null && !vectors.TryRead(out _vectorLines![n], out _vectorLineNumbers![n]))
                throw CountMismatch(inputs.CountAll(), vectors);
            n++;
        }
        return n;
    }

    /// <summary>Parses, evaluates, formats and writes the <paramref name="rows"/> rows <see cref="Fill"/> read.</summary>
    /// <exception cref="InvalidDataException">The first bad line of the block, with its file and line number.</exception>
    public void Run(int rows, OutputFile output, string inputsPath, string? vectorsPath)
    {
        int chunks = Math.Min(_text.Length, rows);
        var errors = new InvalidDataException?[chunks];
        Parallel.For(0, chunks, _parallel, c =>
        {
            int stride = _query.InputLength;
            for (int r = Start(c, chunks, rows); r < Start(c + 1, chunks, rows); r++)
            {
                try
                {
                    Csv.ParseRow(inputsPath, _lineNumbers[r], _lines[r], _inputs.AsSpan(r * stride, _width));
                    if (_vectorLines != null)
                        Csv.ParseRow(vectorsPath!, _vectorLineNumbers![r], _vectorLines[r], _inputs.AsSpan(r * stride + _width, _width));
                }
                catch (InvalidDataException e)
                {
                    errors[c] = e; // the chunk's first bad row; chunks are in row order
                    return;
                }
            }
        });
        foreach (var e in errors)
            if (e != null) throw e;

        _query.EvaluateBatch(_inputs.AsSpan(0, rows * _query.InputLength), _results.AsSpan(0, rows * _query.OutputLength), _threads);

        Parallel.For(0, chunks, _parallel, c =>
        {
            int m = _query.OutputLength, at = 0;
            var text = _text[c].AsSpan();
            for (int r = Start(c, chunks, rows); r < Start(c + 1, chunks, rows); r++)
            {
                at += Csv.FormatRow(_results.AsSpan(r * m, m), text[at..]);
                text[at++] = (byte)'\n';
            }
            _textLength[c] = at;
        });
        for (int c = 0; c < chunks; c++) output.Write(_text[c].AsSpan(0, _textLength[c]));
    }

    /// <summary>The error for a vectors file with another number of rows than the inputs.</summary>
    public static InvalidDataException CountMismatch(long inputRows, CsvLines vectors) =>
        new($"{vectors.Path}: expected {inputRows} lines (one vector per input line), got {vectors.CountAll()}");

    private static int Start(int chunk, int chunks, int rows) => (int)((long)chunk * rows / chunks);
}

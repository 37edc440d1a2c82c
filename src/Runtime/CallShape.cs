namespace TapeAD.Runtime;

/// <summary>
/// What every compiled query of either level checks before it computes, with the library's standard
/// messages (one place, so a scalar-graph function and a tensor query refuse a wrong span alike), and
/// the batch dispatch they share: length checks, pinning, fixed blocks on the persistent workers.
/// </summary>
public static class CallShape
{
    /// <summary>Threads a batch uses unless told otherwise: one per core.</summary>
    public static int DefaultThreads => BatchWorkers.DefaultThreads;

    /// <summary>Checks the spans of one call: <paramref name="xLength"/> inputs and
    /// <paramref name="resultLength"/> results against a function of <paramref name="inputLength"/>
    /// inputs and <paramref name="outputLength"/> results.</summary>
    /// <param name="description">The function, as the messages name it.</param>
    /// <param name="inputLength">Inputs the function takes.</param>
    /// <param name="outputLength">Results the function writes.</param>
    /// <param name="xLength">Length of the input span given.</param>
    /// <param name="resultLength">Length of the result span given.</param>
    /// <exception cref="ArgumentException">When a length differs; the message names the function, the expected and the actual length.</exception>
    public static void Check(string description, int inputLength, int outputLength, int xLength, int resultLength)
    {
        if (xLength != inputLength)
            throw new ArgumentException($"{description}: expected {inputLength} inputs, got {xLength}.", "x");
        if (resultLength != outputLength)
            throw new ArgumentException($"{description}: expected a result span of length {outputLength}, got {resultLength}.", "result");
    }

    /// <summary>The number of rows in a batch, after checking that both spans hold whole rows and the same number of them.</summary>
    /// <param name="description">The function, as the messages name it.</param>
    /// <param name="inputsLength">Length of the batch's input span.</param>
    /// <param name="resultsLength">Length of the batch's result span.</param>
    /// <param name="inputLength">Inputs one row takes.</param>
    /// <param name="outputLength">Results one row writes.</param>
    /// <exception cref="ArgumentException">When they do not; the message names the function, the expected and the actual lengths.</exception>
    public static int BatchRows(string description, int inputsLength, int resultsLength, int inputLength, int outputLength)
    {
        if (inputLength == 0 ? inputsLength != 0 : inputsLength % inputLength != 0)
            throw new ArgumentException($"{description}: expected the inputs to be whole rows of {inputLength}, got {inputsLength} values.", "inputs");
        int rows = inputLength == 0 ? 0 : inputsLength / inputLength;
        if (resultsLength != (long)rows * outputLength)
            throw new ArgumentException($"{description}: expected {rows} result rows of {outputLength} = {(long)rows * outputLength} values, got {resultsLength}.", "results");
        return rows;
    }

    /// <summary>
    /// A batch call of either level: checks the spans (whole rows, as many results as inputs, no
    /// overlap), pins them and runs blocks <c>0 .. ceil(rows / rowsPerBlock) - 1</c> of
    /// <paramref name="work"/> on at most <paramref name="maxThreads"/> threads (the calling thread
    /// included). Blocks depend on the batch size alone, so the bits do not depend on the threads.
    /// Allocates nothing; one batch uses the workers at a time, a concurrent one runs on its own thread.
    /// </summary>
    /// <param name="work">Computes one block of rows.</param>
    /// <param name="description">The function, as the messages name it.</param>
    /// <param name="inputs">Input rows, one after another.</param>
    /// <param name="results">Result rows, one per input row.</param>
    /// <param name="inputLength">Inputs one row takes.</param>
    /// <param name="outputLength">Results one row writes.</param>
    /// <param name="rowsPerBlock">Rows a block holds (the last may hold fewer).</param>
    /// <param name="maxThreads">The most threads to use.</param>
    /// <exception cref="ArgumentException">When the spans are not whole rows, do not hold the same number of rows, or overlap.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="rowsPerBlock"/> or <paramref name="maxThreads"/> is less than 1.</exception>
    /// <remarks>When a block throws, the exception reaches the caller as it was thrown (the first, if
    /// several blocks threw on different threads), whether the batch ran on one thread or many.</remarks>
    public static unsafe void RunBatch(IBatchBlocks work, string description, ReadOnlySpan<double> inputs, Span<double> results,
        int inputLength, int outputLength, int rowsPerBlock, int maxThreads)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (rowsPerBlock < 1) throw new ArgumentOutOfRangeException(nameof(rowsPerBlock), rowsPerBlock, "Expected at least 1 row per block.");
        if (maxThreads < 1) throw new ArgumentOutOfRangeException(nameof(maxThreads), maxThreads, "Expected at least 1 thread.");
        int rows = BatchRows(description, inputs.Length, results.Length, inputLength, outputLength);
        if (inputs.Overlaps(results)) throw new ArgumentException($"{description}: the batch's inputs and results must not overlap.", nameof(results));
        if (rows == 0) return;
        fixed (double* x = inputs)
        fixed (double* y = results)
            BatchWorkers.Run(work, new BatchSpan(x, y, rows), (rows + rowsPerBlock - 1) / rowsPerBlock, maxThreads);
    }
}

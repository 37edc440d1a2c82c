namespace TapeAD.Compiler;

/// <summary>The length checks and the dispatch every batch call shares, with the library's standard messages.</summary>
internal static class BatchShape
{
    /// <summary>
    /// A batch call of either level: checks the spans (whole rows, as many results as inputs, no overlap),
    /// pins them and hands <paramref name="work"/> blocks of <paramref name="rowsPerBlock"/> rows on at most
    /// <paramref name="maxThreads"/> threads. Blocks depend on the batch size alone, so the bits do not depend on the threads.
    /// </summary>
    public static unsafe void Run(IBatchBlocks work, string description, ReadOnlySpan<double> inputs, Span<double> results,
        int inputLength, int outputLength, int rowsPerBlock, int maxThreads)
    {
        int rows = Rows(description, inputs.Length, results.Length, inputLength, outputLength);
        if (inputs.Overlaps(results)) throw new ArgumentException($"{description}: the batch's inputs and results must not overlap.", nameof(results));
        if (rows == 0) return;
        fixed (double* x = inputs)
        fixed (double* y = results)
            BatchWorkers.Run(work, new BatchSpan(x, y, rows), (rows + rowsPerBlock - 1) / rowsPerBlock, maxThreads);
    }

    /// <summary>The number of rows in a batch, after checking that both spans hold whole rows and the same number of them.</summary>
    /// <exception cref="ArgumentException">When they do not; the message names the function, the expected and the actual lengths.</exception>
    public static int Rows(string description, int inputsLength, int resultsLength, int inputLength, int outputLength)
    {
        if (inputLength == 0 ? inputsLength != 0 : inputsLength % inputLength != 0)
            throw new ArgumentException($"{description}: expected the inputs to be whole rows of {inputLength}, got {inputsLength} values.", "inputs");
        int rows = inputLength == 0 ? 0 : inputsLength / inputLength;
        if (resultsLength != (long)rows * outputLength)
            throw new ArgumentException($"{description}: expected {rows} result rows of {outputLength} = {(long)rows * outputLength} values, got {resultsLength}.", "results");
        return rows;
    }
}

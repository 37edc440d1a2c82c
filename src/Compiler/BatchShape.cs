namespace TapeAD.Compiler;

/// <summary>The length checks every batch call shares, with the library's standard messages.</summary>
internal static class BatchShape
{
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

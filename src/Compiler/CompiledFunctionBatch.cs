namespace TapeAD.Compiler;

// Batch calls of a compiled scalar graph: the rows are cut into fixed blocks spread over the cores,
// and each row runs the same compiled code as Evaluate, so a batch gives exactly Evaluate's bits.
public sealed partial class CompiledFunction : IBatchBlocks
{
    /// <summary>Rows per block: enough to amortise handing out a block, few enough to balance the cores.</summary>
    private const int BlockRows = 32;

    /// <summary>
    /// Evaluates a batch of inputs stored row after row on all cores; result row <c>b</c> is exactly
    /// what <see cref="Evaluate(ReadOnlySpan{double}, Span{double})"/> gives for input row <c>b</c>.
    /// For a Hessian-vector product a row is <c>x</c> followed by <c>v</c>. Allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentException">When the spans are not whole rows, or do not hold the same number of rows, or overlap.</exception>
    public void EvaluateBatch(ReadOnlySpan<double> inputs, Span<double> results) =>
        EvaluateBatch(inputs, results, BatchWorkers.DefaultThreads);

    /// <inheritdoc cref="ICompiledQuery.EvaluateBatch(ReadOnlySpan{double}, Span{double}, int)"/>
    public unsafe void EvaluateBatch(ReadOnlySpan<double> inputs, Span<double> results, int maxThreads)
    {
        int rows = BatchShape.Rows(Description, inputs.Length, results.Length, _inputLength, _outputLength);
        if (inputs.Overlaps(results)) throw new ArgumentException($"{Description}: the batch's inputs and results must not overlap.", nameof(results));
        if (rows == 0) return;
        fixed (double* x = inputs)
        fixed (double* y = results)
        {
            BatchWorkers.Run(this, new BatchSpan(x, y, rows), (rows + BlockRows - 1) / BlockRows, maxThreads);
        }
    }

    unsafe void IBatchBlocks.RunBlock(in BatchSpan batch, int block)
    {
        int end = Math.Min(batch.Rows, (block + 1) * BlockRows);
        for (int r = block * BlockRows; r < end; r++)
            _kernel.Run(new ReadOnlySpan<double>(batch.Inputs + (long)r * _inputLength, _inputLength),
                new Span<double>(batch.Results + (long)r * _outputLength, _outputLength));
    }
}

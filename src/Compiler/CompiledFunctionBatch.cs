using TapeAD.Runtime;

namespace TapeAD.Compiler;

// Batch calls of a compiled scalar graph: the rows are cut into fixed blocks spread over the cores.
// Within a block, rows go through the SIMD form of the graph a vector's width at a time (the last
// group of a batch padded with zero rows whose results are dropped); every lane computes exactly
// what Evaluate computes for its row, so a batch gives Evaluate's bits whatever the neighbours.
public sealed partial class CompiledFunction : IBatchBlocks
{
    /// <summary>Rows per block: enough to amortise handing out a block, few enough to balance the
    /// cores; a multiple of every vector width, so only a batch's last group is partial.</summary>
    private const int BlockRows = 32;

    /// <summary>
    /// Evaluates a batch of inputs stored row after row on all cores; result row <c>b</c> is exactly
    /// what <see cref="Evaluate(ReadOnlySpan{double}, Span{double})"/> gives for input row <c>b</c>.
    /// For a Hessian-vector product a row is <c>x</c> followed by <c>v</c>. Allocates nothing once
    /// the first batch call has compiled the graph's SIMD form.
    /// </summary>
    /// <exception cref="ArgumentException">When the spans are not whole rows, or do not hold the same number of rows, or overlap.</exception>
    public void EvaluateBatch(ReadOnlySpan<double> inputs, Span<double> results) =>
        EvaluateBatch(inputs, results, CallShape.DefaultThreads);

    /// <inheritdoc cref="ICompiledQuery.EvaluateBatch(ReadOnlySpan{double}, Span{double}, int)"/>
    public void EvaluateBatch(ReadOnlySpan<double> inputs, Span<double> results, int maxThreads)
    {
        // The SIMD form is compiled before the workers start, on the calling thread.
        if (!inputs.IsEmpty) _ = _vector?.Value;
        CallShape.RunBatch(this, Description, inputs, results, _inputLength, _outputLength, BlockRows, maxThreads);
    }

    /// <summary>Inputs the batch evaluates per instruction: the SIMD width, or 1 when the graph is
    /// interpreted or the hardware has no accelerated vectors.</summary>
    public int BatchLanes => _vector == null ? 1 : _vector.Value?.Width ?? 1;

    unsafe void IBatchBlocks.RunBlock(in BatchSpan batch, int block)
    {
        int start = block * BlockRows, end = Math.Min(batch.Rows, start + BlockRows);
        var vector = _vector?.Value;
        if (vector == null)
        {
            for (int r = start; r < end; r++)
                _kernel.Run(new ReadOnlySpan<double>(batch.Inputs + (long)r * _inputLength, _inputLength),
                    new Span<double>(batch.Results + (long)r * _outputLength, _outputLength));
            return;
        }
        vector.RunRows(batch, start, end, _inputLength, _outputLength);
    }
}

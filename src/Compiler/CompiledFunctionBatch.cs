using TapeAD.Runtime;

namespace TapeAD.Compiler;

// Batch calls of a compiled scalar graph: the rows are cut into fixed blocks spread over the cores.
// Within a block, rows go through the SIMD form of the graph a call's lanes at a time (the last
// call of a batch padded with zero rows whose results are dropped); every lane computes exactly
// what Evaluate computes for its row, so a batch gives Evaluate's bits whatever the neighbours.
public sealed partial class CompiledFunction : IBatchBlocks
{
    /// <summary>Rows per block at least: enough to amortise handing out a block, few enough to balance the cores.</summary>
    private const int MinBlockRows = 32;

    // A whole number of the SIMD form's calls (Width × Groups rows each), so only a batch's last call is partial.
    private int BlockRows => _vector?.Value is { } vector ? (MinBlockRows + vector.Width * vector.Groups - 1) / (vector.Width * vector.Groups) * (vector.Width * vector.Groups) : MinBlockRows;

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

    /// <summary>Independent groups of <see cref="BatchLanes"/> inputs one call of the SIMD form
    /// interleaves (so the core overlaps their dependency chains): by the measured rule four on graphs of
    /// up to 256 live nodes and two on larger ones; 1 when the batch runs row by row.</summary>
    public int BatchGroups => _vector == null ? 1 : _vector.Value?.Groups ?? 1;

    unsafe void IBatchBlocks.RunBlock(in BatchSpan batch, int block)
    {
        int blockRows = BlockRows, start = block * blockRows, end = Math.Min(batch.Rows, start + blockRows);
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

namespace TapeAD.Runtime;

/// <summary>
/// Work a batch call splits into numbered blocks of rows, each writing only its own result rows, so
/// blocks can run on any thread in any order (<see cref="CallShape.RunBatch"/> hands them out).
/// Implemented by each level's compiled query: the scalar graph's SIMD rows and the tensor executor's
/// blocks of inputs × propagated rows.
/// </summary>
public interface IBatchBlocks
{
    /// <summary>Computes block <paramref name="block"/> of <paramref name="batch"/>: which rows a block
    /// holds is the implementation's (fixed by the batch size alone, so the bits do not depend on the threads).</summary>
    void RunBlock(in BatchSpan batch, int block);
}

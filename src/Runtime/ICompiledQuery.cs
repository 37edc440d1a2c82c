namespace TapeAD.Compiler;

/// <summary>
/// A compiled function or derivative query, whichever level computes it: a scalar graph
/// (<c>TapeAD.Compiler.CompiledFunction</c>) or whole layers at once (<c>TapeAD.Layers.TensorQuery</c>).
/// Immutable and thread-safe; calls allocate nothing once warmed up.
/// </summary>
/// <remarks>
/// It lives in <c>TapeAD.Runtime</c>, the floor both levels stand on (with <see cref="Runtime.CallShape"/>,
/// the checks and batch dispatch every implementation shares), and keeps the namespace it has always
/// had, so code that names it compiles unchanged.
/// </remarks>
public interface ICompiledQuery
{
    /// <summary>Number of inputs one call takes.</summary>
    int InputLength { get; }

    /// <summary>Number of results one call writes.</summary>
    int OutputLength { get; }

    /// <summary>Shape of one call's result, row-major (e.g. <c>[m, d, d]</c> for Hessians).</summary>
    IReadOnlyList<int> Shape { get; }

    /// <summary>What the function computes.</summary>
    string Description { get; }

    /// <summary>Evaluates at <paramref name="x"/> into <paramref name="result"/>.</summary>
    /// <exception cref="ArgumentException">When a span does not have <see cref="InputLength"/> or <see cref="OutputLength"/> elements.</exception>
    void Evaluate(ReadOnlySpan<double> x, Span<double> result);

    /// <summary>Evaluates at <paramref name="x"/> into a new array (allocates it; use the span overload in hot loops).</summary>
    /// <exception cref="ArgumentException">When <paramref name="x"/> does not have <see cref="InputLength"/> elements.</exception>
    double[] Evaluate(ReadOnlySpan<double> x)
    {
        var result = new double[OutputLength];
        Evaluate(x, result);
        return result;
    }

    /// <summary>
    /// Evaluates a batch on all cores: input row <c>b</c> is <c>inputs[b*InputLength ..]</c>, its
    /// result row <c>results[b*OutputLength ..]</c>. The rows are split into fixed blocks, so the
    /// results are bit-identical whatever the number of threads.
    /// </summary>
    /// <exception cref="ArgumentException">When <paramref name="inputs"/> is not a whole number of rows, or
    /// <paramref name="results"/> does not hold one result row per input row.</exception>
    void EvaluateBatch(ReadOnlySpan<double> inputs, Span<double> results);

    /// <summary>Like <see cref="EvaluateBatch(ReadOnlySpan{double}, Span{double})"/> on at most
    /// <paramref name="maxThreads"/> threads (the calling thread included); same bits.</summary>
    void EvaluateBatch(ReadOnlySpan<double> inputs, Span<double> results, int maxThreads);
}

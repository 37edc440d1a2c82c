namespace TapeAD.Runtime;

/// <summary>
/// A batch's input and result rows as raw memory, so worker threads can reach them (a span cannot
/// cross threads). Only <see cref="CallShape.RunBatch"/> makes one, after checking the lengths and
/// pinning both spans; it is valid only during that call.
/// </summary>
public readonly unsafe struct BatchSpan
{
    internal BatchSpan(double* inputs, double* results, int rows)
    {
        Inputs = inputs;
        Results = results;
        Rows = rows;
    }

    /// <summary>First input row; row <c>b</c> starts at <c>Inputs + b * InputLength</c>.</summary>
    public double* Inputs { get; }

    /// <summary>First result row; row <c>b</c> starts at <c>Results + b * OutputLength</c>.</summary>
    public double* Results { get; }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }
}

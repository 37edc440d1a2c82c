namespace TapeAD.Compiler;

/// <summary>A per-thread buffer for scratch values too large for the stack. Each thread allocates it
/// once (growing it if a larger function needs more), so hot calls allocate nothing and threads
/// never share a cell. No evaluation calls another, so one buffer per thread suffices.</summary>
internal static class ThreadScratch
{
    [ThreadStatic] private static double[]? _buffer;

    /// <summary>Scratch space that fits on the stack of a call (8 KiB).</summary>
    public const int StackLimit = 1024;

    public static Span<double> Get(int length)
    {
        var buffer = _buffer;
        if (buffer == null || buffer.Length < length) _buffer = buffer = new double[length];
        return buffer.AsSpan(0, length);
    }
}

namespace TapeAD.Compiler;

/// <summary>Runs compiled methods in order; values crossing from one to a later one go through a
/// scratch span that belongs to the call (on its stack when small, else the thread's buffer).</summary>
internal sealed class MethodKernel(GraphMethod[] methods, int scratchLength) : Kernel
{
    public override CompiledBackend Backend => methods.Length == 1 ? CompiledBackend.SingleMethod : CompiledBackend.Chunked;

    public override void Run(ReadOnlySpan<double> x, Span<double> result)
    {
        if (methods.Length == 1)
        {
            methods[0](x, result, default);
            return;
        }
        Span<double> scratch = scratchLength <= ThreadScratch.StackLimit
            ? stackalloc double[scratchLength]
            : ThreadScratch.Get(scratchLength);
        foreach (var method in methods) method(x, result, scratch);
    }
}

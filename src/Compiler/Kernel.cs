namespace TapeAD.Compiler;

/// <summary>Runs a graph on spans whose lengths the caller has already checked.</summary>
internal abstract class Kernel
{
    public abstract CompiledBackend Backend { get; }

    public abstract void Run(ReadOnlySpan<double> x, Span<double> result);
}

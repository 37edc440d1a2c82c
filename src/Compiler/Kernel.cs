namespace TapeAD.Compiler;

/// <summary>Runs a graph on spans whose lengths the caller has already checked.</summary>
internal abstract class Kernel
{
    public abstract CompiledBackend Backend { get; }

    /// <summary>Doubles of working memory a call needs besides its locals.</summary>
    public abstract int ScratchLength { get; }

    public abstract void Run(ReadOnlySpan<double> x, Span<double> result);
}

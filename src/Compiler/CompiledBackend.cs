namespace TapeAD.Compiler;

/// <summary>How a <see cref="CompiledFunction"/> evaluates its graph.</summary>
public enum CompiledBackend
{
    /// <summary>One compiled method holds the whole graph.</summary>
    SingleMethod,
    /// <summary>Several compiled methods run in order, passing values through a per-call scratch span,
    /// so that no method grows past the size at which the JIT stops optimising it.</summary>
    Chunked,
    /// <summary>A loop over a compact instruction array: used for graphs too large to compile in
    /// reasonable time. Gives the same bits as the compiled backends, more slowly.</summary>
    Interpreted,
}

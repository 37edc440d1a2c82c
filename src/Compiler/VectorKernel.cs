namespace TapeAD.Compiler;

/// <summary>
/// A graph compiled for SIMD lanes (<see cref="VectorEmission"/>): one call evaluates <see cref="Width"/>
/// inputs at once, each lane with exactly the bits <see cref="CompiledFunction.Evaluate(ReadOnlySpan{double}, Span{double})"/>
/// gives that input. Values are structure-of-arrays: value <c>i</c> of lane <c>l</c> sits at <c>i * Width + l</c>.
/// </summary>
internal sealed class VectorKernel(GraphMethod[] methods, int width, int scratchLength)
{
    /// <summary>Inputs per call.</summary>
    public int Width { get; } = width;

    /// <summary>Doubles of scratch a call needs (values passed between chunked methods).</summary>
    public int ScratchLength { get; } = scratchLength;

    /// <summary>Compiles <paramref name="plan"/> for the widest accelerated vectors; null when the
    /// hardware accelerates none (the batch then runs row by row).</summary>
    public static (VectorKernel? Kernel, bool UsedSystemCompiler) Compile(UsePlan plan, string description, CompilerOptions options, VectorEmission? lanes)
    {
        if (lanes == null) return (null, false);
        var (methods, scratchLength, usedSystemCompiler) = MethodCompiler.CompileMethods(plan, lanes, description, options);
        return (new VectorKernel(methods, lanes.Width, scratchLength), usedSystemCompiler);
    }

    /// <summary>Runs one group of <see cref="Width"/> inputs; spans hold whole groups (checked by the caller).</summary>
    public void Run(ReadOnlySpan<double> x, Span<double> result, Span<double> scratch)
    {
        foreach (var method in methods) method(x, result, scratch);
    }
}

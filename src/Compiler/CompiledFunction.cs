using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using TapeAD.Tape;

namespace TapeAD.Compiler;

/// <summary>
/// A <see cref="TapeFunction"/> compiled to delegates. Gives the same bits as
/// <see cref="TapeFunction.Evaluate(ReadOnlySpan{double}, Span{double})"/>, allocates nothing per
/// call, and may be called from many threads at once: it is immutable and each call keeps its
/// intermediate values on its own stack or in its own thread's buffer.
/// </summary>
public sealed partial class CompiledFunction : ICompiledQuery
{
    private readonly Kernel _kernel;
    // The SIMD form for batches, compiled by the first batch call (most functions never see one);
    // null when the graph is interpreted.
    private readonly Lazy<IVectorKernel?>? _vector;
    private readonly int _inputLength;
    private readonly int _outputLength;

    private CompiledFunction(TapeFunction source, Kernel kernel, Lazy<IVectorKernel?>? vector, int nodeCount, bool usedSystemCompiler)
    {
        Source = source;
        _kernel = kernel;
        _vector = vector;
        _inputLength = source.InputLength;
        _outputLength = source.OutputLength;
        NodeCount = nodeCount;
        UsedSystemCompiler = usedSystemCompiler;
    }

    /// <summary>The function this was compiled from.</summary>
    public TapeFunction Source { get; }

    /// <summary>Number of inputs a call takes.</summary>
    public int InputLength => Source.InputLength;

    /// <summary>Number of results a call writes.</summary>
    public int OutputLength => Source.OutputLength;

    /// <summary>Shape of the result (row-major), as <see cref="TapeFunction.Shape"/>.</summary>
    public IReadOnlyList<int> Shape => Source.Shape;

    /// <summary>What the function computes.</summary>
    public string Description => Source.Description;

    /// <summary>How the graph is evaluated.</summary>
    public CompiledBackend Backend => _kernel.Backend;

    /// <summary>Doubles of working memory a call uses besides locals: the span passing values between
    /// chunked methods, or the interpreted backend's registers. Both are reused by liveness, so this
    /// follows how many values are live at once, not the graph size. Up to
    /// <see cref="StackScratchLimit"/> live on the caller's stack; more come from a buffer each
    /// thread allocates once.</summary>
    public int ScratchLength => _kernel.ScratchLength;

    /// <summary>The largest <see cref="ScratchLength"/> kept on the caller's stack.</summary>
    public const int StackScratchLimit = ThreadScratch.StackLimit;

    /// <summary>Number of graph nodes evaluated (constants, inputs and computed nodes that are read
    /// or written to a result).</summary>
    public int NodeCount { get; }

    /// <summary>Whether some method had to be compiled by <c>Expression.Compile</c> because
    /// FastExpressionCompiler refused it (only possible when <see cref="CompilerOptions.RequireFastCompiler"/>
    /// is off). Always false for <see cref="CompiledBackend.Interpreted"/>.</summary>
    public bool UsedSystemCompiler { get; }

    /// <summary>Compiles <paramref name="function"/> with the default options.</summary>
    public static CompiledFunction Compile(TapeFunction function) => Compile(function, CompilerOptions.Default);

    /// <summary>Compiles <paramref name="function"/>; where dynamic code is unsupported
    /// (<see cref="RuntimeFeature.IsDynamicCodeSupported"/> false, as under NativeAOT) the result runs on
    /// <see cref="CompiledBackend.Interpreted"/>.</summary>
    /// <exception cref="InvalidOperationException">When FastExpressionCompiler refuses an emitted
    /// method and <see cref="CompilerOptions.RequireFastCompiler"/> is on.</exception>
    public static CompiledFunction Compile(TapeFunction function, CompilerOptions options)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var plan = new UsePlan(function.Graph, function.Outputs);
        // Without dynamic code (NativeAOT, iOS) nothing can be compiled at run time: the instruction
        // loop gives the same bits there; TapeFunction.EmitCSharp gives straight-line code at build time.
        if (!RuntimeFeature.IsDynamicCodeSupported || function.Graph.Count > options.InterpretAboveNodes)
            return new CompiledFunction(function, new InterpretedKernel(plan), null, plan.LiveCount, false);
        var (kernel, usedSystemCompiler) = MethodCompiler.Compile(plan, function.Description, options);
        return new CompiledFunction(function, kernel, LazyVectorKernel(plan, function.Description, options), plan.LiveCount, usedSystemCompiler);
    }

    // The SIMD form is compiled on the first batch call; only reached past the dynamic-code check above.
    [RequiresDynamicCode("Compiles expression trees to IL.")]
    private static Lazy<IVectorKernel?> LazyVectorKernel(UsePlan plan, string description, CompilerOptions options)
    {
        var lanes = options.BatchVectors;
        return new Lazy<IVectorKernel?>(() => VectorKernel.Compile(plan, description, options, lanes));
    }

    /// <summary>Evaluates the function at <paramref name="x"/> into <paramref name="result"/>.</summary>
    /// <exception cref="ArgumentException">When <paramref name="x"/> is not <see cref="InputLength"/>
    /// long or <paramref name="result"/> is not <see cref="OutputLength"/> long; nothing is written.</exception>
    // Fully optimised from the first call: measured, tiering left this tiny hot wrapper at tier 0
    // (about 15 ns a call) while everything it calls had been promoted.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Evaluate(ReadOnlySpan<double> x, Span<double> result)
    {
        if (x.Length != _inputLength || result.Length != _outputLength) Source.CheckLengths(x.Length, result.Length);
        if (x.Overlaps(result))
        {
            // Compiled code reads inputs where they are used and writes results as soon as they are
            // known, so an input that is also a result cell must be copied out first.
            EvaluateCopy(x, result);
            return;
        }
        _kernel.Run(x, result);
    }

    /// <summary>Evaluates the function at <paramref name="x"/> and returns a new array of results.</summary>
    /// <exception cref="ArgumentException">When <paramref name="x"/> is not <see cref="InputLength"/> long.</exception>
    public double[] Evaluate(ReadOnlySpan<double> x)
    {
        var result = new double[OutputLength];
        Evaluate(x, result);
        return result;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Source} ({Backend}, {NodeCount} nodes)";

    private void EvaluateCopy(ReadOnlySpan<double> x, Span<double> result)
    {
        Span<double> copy = x.Length <= ThreadScratch.StackLimit ? stackalloc double[x.Length] : new double[x.Length];
        x.CopyTo(copy);
        _kernel.Run(copy, result);
    }
}

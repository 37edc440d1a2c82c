using TapeAD.Tape;

namespace TapeAD.Compiler;

/// <summary>
/// A <see cref="TapeFunction"/> compiled to delegates. Gives the same bits as
/// <see cref="TapeFunction.Evaluate(ReadOnlySpan{double}, Span{double})"/>, allocates nothing per
/// call, and may be called from many threads at once: it is immutable and each call keeps its
/// intermediate values on its own stack or in its own thread's buffer.
/// </summary>
public sealed class CompiledFunction
{
    private readonly Kernel _kernel;

    private CompiledFunction(TapeFunction source, Kernel kernel, int nodeCount, bool usedSystemCompiler)
    {
        Source = source;
        _kernel = kernel;
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

    /// <summary>Number of graph nodes evaluated (constants, inputs and computed nodes that are read
    /// or written to a result).</summary>
    public int NodeCount { get; }

    /// <summary>Whether some method had to be compiled by <c>Expression.Compile</c> because
    /// FastExpressionCompiler refused it (only possible when <see cref="CompilerOptions.RequireFastCompiler"/>
    /// is off). Always false for <see cref="CompiledBackend.Interpreted"/>.</summary>
    public bool UsedSystemCompiler { get; }

    /// <summary>Compiles <paramref name="function"/> with the default options.</summary>
    public static CompiledFunction Compile(TapeFunction function) => Compile(function, CompilerOptions.Default);

    /// <summary>Compiles <paramref name="function"/>.</summary>
    /// <exception cref="InvalidOperationException">When FastExpressionCompiler refuses an emitted
    /// method and <see cref="CompilerOptions.RequireFastCompiler"/> is on.</exception>
    public static CompiledFunction Compile(TapeFunction function, CompilerOptions options)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var plan = new UsePlan(function.Graph, function.Outputs);
        if (function.Graph.Count > options.InterpretAboveNodes)
            return new CompiledFunction(function, new InterpretedKernel(plan), plan.LiveCount, false);
        var (kernel, usedSystemCompiler) = MethodCompiler.Compile(plan, function.Description, options);
        return new CompiledFunction(function, kernel, plan.LiveCount, usedSystemCompiler);
    }

    /// <summary>Evaluates the function at <paramref name="x"/> into <paramref name="result"/>.</summary>
    /// <exception cref="ArgumentException">When <paramref name="x"/> is not <see cref="InputLength"/>
    /// long or <paramref name="result"/> is not <see cref="OutputLength"/> long; nothing is written.</exception>
    public void Evaluate(ReadOnlySpan<double> x, Span<double> result)
    {
        Source.CheckLengths(x.Length, result.Length);
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

using TapeAD.Runtime;

namespace TapeAD.Tape;

/// <summary>
/// A function recorded on a tape: a graph, the nodes that are its outputs and the number of
/// inputs it reads. Every derivative query returns another <see cref="TapeFunction"/>, which can
/// be evaluated by the interpreter (<see cref="Evaluate(ReadOnlySpan{double}, Span{double})"/>),
/// compiled (<c>TapeAD.Compiler</c>), or differentiated again. Immutable once built.
/// </summary>
public sealed partial class TapeFunction
{
    private readonly int[] _outputs;
    private readonly int[] _shape;

    /// <summary>Wraps a graph. The graph is reduced to what the outputs need, so later changes
    /// to <paramref name="graph"/> do not affect this function.</summary>
    /// <param name="graph">The graph holding the outputs.</param>
    /// <param name="outputs">Output nodes, row-major for <paramref name="shape"/>.</param>
    /// <param name="inputLength">Number of inputs the function reads (at least the graph's input count).</param>
    /// <param name="shape">Shape of the result; its product must equal the number of outputs. Null means a vector.</param>
    /// <param name="description">What the function computes, for messages and listings.</param>
    public TapeFunction(Graph graph, IReadOnlyList<int> outputs, int inputLength, IReadOnlyList<int>? shape = null, string description = "function")
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(outputs);
        if (inputLength < graph.InputCount)
            throw new ArgumentException($"Expected an input length of at least {graph.InputCount} (the graph reads that many inputs), got {inputLength}.", nameof(inputLength));
        _shape = shape?.ToArray() ?? [outputs.Count];
        long size = 1;
        foreach (int s in _shape)
        {
            if (s < 0) throw new ArgumentException($"Expected non-negative dimensions, got shape [{string.Join(", ", _shape)}].", nameof(shape));
            size *= s;
        }
        if (size != outputs.Count)
            throw new ArgumentException($"Expected {size} outputs for shape [{string.Join(", ", _shape)}], got {outputs.Count}.", nameof(outputs));
        _outputs = outputs.ToArray();
        Graph = graph.Extract(_outputs);
        InputLength = inputLength;
        Description = description;
    }

    /// <summary>The graph, reduced to the nodes the outputs need.</summary>
    public Graph Graph { get; }

    /// <summary>The output nodes, row-major for <see cref="Shape"/>.</summary>
    public IReadOnlyList<int> Outputs => _outputs;

    /// <summary>Number of inputs a call takes.</summary>
    public int InputLength { get; }

    /// <summary>Number of results a call writes.</summary>
    public int OutputLength => _outputs.Length;

    /// <summary>Shape of the result, e.g. <c>[m, d, d]</c> for Hessians.</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>What the function computes (e.g. "hessian of seed").</summary>
    public string Description { get; }

    /// <summary>Records a vector function of <paramref name="inputLength"/> inputs.</summary>
    /// <param name="inputLength">Number of inputs.</param>
    /// <param name="body">Computes the outputs from traced inputs.</param>
    /// <param name="description">A name for the function.</param>
    public static TapeFunction Record(int inputLength, Func<Var[], IReadOnlyList<Var>> body, string description = "function")
    {
        ArgumentNullException.ThrowIfNull(body);
        if (inputLength < 0) throw new ArgumentOutOfRangeException(nameof(inputLength), inputLength, "Expected 0 or more inputs.");
        var g = new Graph();
        var x = new Var[inputLength];
        for (int j = 0; j < inputLength; j++) x[j] = new Var(g, g.Input(j));
        var y = body(x) ?? throw new ArgumentException("The function returned null instead of its outputs.", nameof(body));
        var outputs = new int[y.Count];
        for (int i = 0; i < y.Count; i++)
        {
            if (!ReferenceEquals(y[i].Graph, g))
                throw new ArgumentException($"Output {i} was not recorded from this function's inputs.", nameof(body));
            outputs[i] = y[i].Node;
        }
        return new TapeFunction(g, outputs, inputLength, null, description);
    }

    /// <summary>Records a scalar function of <paramref name="inputLength"/> inputs.</summary>
    public static TapeFunction Record(int inputLength, Func<Var[], Var> body, string description = "function")
    {
        ArgumentNullException.ThrowIfNull(body);
        return Record(inputLength, x => new[] { body(x) }, description);
    }

    /// <summary>Evaluates the function with the interpreter (the reference path; allocation-free).</summary>
    /// <exception cref="ArgumentException">When a span's length is not <see cref="InputLength"/> or <see cref="OutputLength"/>.</exception>
    public void Evaluate(ReadOnlySpan<double> x, Span<double> result)
    {
        CheckLengths(x.Length, result.Length);
        Interpreter.Run(Graph, _outputs, x, result);
    }

    /// <summary>Evaluates the function with the interpreter and returns a new array.</summary>
    public double[] Evaluate(ReadOnlySpan<double> x)
    {
        var result = new double[OutputLength];
        Evaluate(x, result);
        return result;
    }

    /// <summary>Throws the library's standard message (<see cref="CallShape.Check"/>) when call spans have the wrong lengths.</summary>
    /// <exception cref="ArgumentException">When <paramref name="inputLength"/> is not <see cref="InputLength"/> or
    /// <paramref name="resultLength"/> is not <see cref="OutputLength"/>.</exception>
    public void CheckLengths(int inputLength, int resultLength) =>
        CallShape.Check(Description, InputLength, OutputLength, inputLength, resultLength);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Description}: {InputLength} inputs -> [{string.Join(", ", _shape)}], {Graph.Count} nodes";
}

using TapeAD.Compiler;
using TapeAD.Tape;

namespace TapeAD.Layers;

/// <summary>The queries a model answers, for choosing and describing how each runs.</summary>
public enum QueryType
{
    /// <summary><c>y = f(x)</c>.</summary>
    Value,
    /// <summary>The gradient of one output.</summary>
    Gradient,
    /// <summary><c>∂y_i/∂x_j</c>.</summary>
    Jacobian,
    /// <summary>Every output's Hessian.</summary>
    Hessian,
    /// <summary><c>H_i v</c> for every output, or for one.</summary>
    HessianVectorProduct,
    /// <summary><c>∂²y_i/∂x_j²</c>.</summary>
    SecondOrderJacobian,
    /// <summary><c>Σ_j ∂²y_i/∂x_j²</c>.</summary>
    Laplacian,
}

/// <summary>How a query runs: the level, the mode, the rows it propagates and the work per row (see <see cref="CostModel"/>).</summary>
/// <param name="Query">The query.</param>
/// <param name="ScalarGraph">True for straight-line scalar code, false for the tensor executor.</param>
/// <param name="Mode">The mode, e.g. <c>Reverse</c> or <c>ForwardOverForward</c> (<c>-</c> where there is one way).</param>
/// <param name="ForwardRows">Rows per input propagated forward at the tensor level.</param>
/// <param name="ReverseRows">Rows per input sent back at the tensor level.</param>
/// <param name="WorkPerRow">Multiply-adds and elementwise entries of one row through the model.</param>
public sealed record QueryChoice(QueryType Query, bool ScalarGraph, string Mode, int ForwardRows, int ReverseRows, long WorkPerRow);

/// <summary>
/// A model as a tensor graph: a function of <see cref="InputLength"/> inputs to the concatenated
/// entries of its output nodes. Every model records into this form — a <see cref="Nn.Chain"/>
/// (<see cref="ChainCompilation.ToTensorFunction"/>), an ONNX file, or your own function
/// (<see cref="Record"/>) — and every query is answered from it: by the tensor executor
/// (<see cref="TensorQuery"/>, for wide layers and batches) or by the scalar graph it expands to
/// (<see cref="ToScalarFunction"/>, straight-line code for small models). The <c>Compile…</c>
/// methods choose the level and the mode by the one <see cref="CostModel"/>. Immutable.
/// </summary>
public sealed class TensorFunction
{
    private readonly int[] _outputs;
    private readonly Lazy<TapeFunction> _scalar;
    // The nodes the executor runs (constants are read in place): the cost model's steps.
    private readonly int _computedNodes;

    /// <summary>Wraps output nodes of a graph.</summary>
    /// <param name="graph">The graph (later additions to it do not change this function).</param>
    /// <param name="outputs">The output nodes; the function's outputs are their entries, one node after another.</param>
    /// <param name="inputLength">Inputs a call takes, at least the graph's <see cref="TensorGraph.InputLength"/>.</param>
    /// <param name="description">The model's name.</param>
    public TensorFunction(TensorGraph graph, IReadOnlyList<int> outputs, int inputLength, string description = "function")
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(description);
        if (inputLength < graph.InputLength)
            throw new ArgumentException($"Expected an input length of at least {graph.InputLength} (the graph reads that many inputs), got {inputLength}.", nameof(inputLength));
        long m = 0;
        foreach (int o in outputs) m += graph[o].Width;
        if (m > int.MaxValue) throw new ArgumentException($"The outputs hold {m} entries, more than an array can.", nameof(outputs));
        Graph = graph;
        _outputs = [.. outputs];
        InputLength = inputLength;
        OutputLength = (int)m;
        Description = description;
        // The cost model's figures, in one pass over the live nodes.
        var live = ScalarExpansion.Live(graph, _outputs);
        for (int n = 0; n < graph.Count; n++)
        {
            if (!live[n]) continue;
            NodeCount++;
            if (graph[n].Op != TensorOp.Constant) _computedNodes++;
            WorkPerRow += Work(graph[n]);
            CurvatureEntries += CurvatureWork(graph, graph[n]);
        }
        _scalar = new(() => ScalarExpansion.Expand(Graph, _outputs, InputLength, Description));
    }

    /// <summary>Records a function of <paramref name="inputLength"/> inputs with vector operations.</summary>
    /// <param name="inputLength">Number of inputs, at least 1.</param>
    /// <param name="body">Computes the outputs from the input vector.</param>
    /// <param name="description">The model's name.</param>
    public static TensorFunction Record(int inputLength, Func<TensorVar, IReadOnlyList<TensorVar>> body, string description = "function")
    {
        ArgumentNullException.ThrowIfNull(body);
        var graph = new TensorGraph();
        var x = new TensorVar(graph, graph.Input(0, inputLength));
        var y = body(x) ?? throw new ArgumentException("The function returned null instead of its outputs.", nameof(body));
        if (y.Any(v => !ReferenceEquals(v.Graph, graph)))
            throw new ArgumentException("Every output must be recorded from this function's input.", nameof(body));
        return new TensorFunction(graph, [.. y.Select(v => v.Id)], inputLength, description);
    }

    /// <summary>The graph.</summary>
    public TensorGraph Graph { get; }

    /// <summary>The output nodes.</summary>
    public IReadOnlyList<int> Outputs => _outputs;

    /// <summary>Inputs a call takes.</summary>
    public int InputLength { get; }

    /// <summary>Outputs a call gives: the output nodes' widths summed.</summary>
    public int OutputLength { get; }

    /// <summary>The model's name.</summary>
    public string Description { get; }

    /// <summary>Number of graph nodes the outputs depend on.</summary>
    public int NodeCount { get; }

    /// <summary>Multiply-adds and elementwise entries one row costs through the model (the <see cref="CostModel"/>'s unit).</summary>
    public long WorkPerRow { get; }

    /// <summary>Entries of the nonlinear steps — maps, and products and quotients of two computed vectors
    /// (counted twice: two outer products each) — the unit of the curvature modes' own work
    /// (<see cref="SecondOrderMode.Curvature"/>, <see cref="CostModel"/>).</summary>
    public long CurvatureEntries { get; }

    /// <summary>The same function as a scalar graph, every node expanded entry by entry (built once, on first use).</summary>
    public TapeFunction ToScalarFunction() => _scalar.Value;

    /// <summary>The value at the tensor level: shape <c>[m]</c>.</summary>
    public TensorQuery Value() => new(this, QueryKind.Value, -1, Description);

    /// <summary>The Jacobian <c>∂y_i/∂x_j</c> at the tensor level: shape <c>[m, d]</c>; Auto propagates the fewer rows.</summary>
    public TensorQuery Jacobian(FirstOrderMode mode = FirstOrderMode.Auto)
    {
        if (mode == FirstOrderMode.Auto) mode = CostModel.TensorJacobian(InputLength, OutputLength);
        return mode switch
        {
            FirstOrderMode.Forward => new(this, QueryKind.JacobianForward, -1, $"jacobian (Forward) of {Description}"),
            FirstOrderMode.Reverse => new(this, QueryKind.JacobianReverse, -1, $"jacobian (Reverse) of {Description}"),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown first-order mode."),
        };
    }

    /// <summary>The gradient of output <paramref name="outputIndex"/> at the tensor level: shape <c>[d]</c>, one adjoint row back (or d tangent rows forward).</summary>
    public TensorQuery Gradient(int outputIndex = 0, FirstOrderMode mode = FirstOrderMode.Auto)
    {
        CheckOutput(outputIndex);
        if (mode == FirstOrderMode.Auto) mode = CostModel.TensorGradient(InputLength);
        return mode switch
        {
            FirstOrderMode.Forward => new(this, QueryKind.JacobianForward, outputIndex, $"gradient (Forward) of output {outputIndex} of {Description}"),
            FirstOrderMode.Reverse => new(this, QueryKind.JacobianReverse, outputIndex, $"gradient (Reverse) of output {outputIndex} of {Description}"),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown first-order mode."),
        };
    }

    /// <summary>Every output's Hessian at the tensor level: shape <c>[m, d, d]</c>. Forward-over-forward,
    /// forward-over-reverse or <see cref="SecondOrderMode.Curvature"/>; Auto picks the least work by the
    /// <see cref="CostModel"/>; the reverse-over modes are not offered at this level.</summary>
    public TensorQuery Hessian(SecondOrderMode mode = SecondOrderMode.Auto)
    {
        if (mode == SecondOrderMode.Auto) mode = CostModel.TensorHessian(InputLength, OutputLength, WorkPerRow, CurvatureEntries);
        return mode switch
        {
            SecondOrderMode.ForwardOverForward => new(this, QueryKind.HessianForward, -1, $"hessian (ForwardOverForward) of {Description}"),
            SecondOrderMode.ForwardOverReverse => new(this, QueryKind.HessianReverse, -1, $"hessian (ForwardOverReverse) of {Description}"),
            SecondOrderMode.Curvature => new(this, QueryKind.HessianCurvature, -1, $"hessian (Curvature) of {Description}"),
            _ => throw Unsupported(mode),
        };
    }

    /// <summary>Every output's Hessian-vector product at the tensor level: shape <c>[m, d]</c>; a call takes
    /// <c>x</c> then <c>v</c> (2d numbers).</summary>
    public TensorQuery HessianVectorProduct(SecondOrderMode mode = SecondOrderMode.Auto) => Hvp(-1, mode);

    /// <summary>The Hessian-vector product of output <paramref name="outputIndex"/> at the tensor level: shape <c>[d]</c>;
    /// forward-over-reverse sends one adjoint row and its tangent back.</summary>
    public TensorQuery HessianVectorProduct(int outputIndex, SecondOrderMode mode = SecondOrderMode.Auto)
    {
        CheckOutput(outputIndex);
        return Hvp(outputIndex, mode);
    }

    /// <summary>The second-order Jacobian <c>∂²y_i/∂x_j²</c> at the tensor level: shape <c>[m, d]</c>. Forward
    /// (<see cref="SecondOrderMode.ForwardOverForward"/>: <c>1 + 2d</c> rows) or <see cref="SecondOrderMode.Curvature"/>
    /// (<c>1 + d</c> rows forward, one back per output); Auto picks the least work by the <see cref="CostModel"/>.</summary>
    public TensorQuery SecondOrderJacobian(SecondOrderMode mode = SecondOrderMode.Auto)
    {
        if (mode == SecondOrderMode.Auto) mode = CostModel.TensorSecondOrderJacobian(InputLength, OutputLength, WorkPerRow, CurvatureEntries);
        return mode switch
        {
            SecondOrderMode.ForwardOverForward => new(this, QueryKind.SecondOrderJacobian, -1, $"second-order jacobian (ForwardOverForward) of {Description}"),
            SecondOrderMode.Curvature => new(this, QueryKind.SecondOrderJacobianCurvature, -1, $"second-order jacobian (Curvature) of {Description}"),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "The second-order Jacobian at the tensor level offers Auto, ForwardOverForward and Curvature."),
        };
    }

    /// <summary>The Laplacian at the tensor level: shape <c>[m]</c>, by the forward Laplacian (<c>d + 2</c> rows).</summary>
    public TensorQuery Laplacian() => new(this, QueryKind.Laplacian, -1, $"laplacian of {Description}");

    /// <summary>How <see cref="Compile"/> runs a query: level, mode and rows, from the <see cref="CostModel"/>.</summary>
    /// <param name="query">The query.</param>
    /// <param name="outputIndex">The output, for <see cref="QueryType.Gradient"/> (required) and a one-output Hessian-vector product.</param>
    public QueryChoice Choose(QueryType query, int? outputIndex = null)
    {
        int d = InputLength, m = OutputLength, seeded = outputIndex == null ? m : 1;
        if (outputIndex is int k) CheckOutput(k);
        else if (query == QueryType.Gradient) throw new ArgumentException("A gradient needs an output index.", nameof(outputIndex));
        if (outputIndex != null && query is not (QueryType.Gradient or QueryType.HessianVectorProduct))
            throw new ArgumentException($"An output index applies to the gradient and the Hessian-vector product, not to {query}.", nameof(outputIndex));
        var (mode, kind) = query switch
        {
            QueryType.Value => ("-", QueryKind.Value),
            QueryType.Gradient => CostModel.TensorGradient(d) == FirstOrderMode.Forward ? ("Forward", QueryKind.JacobianForward) : ("Reverse", QueryKind.JacobianReverse),
            QueryType.Jacobian => CostModel.TensorJacobian(d, m) == FirstOrderMode.Forward ? ("Forward", QueryKind.JacobianForward) : ("Reverse", QueryKind.JacobianReverse),
            QueryType.Hessian => CostModel.TensorHessian(d, m, WorkPerRow, CurvatureEntries) switch
            {
                SecondOrderMode.ForwardOverForward => ("ForwardOverForward", QueryKind.HessianForward),
                SecondOrderMode.ForwardOverReverse => ("ForwardOverReverse", QueryKind.HessianReverse),
                _ => ("Curvature", QueryKind.HessianCurvature),
            },
            QueryType.HessianVectorProduct => CostModel.TensorHessianVectorProduct(d, seeded) == SecondOrderMode.ForwardOverForward
                ? ("ForwardOverForward", QueryKind.HvpForward) : ("ForwardOverReverse", QueryKind.HvpReverse),
            QueryType.SecondOrderJacobian => CostModel.TensorSecondOrderJacobian(d, m, WorkPerRow, CurvatureEntries) == SecondOrderMode.Curvature
                ? ("Curvature", QueryKind.SecondOrderJacobianCurvature) : ("ForwardOverForward", QueryKind.SecondOrderJacobian),
            QueryType.Laplacian => ("-", QueryKind.Laplacian),
            _ => throw new ArgumentOutOfRangeException(nameof(query), query, null),
        };
        var (forward, reverse) = kind.Rows(d, seeded);
        return new QueryChoice(query, CostModel.PrefersScalarGraph(WorkPerRow, forward + reverse, _computedNodes), mode, forward, reverse, WorkPerRow);
    }

    /// <summary>Compiles a query at the level and in the mode <see cref="Choose"/> gives: straight-line code
    /// for small models (the scalar graph is expanded only then), the tensor executor otherwise.</summary>
    public ICompiledQuery Compile(QueryType query, int? outputIndex = null)
    {
        var choice = Choose(query, outputIndex);
        if (choice.ScalarGraph)
        {
            return ScalarQuery(ToScalarFunction(), query, outputIndex).Compile();
        }
        return query switch
        {
            QueryType.Value => Value(),
            QueryType.Gradient => Gradient(outputIndex!.Value),
            QueryType.Jacobian => Jacobian(),
            QueryType.Hessian => Hessian(),
            QueryType.HessianVectorProduct => outputIndex is int k ? HessianVectorProduct(k) : HessianVectorProduct(),
            QueryType.SecondOrderJacobian => SecondOrderJacobian(),
            _ => Laplacian(),
        };
    }

    /// <summary>Query <paramref name="query"/> of a scalar graph, in its default (Auto) mode; <paramref name="outputIndex"/>
    /// is required for a gradient and picks one output's Hessian-vector product.</summary>
    public static TapeFunction ScalarQuery(TapeFunction f, QueryType query, int? outputIndex = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        return query switch
        {
            QueryType.Value => f,
            QueryType.Gradient => f.Gradient(outputIndex ?? throw new ArgumentException("A gradient needs an output index.", nameof(outputIndex))),
            QueryType.Jacobian => f.Jacobian(),
            QueryType.Hessian => f.Hessian(),
            QueryType.HessianVectorProduct => outputIndex is int k ? f.HessianVectorProduct(k) : f.HessianVectorProduct(),
            QueryType.SecondOrderJacobian => f.SecondOrderJacobian(),
            QueryType.Laplacian => f.Laplacian(),
            _ => throw new ArgumentOutOfRangeException(nameof(query), query, null),
        };
    }

    /// <summary>The compiled value, at the cheaper level.</summary>
    public ICompiledQuery CompileValue() => Compile(QueryType.Value);

    /// <summary>The compiled gradient of output <paramref name="outputIndex"/>, shape <c>[d]</c>, at the cheaper level.</summary>
    public ICompiledQuery CompileGradient(int outputIndex = 0) => Compile(QueryType.Gradient, outputIndex);

    /// <summary>The compiled Jacobian, shape <c>[m, d]</c>, at the cheaper level.</summary>
    public ICompiledQuery CompileJacobian() => Compile(QueryType.Jacobian);

    /// <summary>The compiled Hessian of every output, shape <c>[m, d, d]</c>, at the cheaper level.</summary>
    public ICompiledQuery CompileHessian() => Compile(QueryType.Hessian);

    /// <summary>The compiled Hessian-vector product of every output, shape <c>[m, d]</c>; inputs are <c>x</c> then <c>v</c>.</summary>
    public ICompiledQuery CompileHessianVectorProduct() => Compile(QueryType.HessianVectorProduct);

    /// <summary>The compiled Hessian-vector product of output <paramref name="outputIndex"/>, shape <c>[d]</c>; inputs are <c>x</c> then <c>v</c>.</summary>
    public ICompiledQuery CompileHessianVectorProduct(int outputIndex) => Compile(QueryType.HessianVectorProduct, outputIndex);

    /// <summary>The compiled second-order Jacobian, shape <c>[m, d]</c>, at the cheaper level.</summary>
    public ICompiledQuery CompileSecondOrderJacobian() => Compile(QueryType.SecondOrderJacobian);

    /// <summary>The compiled Laplacian, shape <c>[m]</c>, at the cheaper level.</summary>
    public ICompiledQuery CompileLaplacian() => Compile(QueryType.Laplacian);

    /// <summary>The live nodes by kind, with their widths: what <c>tapead inspect</c> shows.</summary>
    public string DescribeGraph()
    {
        var live = ScalarExpansion.Live(Graph, _outputs);
        var lines = Enumerable.Range(0, Graph.Count).Where(n => live[n]).Select(n => $"  %{n} = {Graph[n]}");
        return $"tensor graph: {NodeCount} nodes, {WorkPerRow} multiply-adds and entries per row{Environment.NewLine}{string.Join(Environment.NewLine, lines)}";
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Description}: {InputLength} inputs -> {OutputLength} outputs, {Graph.Count} tensor nodes";

    private TensorQuery Hvp(int outputIndex, SecondOrderMode mode)
    {
        if (mode == SecondOrderMode.Auto) mode = CostModel.TensorHessianVectorProduct(InputLength, outputIndex < 0 ? OutputLength : 1);
        string of = outputIndex < 0 ? Description : $"output {outputIndex} of {Description}";
        return mode switch
        {
            SecondOrderMode.ForwardOverForward => new(this, QueryKind.HvpForward, outputIndex, $"hvp (ForwardOverForward) of {of}"),
            SecondOrderMode.ForwardOverReverse => new(this, QueryKind.HvpReverse, outputIndex, $"hvp (ForwardOverReverse) of {of}"),
            _ => throw Unsupported(mode),
        };
    }

    private void CheckOutput(int outputIndex)
    {
        if ((uint)outputIndex >= (uint)OutputLength)
            throw new ArgumentOutOfRangeException(nameof(outputIndex), outputIndex,
                $"{Description} has {OutputLength} outputs; expected an output index from 0 to {OutputLength - 1}.");
    }

    // The cost model's unit: a product's multiply-adds, an elementwise step's entries; copies are free.
    private static long Work(TensorNode node) => node.Payload switch
    {
        Matrix m => (long)node.Width * m.Inputs,
        ElementMap or null when node.Op != TensorOp.Concat => node.Width,
        SumSegment s => (long)node.Width * s.Length,
        _ => 0,
    };

    // A nonlinear step's entries, the curvature modes' unit: a map's; a product's or a quotient's of computed
    // vectors twice (two outer products); nothing for linear steps.
    private static long CurvatureWork(TensorGraph graph, TensorNode node) => node.Op switch
    {
        TensorOp.Map => node.Width,
        TensorOp.Mul when node.Operands.All(o => graph[o].Op != TensorOp.Constant) => 2L * node.Width,
        TensorOp.Div when graph[node.Operands[1]].Op != TensorOp.Constant => 2L * node.Width,
        _ => 0,
    };

    private static ArgumentOutOfRangeException Unsupported(SecondOrderMode mode) =>
        new(nameof(mode), mode, "The tensor level offers Auto, ForwardOverForward, ForwardOverReverse and (for Hessians) Curvature.");
}

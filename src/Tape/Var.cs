namespace TapeAD.Tape;

/// <summary>
/// A traced value: a node of a <see cref="Graph"/> being recorded. Arithmetic on <see cref="Var"/>
/// appends nodes to the graph; <see cref="VarMath"/> has the math functions.
/// </summary>
public readonly struct Var
{
    /// <summary>Wraps node <paramref name="node"/> of <paramref name="graph"/>.</summary>
    public Var(Graph graph, int node)
    {
        ArgumentNullException.ThrowIfNull(graph);
        graph.CheckNode(node, nameof(node));
        Graph = graph;
        Node = node;
    }

    /// <summary>The graph this value is recorded on.</summary>
    public Graph Graph { get; }

    /// <summary>The node index in <see cref="Graph"/>.</summary>
    public int Node { get; }

    /// <summary>A constant on the same graph as this value.</summary>
    public Var Const(double value) => new(Graph, Graph.Constant(value));

    /// <summary>Records <c>a + b</c>.</summary>
    public static Var operator +(Var a, Var b) => Binary(Op.Add, a, b);
    /// <summary>Records <c>a - b</c>.</summary>
    public static Var operator -(Var a, Var b) => Binary(Op.Sub, a, b);
    /// <summary>Records <c>a * b</c>.</summary>
    public static Var operator *(Var a, Var b) => Binary(Op.Mul, a, b);
    /// <summary>Records <c>a / b</c>.</summary>
    public static Var operator /(Var a, Var b) => Binary(Op.Div, a, b);
    /// <summary>Records <c>-a</c>.</summary>
    public static Var operator -(Var a) => a.With(a.Graph.Neg(a.Node));

    /// <summary>Records <c>a + b</c> for a constant <paramref name="b"/>.</summary>
    public static Var operator +(Var a, double b) => a + a.Const(b);
    /// <summary>Records <c>a + b</c> for a constant <paramref name="a"/>.</summary>
    public static Var operator +(double a, Var b) => b.Const(a) + b;
    /// <summary>Records <c>a - b</c> for a constant <paramref name="b"/>.</summary>
    public static Var operator -(Var a, double b) => a - a.Const(b);
    /// <summary>Records <c>a - b</c> for a constant <paramref name="a"/>.</summary>
    public static Var operator -(double a, Var b) => b.Const(a) - b;
    /// <summary>Records <c>a * b</c> for a constant <paramref name="b"/>.</summary>
    public static Var operator *(Var a, double b) => a * a.Const(b);
    /// <summary>Records <c>a * b</c> for a constant <paramref name="a"/>.</summary>
    public static Var operator *(double a, Var b) => b.Const(a) * b;
    /// <summary>Records <c>a / b</c> for a constant <paramref name="b"/>.</summary>
    public static Var operator /(Var a, double b) => a / a.Const(b);
    /// <summary>Records <c>a / b</c> for a constant <paramref name="a"/>.</summary>
    public static Var operator /(double a, Var b) => b.Const(a) / b;

    internal Var With(int node) => new(Graph, node);

    internal static Var Binary(Op op, Var a, Var b)
    {
        SameGraph(a, b);
        return a.With(a.Graph.Apply(op, a.Node, b.Node));
    }

    internal static void SameGraph(Var a, Var b)
    {
        if (a.Graph == null || b.Graph == null)
            throw new ArgumentException("A Var must come from a graph (default(Var) is not a value).");
        if (!ReferenceEquals(a.Graph, b.Graph))
            throw new ArgumentException("Both operands must be recorded on the same graph.");
    }

    /// <inheritdoc/>
    public override string ToString() => $"%{Node}";
}

using TapeAD.Tape;

namespace TapeAD.Layers;

/// <summary>
/// A traced vector: a node of a <see cref="TensorGraph"/> being recorded (see <see cref="TensorFunction.Record"/>).
/// Arithmetic is entry by entry; a number stands for a vector of that number.
/// </summary>
public readonly struct TensorVar
{
    /// <summary>Wraps node <paramref name="id"/> of <paramref name="graph"/>.</summary>
    public TensorVar(TensorGraph graph, int id)
    {
        ArgumentNullException.ThrowIfNull(graph);
        Width = graph[id].Width;
        Graph = graph;
        Id = id;
    }

    /// <summary>The graph this vector is recorded on.</summary>
    public TensorGraph Graph { get; }

    /// <summary>The node.</summary>
    public int Id { get; }

    /// <summary>Number of entries.</summary>
    public int Width { get; }

    /// <summary>Entries <c>start .. start + length - 1</c>.</summary>
    public TensorVar Slice(int start, int length)
    {
        if (start < 0 || length < 1 || (long)start + length > Width)
            throw new ArgumentOutOfRangeException(nameof(length), length, $"Expected a slice within the {Width} entries, got start {start}, length {length}.");
        return Take([.. Enumerable.Range(start, length)]);
    }

    /// <summary>Entry <paramref name="i"/>, as a vector of one.</summary>
    public TensorVar this[int i] => Slice(i, 1);

    /// <summary><c>y_i = this[indices_i]</c>.</summary>
    public TensorVar Take(int[] indices) => new(Graph, Graph.Take(Id, indices));

    /// <summary>The sum of the entries, as a vector of one.</summary>
    public TensorVar Sum() => new(Graph, Graph.Sum(Id, Width));

    /// <summary>This one-entry vector repeated <paramref name="width"/> times.</summary>
    public TensorVar Broadcast(int width)
    {
        if (Width != 1) throw new InvalidOperationException($"Only a one-entry vector broadcasts; this one has {Width}.");
        return Take(new int[width]);
    }

    /// <summary><c>W x</c> for a constant row-major <paramref name="outputs"/> × <see cref="Width"/> matrix.</summary>
    public TensorVar MatMul(ReadOnlySpan<double> weights, int outputs) => new(Graph, Graph.MatMul(Id, weights, outputs, Width));

    /// <summary><c>f(x)</c> entry by entry.</summary>
    public TensorVar Map(ElementMap f) => new(Graph, Graph.Map(Id, f));

    /// <summary>Several vectors one after another.</summary>
    public static TensorVar Concat(params TensorVar[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Length == 0) throw new ArgumentException("Concat needs at least one vector.", nameof(parts));
        var graph = parts[0].Graph;
        if (parts.Any(p => !ReferenceEquals(p.Graph, graph))) throw new ArgumentException("The vectors belong to different graphs.", nameof(parts));
        return new(graph, graph.Concat([.. parts.Select(p => p.Id)]));
    }

    /// <summary>A constant vector on this vector's graph.</summary>
    public TensorVar Const(ReadOnlySpan<double> values) => new(Graph, Graph.Constant(values));

    /// <summary>Entry-wise <c>a + b</c>.</summary>
    public static TensorVar operator +(TensorVar a, TensorVar b) => Binary(TensorOp.Add, a, b);
    /// <summary>Entry-wise <c>a - b</c>.</summary>
    public static TensorVar operator -(TensorVar a, TensorVar b) => Binary(TensorOp.Sub, a, b);
    /// <summary>Entry-wise <c>a · b</c>.</summary>
    public static TensorVar operator *(TensorVar a, TensorVar b) => Binary(TensorOp.Mul, a, b);
    /// <summary>Entry-wise <c>a / b</c>.</summary>
    public static TensorVar operator /(TensorVar a, TensorVar b) => Binary(TensorOp.Div, a, b);
    /// <summary>Entry-wise <c>-a</c>.</summary>
    public static TensorVar operator -(TensorVar a) => a.Map(TensorMath.NegMap);
    /// <summary><c>a + b</c> for a number b.</summary>
    public static TensorVar operator +(TensorVar a, double b) => a + a.Uniform(b);
    /// <summary><c>a + b</c> for a number a.</summary>
    public static TensorVar operator +(double a, TensorVar b) => b.Uniform(a) + b;
    /// <summary><c>a - b</c> for a number b.</summary>
    public static TensorVar operator -(TensorVar a, double b) => a - a.Uniform(b);
    /// <summary><c>a - b</c> for a number a.</summary>
    public static TensorVar operator -(double a, TensorVar b) => b.Uniform(a) - b;
    /// <summary><c>a · b</c> for a number b.</summary>
    public static TensorVar operator *(TensorVar a, double b) => a * a.Uniform(b);
    /// <summary><c>a · b</c> for a number a.</summary>
    public static TensorVar operator *(double a, TensorVar b) => b.Uniform(a) * b;
    /// <summary><c>a / b</c> for a number b.</summary>
    public static TensorVar operator /(TensorVar a, double b) => a / a.Uniform(b);
    /// <summary><c>a / b</c> for a number a.</summary>
    public static TensorVar operator /(double a, TensorVar b) => b.Uniform(a) / b;

    private TensorVar Uniform(double v)
    {
        var values = new double[Width];
        Array.Fill(values, v);
        return Const(values);
    }

    private static TensorVar Binary(TensorOp op, TensorVar a, TensorVar b)
    {
        if (!ReferenceEquals(a.Graph, b.Graph)) throw new ArgumentException("The vectors belong to different graphs.", nameof(b));
        // A one-entry operand broadcasts, as in numpy.
        if (a.Width == 1 && b.Width > 1) a = a.Broadcast(b.Width);
        if (b.Width == 1 && a.Width > 1) b = b.Broadcast(a.Width);
        return new(a.Graph, a.Graph.Binary(op, a.Id, b.Id));
    }

    /// <inheritdoc/>
    public override string ToString() => $"%{Id}: {Width} entries";
}

/// <summary>Elementwise functions of <see cref="TensorVar"/>s: each is an <see cref="ElementMap"/> of the <see cref="VarMath"/> function.</summary>
public static class TensorMath
{
    internal static readonly ElementMap NegMap = new("neg", x => -x);
    private static readonly ElementMap ExpMap = new("exp", VarMath.Exp);
    private static readonly ElementMap LogMap = new("log", VarMath.Log);
    private static readonly ElementMap SqrtMap = new("sqrt", VarMath.Sqrt);
    private static readonly ElementMap TanhMap = new("tanh", VarMath.Tanh);
    private static readonly ElementMap SigmoidMap = new("sigmoid", VarMath.Sigmoid);
    private static readonly ElementMap SoftplusMap = new("softplus", VarMath.Softplus);
    private static readonly ElementMap SinMap = new("sin", VarMath.Sin);
    private static readonly ElementMap CosMap = new("cos", VarMath.Cos);
    private static readonly ElementMap ReluMap = new("relu", VarMath.Relu);

    /// <summary>exp.</summary>
    public static TensorVar Exp(TensorVar x) => x.Map(ExpMap);
    /// <summary>Natural log.</summary>
    public static TensorVar Log(TensorVar x) => x.Map(LogMap);
    /// <summary>Square root.</summary>
    public static TensorVar Sqrt(TensorVar x) => x.Map(SqrtMap);
    /// <summary>tanh.</summary>
    public static TensorVar Tanh(TensorVar x) => x.Map(TanhMap);
    /// <summary>The logistic sigmoid.</summary>
    public static TensorVar Sigmoid(TensorVar x) => x.Map(SigmoidMap);
    /// <summary>softplus.</summary>
    public static TensorVar Softplus(TensorVar x) => x.Map(SoftplusMap);
    /// <summary>sin.</summary>
    public static TensorVar Sin(TensorVar x) => x.Map(SinMap);
    /// <summary>cos.</summary>
    public static TensorVar Cos(TensorVar x) => x.Map(CosMap);
    /// <summary>relu, with relu′(0) = 0.</summary>
    public static TensorVar Relu(TensorVar x) => x.Map(ReluMap);
    /// <summary><c>x^k</c> for a constant k.</summary>
    public static TensorVar Pow(TensorVar x, double k) =>
        x.Map(new($"pow({k.ToString("R", System.Globalization.CultureInfo.InvariantCulture)})", v => VarMath.Pow(v, k)));

    /// <summary>A dense layer <c>σ(W x + b)</c>: row-major <c>b.Length</c> × <c>x.Width</c> weights; σ null for none.</summary>
    public static TensorVar Dense(TensorVar x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, ElementMap? activation = null)
    {
        var u = x.MatMul(weights, bias.Length) + x.Const(bias);
        return activation == null ? u : u.Map(activation);
    }
}

using System.Collections.Concurrent;
using TapeAD.Compiler;
using TapeAD.Tape;

namespace TapeAD.Layers;

/// <summary>
/// A scalar function applied to every entry of a vector (an activation, a unary ONNX operator, or
/// several elementwise steps fused): recorded with <see cref="VarMath"/>, so the one derivative rule
/// per primitive in <see cref="Primitives"/> gives σ′ and σ″, and the scalar graph of a model records
/// exactly these operations per entry.
/// </summary>
public sealed class ElementMap
{
    private static readonly ConcurrentDictionary<(string, int), MapProgram> Programs = new();
    private readonly Func<Var, Var> _record;
    // Recorded once, on first use: every insert of the map asks.
    private bool? _isIdentity;

    /// <summary>A map named <paramref name="key"/> (which identifies it: two maps with one key must be the same function).</summary>
    /// <param name="key">A name that identifies the function, e.g. <c>tanh</c> or <c>leaky_relu(0.2)</c>.</param>
    /// <param name="record">Records the function of one traced value.</param>
    public ElementMap(string key, Func<Var, Var> record) : this(key, record, 1) { }

    private ElementMap(string key, Func<Var, Var> record, int depth)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentNullException.ThrowIfNull(record);
        Key = key;
        _record = record;
        Depth = depth;
    }

    /// <summary>How many maps were fused into this one. Recording nests one call per fused map, so
    /// <see cref="TensorGraph"/> stops fusing at <see cref="MaxDepth"/>: a chain of a million elementwise
    /// steps stays a chain of nodes instead of one map whose recording would overflow the stack.</summary>
    public int Depth { get; }

    /// <summary>The most maps fused into one.</summary>
    public const int MaxDepth = 32;

    /// <summary>The name that identifies the function.</summary>
    public string Key { get; }

    /// <summary>Records the function of <paramref name="x"/>.</summary>
    public Var Record(Var x) => _record(x);

    /// <summary>Whether f(x) = x, so the map can be left out.</summary>
    public bool IsIdentity => _isIdentity ??= RecordsItsInput();

    private bool RecordsItsInput()
    {
        var g = new Graph();
        var x = new Var(g, g.Input(0));
        return Record(x).Node == x.Node;
    }

    /// <summary>The function's value at a constant (recorded on a scratch graph, folded by the simplifier;
    /// evaluated by the interpreter when a rule leaves it unfolded).</summary>
    public double Evaluate(double x)
    {
        var g = new Graph();
        var y = Record(new Var(g, g.Constant(x)));
        return new TapeFunction(g, [y.Node], 0).Evaluate([])[0];
    }

    /// <summary><c>op(f(x), g(x))</c> of two maps of the same operand.</summary>
    public static ElementMap Combine(TensorOp op, ElementMap f, ElementMap g) =>
        new($"{Name(op)}({f.Key}, {g.Key})", x => Binary(op, f.Record(x), g.Record(x)), f.Depth + g.Depth + 1);

    /// <summary><c>f(g(x))</c>.</summary>
    public static ElementMap Compose(ElementMap f, ElementMap g) =>
        new($"{f.Key}∘{g.Key}", x => f.Record(g.Record(x)), f.Depth + g.Depth);

    /// <summary><c>op(f(x), c)</c>, or <c>op(c, f(x))</c> when <paramref name="constantFirst"/>.</summary>
    public static ElementMap WithConstant(TensorOp op, ElementMap f, double c, bool constantFirst)
    {
        string k = c.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        return constantFirst
            ? new($"{Name(op)}({k}, {f.Key})", x => Binary(op, x.Const(c), f.Record(x)), f.Depth + 1)
            : new($"{Name(op)}({f.Key}, {k})", x => Binary(op, f.Record(x), x.Const(c)), f.Depth + 1);
    }

    /// <summary>The identity map.</summary>
    public static ElementMap Identity { get; } = new("x", x => x, 0);

    /// <summary>σ, σ′, σ″ over a column, up to <paramref name="order"/> (0, 1 or 2).</summary>
    internal MapProgram Program(int order) => Programs.GetOrAdd((Key, order), _ => new MapProgram(this, order, () => BuildColumnProgram(order)));

    internal static Var Binary(TensorOp op, Var a, Var b) => op switch
    {
        TensorOp.Add => a + b,
        TensorOp.Sub => a - b,
        TensorOp.Mul => a * b,
        TensorOp.Div => a / b,
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Expected an elementwise binary operation."),
    };

    private static string Name(TensorOp op) => op.ToString().ToLowerInvariant();

    /// <summary>σ, σ′, σ″ up to <paramref name="order"/> as a column program of the recorded map and its
    /// forward derivatives: what <see cref="Program"/> runs for maps without a kernel of their own.</summary>
    internal ColumnProgram BuildColumnProgram(int order)
    {
        var g = new Graph();
        var u = new Var(g, g.Input(0));
        int y = Record(u).Node;
        int[] seed = [g.One];
        int first = Forward.Tangents(g, seed, [y])[y];
        int second = first < 0 ? -1 : Forward.Tangents(g, seed, [first])[first];
        int zero = g.Constant(0);
        int[] outputs = [.. new[] { y, first < 0 ? zero : first, second < 0 ? zero : second }.Take(order + 1)];
        var optimized = g.Optimize(outputs);
        return new ColumnProgram(new TapeFunction(optimized, outputs, 1, null, $"{Key} and its derivatives up to order {order}"));
    }

    /// <inheritdoc/>
    public override string ToString() => Key;
}

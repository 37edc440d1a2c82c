namespace TapeAD.Layers;

/// <summary>
/// The tensor-level tape: an append-only, hash-consed list of vector nodes (one input row each; the
/// batch dimension is implicit). A node's operands come before it, so index order is a topological
/// order and every pass is a loop, never a recursion. Inserting applies local rewrites: operations
/// on constants fold, <c>x + 0</c> and <c>x · 1</c> disappear, elementwise steps of one operand fuse into
/// one <see cref="ElementMap"/> (so SiLU written as <c>x · sigmoid(x)</c> is one map), and a node that
/// exists already is returned instead of a copy.
/// </summary>
/// <remarks>Not thread-safe while nodes are added; reading a finished graph is.</remarks>
public sealed partial class TensorGraph
{
    private readonly List<TensorNode> _nodes = [];
    private readonly Dictionary<NodeKey, int> _index = [];

    /// <summary>Number of nodes.</summary>
    public int Count => _nodes.Count;

    /// <summary>Node <paramref name="id"/>.</summary>
    public TensorNode this[int id] => _nodes[Check(id)];

    /// <summary>One more than the last input index any <see cref="Input"/> node reads.</summary>
    public int InputLength { get; private set; }

    /// <summary>Inputs <c>offset .. offset + width - 1</c> of the function, as one vector.</summary>
    public int Input(int offset, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if ((long)offset + width > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(width), width, "The input range ends beyond int.MaxValue.");
        InputLength = Math.Max(InputLength, offset + width);
        return Intern(new TensorNode(TensorOp.Input, width, [], new InputSlice(offset)));
    }

    /// <summary>A constant vector (copied).</summary>
    public int Constant(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty) throw new ArgumentException("A constant needs at least one entry.", nameof(values));
        return Intern(new TensorNode(TensorOp.Constant, values.Length, [], new ConstantVector(values.ToArray())));
    }

    /// <summary>
    /// <c>y = W x</c> for a constant row-major <paramref name="outputs"/> × <paramref name="inputs"/> matrix
    /// (copied), applied to each of the <c>width / inputs</c> consecutive parts of <paramref name="x"/>
    /// (one part for a vector; the rows of a matrix-valued operand otherwise).
    /// </summary>
    public int MatMul(int x, ReadOnlySpan<double> weights, int outputs, int inputs) =>
        MatMul(x, new Matrix(weights.ToArray(), outputs, inputs));

    /// <summary>Like <see cref="MatMul(int, ReadOnlySpan{double}, int, int)"/> with a matrix already built (shared, not copied).</summary>
    public int MatMul(int x, Matrix matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int w = this[x].Width;
        if (w % matrix.Inputs != 0)
            throw new ArgumentException($"A {matrix.Outputs}×{matrix.Inputs} matrix cannot multiply a vector of {w} entries (not a multiple of {matrix.Inputs}).", nameof(matrix));
        long width = (long)w / matrix.Inputs * matrix.Outputs;
        if (width > int.MaxValue) throw new ArgumentException($"The product would have {width} entries.", nameof(matrix));
        if (this[x].Op == TensorOp.Constant) return Constant(ScalarExpansion.FoldMatMul(Values(x), matrix));
        return Intern(new TensorNode(TensorOp.MatMul, (int)width, [x], matrix));
    }

    /// <summary><c>f(x)</c> entry by entry.</summary>
    public int Map(int x, ElementMap f)
    {
        ArgumentNullException.ThrowIfNull(f);
        var node = this[x];
        if (f.IsIdentity) return x;
        if (node.Op == TensorOp.Constant) return Constant(Array.ConvertAll(Values(x), f.Evaluate));
        // f(g(y)) is one map of y: one pass over the entries, and σ′, σ″ of the composition from the tape's rules.
        if (node.Op == TensorOp.Map && (ElementMap)node.Payload! is var g && f.Depth + g.Depth <= ElementMap.MaxDepth)
            return Map(node.Operands[0], ElementMap.Compose(f, g));
        return Intern(new TensorNode(TensorOp.Map, node.Width, [x], f));
    }

    /// <summary><c>a + b</c>, entry by entry (equal widths).</summary>
    public int Add(int a, int b) => Binary(TensorOp.Add, a, b);

    /// <summary><c>a - b</c>, entry by entry (equal widths).</summary>
    public int Sub(int a, int b) => Binary(TensorOp.Sub, a, b);

    /// <summary><c>a · b</c>, entry by entry (equal widths).</summary>
    public int Mul(int a, int b) => Binary(TensorOp.Mul, a, b);

    /// <summary><c>a / b</c>, entry by entry (equal widths).</summary>
    public int Div(int a, int b) => Binary(TensorOp.Div, a, b);

    /// <summary>An elementwise binary operation (<see cref="TensorOp.Add"/>, Sub, Mul or Div) of two vectors of equal width.</summary>
    public int Binary(TensorOp op, int a, int b)
    {
        if (op is not (TensorOp.Add or TensorOp.Sub or TensorOp.Mul or TensorOp.Div))
            throw new ArgumentOutOfRangeException(nameof(op), op, "Expected Add, Sub, Mul or Div.");
        TensorNode na = this[a], nb = this[b];
        if (na.Width != nb.Width)
            throw new ArgumentException($"{op} needs operands of equal width, got {na.Width} and {nb.Width}.", nameof(b));
        bool ca = na.Op == TensorOp.Constant, cb = nb.Op == TensorOp.Constant;
        if (ca && cb)
        {
            double[] x = Values(a), y = Values(b), r = new double[x.Length];
            for (int i = 0; i < r.Length; i++) r[i] = ScalarExpansion.Apply(op, x[i], y[i]);
            return Constant(r);
        }
        // The scalar tape's identities: x + 0 = x and x · 1 = x, entry by entry; 0 · x stays (0 · Inf is NaN).
        if (cb && op is TensorOp.Add or TensorOp.Sub && AllEqual(Values(b), 0.0)) return a;
        if (ca && op == TensorOp.Add && AllEqual(Values(a), 0.0)) return b;
        if (cb && op is TensorOp.Mul or TensorOp.Div && AllEqual(Values(b), 1.0)) return a;
        if (ca && op == TensorOp.Mul && AllEqual(Values(a), 1.0)) return b;
        if (Fused(op, a, b) is int fused) return fused;
        if (op is TensorOp.Add or TensorOp.Mul && ca) (a, b) = (b, a);
        return Intern(new TensorNode(op, na.Width, [a, b], null));
    }

    /// <summary>The operands' entries one after another.</summary>
    public int Concat(params int[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Length == 0) throw new ArgumentException("Concat needs at least one operand.", nameof(parts));
        if (parts.Length == 1) return parts[0];
        long width = 0;
        foreach (int p in parts) width += this[p].Width;
        if (width > int.MaxValue) throw new ArgumentException($"The concatenation would have {width} entries.", nameof(parts));
        if (parts.All(p => this[p].Op == TensorOp.Constant)) return Constant(parts.SelectMany(Values).ToArray());
        return Intern(new TensorNode(TensorOp.Concat, (int)width, (int[])parts.Clone(), null));
    }

    /// <summary><c>y_i = x[indices_i]</c> (indices may repeat, so this also broadcasts).</summary>
    public int Take(int x, int[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var node = this[x];
        if (indices.Length == 0) throw new ArgumentException("Take needs at least one index.", nameof(indices));
        for (int i = 0; i < indices.Length; i++)
            if ((uint)indices[i] >= (uint)node.Width)
                throw new ArgumentOutOfRangeException(nameof(indices), indices[i], $"Index {i} is outside the operand's {node.Width} entries.");
        if (indices.Length == node.Width && indices.Select((v, i) => v == i).All(same => same)) return x;
        if (node.Op == TensorOp.Constant) return Constant(Array.ConvertAll(indices, i => Values(x)[i]));
        // A take of a take is one take.
        if (node.Op == TensorOp.Take)
        {
            var inner = ((TakeIndices)node.Payload!).Indices;
            return Take(node.Operands[0], Array.ConvertAll(indices, i => inner[i]));
        }
        return Intern(new TensorNode(TensorOp.Take, indices.Length, [x], new TakeIndices((int[])indices.Clone())));
    }

    /// <summary>Sums of consecutive segments of <paramref name="segment"/> entries (the whole vector when it is the width).</summary>
    public int Sum(int x, int segment)
    {
        var node = this[x];
        if (segment < 1 || node.Width % segment != 0)
            throw new ArgumentOutOfRangeException(nameof(segment), segment, $"Expected a segment length dividing the width {node.Width}.");
        if (segment == 1) return x;
        if (node.Op == TensorOp.Constant) return Constant(ScalarExpansion.FoldSum(Values(x), segment));
        return Intern(new TensorNode(TensorOp.Sum, node.Width / segment, [x], new SumSegment(segment)));
    }

    /// <summary>An elementwise binary operation on numbers, as folding and the scalar graph compute it.</summary>
    public static double Fold(TensorOp op, double a, double b) => ScalarExpansion.Apply(op, a, b);

    /// <summary>The entries of a <see cref="TensorOp.Constant"/> node.</summary>
    public double[] Values(int constant)
    {
        var node = this[constant];
        return node.Payload is ConstantVector c ? c.Values : throw new ArgumentException($"Node {constant} is a {node.Op}, not a constant.", nameof(constant));
    }

    /// <summary>A readable listing, one node a line.</summary>
    public override string ToString() =>
        string.Join(Environment.NewLine, _nodes.Select((n, i) => $"%{i} = {n}"));

    private int Check(int id) =>
        (uint)id < (uint)_nodes.Count ? id : throw new ArgumentOutOfRangeException(nameof(id), id, $"Expected a node of this graph (0..{_nodes.Count - 1}).");

    private int Intern(TensorNode node)
    {
        var key = new NodeKey(node);
        if (_index.TryGetValue(key, out int existing)) return existing;
        _nodes.Add(node);
        _index.Add(key, _nodes.Count - 1);
        return _nodes.Count - 1;
    }

    private static bool AllEqual(double[] values, double v) =>
        values.All(x => BitConverter.DoubleToInt64Bits(x) == BitConverter.DoubleToInt64Bits(v));

    /// <summary>
    /// <c>op(f(y), g(y))</c>, <c>op(f(y), c)</c> and <c>op(c, f(y))</c> for one operand y and a constant c
    /// equal in every entry: one map of y. Null when the operands are not of that form.
    /// </summary>
    private int? Fused(TensorOp op, int a, int b)
    {
        var (ya, fa) = AsMap(a);
        var (yb, fb) = AsMap(b);
        // A bare operand with a constant (a bias add, a scale) stays a binary node: the executor folds
        // a bias into the map that reads it, and a scale is one pass; fusing only pays beside a map.
        if (fa == ElementMap.Identity && fb == null || fb == ElementMap.Identity && fa == null) return null;
        ElementMap? fused = null;
        int operand = -1;
        if (fa != null && fb != null && ya == yb) (operand, fused) = (ya, ElementMap.Combine(op, fa, fb));
        else if (fa != null && Uniform(b) is double cb) (operand, fused) = (ya, ElementMap.WithConstant(op, fa, cb, constantFirst: false));
        else if (fb != null && Uniform(a) is double ca) (operand, fused) = (yb, ElementMap.WithConstant(op, fb, ca, constantFirst: true));
        return fused != null && fused.Depth <= ElementMap.MaxDepth ? Intern(new TensorNode(TensorOp.Map, this[operand].Width, [operand], fused)) : null;
    }

    // A computed node as a map of its operand (a bare node is the identity map of itself).
    private (int Operand, ElementMap? Map) AsMap(int id)
    {
        var node = this[id];
        return node.Op switch
        {
            TensorOp.Constant => (-1, null),
            TensorOp.Map => (node.Operands[0], (ElementMap)node.Payload!),
            _ => (id, ElementMap.Identity),
        };
    }

    private double? Uniform(int id)
    {
        if (this[id].Op != TensorOp.Constant) return null;
        var v = Values(id);
        return AllEqual(v, v[0]) ? v[0] : null;
    }
}

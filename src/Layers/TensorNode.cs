using System.Globalization;

namespace TapeAD.Layers;

/// <summary>One node of a <see cref="TensorGraph"/>: its kind, its width (entries per input row),
/// its operands (earlier nodes) and what the kind needs besides (a matrix, a map, indices…).</summary>
public sealed class TensorNode
{
    internal TensorNode(TensorOp op, int width, int[] operands, object? payload)
    {
        Op = op;
        Width = width;
        Operands = operands;
        Payload = payload;
    }

    /// <summary>The node's kind.</summary>
    public TensorOp Op { get; }

    /// <summary>Entries per input row.</summary>
    public int Width { get; }

    /// <summary>The operand nodes.</summary>
    public IReadOnlyList<int> Operands { get; }

    /// <summary>Kind-specific data: <see cref="InputSlice"/>, <see cref="ConstantVector"/>, <see cref="Matrix"/>,
    /// <see cref="ElementMap"/>, <see cref="TakeIndices"/> or <see cref="SumSegment"/>; null for the binary kinds and Concat.</summary>
    public object? Payload { get; }

    /// <inheritdoc/>
    public override string ToString()
    {
        string args = string.Join(", ", Operands.Select(o => $"%{o}"));
        string detail = Payload switch
        {
            InputSlice s => $"x[{s.Offset}..{s.Offset + Width - 1}]",
            ConstantVector c => Width <= 4 ? $"[{string.Join(", ", c.Values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}]" : $"[{Width} constants]",
            Matrix m => $"{m.Outputs}×{m.Inputs}",
            ElementMap f => f.Key,
            TakeIndices t => $"{t.Indices.Length} indices",
            SumSegment s => $"segments of {s.Length}",
            _ => "",
        };
        return $"{Op.ToString().ToLowerInvariant()}({string.Join(", ", new[] { args, detail }.Where(p => p.Length > 0))}) : {Width}";
    }
}

/// <summary>The input range of an <see cref="TensorOp.Input"/> node: <c>x[Offset .. Offset + width - 1]</c>.</summary>
public sealed record InputSlice(int Offset);

/// <summary>The entries of a <see cref="TensorOp.Constant"/> node.</summary>
public sealed class ConstantVector(double[] values)
{
    /// <summary>The entries.</summary>
    public double[] Values { get; } = values;
}

/// <summary>The indices of a <see cref="TensorOp.Take"/> node.</summary>
public sealed class TakeIndices(int[] indices)
{
    /// <summary><c>y_i = x[Indices[i]]</c>.</summary>
    public int[] Indices { get; } = indices;
}

/// <summary>The segment length of a <see cref="TensorOp.Sum"/> node.</summary>
public sealed record SumSegment(int Length);

/// <summary>
/// A constant matrix of a <see cref="TensorOp.MatMul"/> node, kept in both layouts: forward
/// propagation multiplies rows by <c>Wᵀ</c>, reverse by <c>W</c>.
/// </summary>
public sealed class Matrix
{
    /// <summary>A row-major <paramref name="outputs"/> × <paramref name="inputs"/> matrix (not copied).</summary>
    public Matrix(double[] weights, int outputs, int inputs)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputs);
        if (weights.Length != (long)outputs * inputs)
            throw new ArgumentException($"Expected {outputs}×{inputs} = {(long)outputs * inputs} weights, got {weights.Length}.", nameof(weights));
        W = weights;
        Outputs = outputs;
        Inputs = inputs;
        Wt = new double[weights.Length];
        for (int i = 0; i < outputs; i++)
            for (int j = 0; j < inputs; j++) Wt[(long)j * outputs + i] = weights[(long)i * inputs + j];
    }

    /// <summary>Rows.</summary>
    public int Outputs { get; }

    /// <summary>Columns.</summary>
    public int Inputs { get; }

    /// <summary>Row-major Outputs × Inputs.</summary>
    public double[] W { get; }

    /// <summary>Row-major Inputs × Outputs.</summary>
    public double[] Wt { get; }

    // The GEMM's packed forms (Gemm.Pack), made on first use by a query that needs them: Wt for the
    // product forward, W for the sweep back. A race builds the same array twice, harmlessly.
    private double[]? _packedWt, _packedW;

    internal double[] PackedWt => _packedWt ??= Gemm.Pack(Wt, Inputs, Outputs);

    internal double[] PackedW => _packedW ??= Gemm.Pack(W, Outputs, Inputs);
}

/// <summary>Hash-consing key: kind, operands and payload, compared by content.</summary>
internal readonly struct NodeKey : IEquatable<NodeKey>
{
    private readonly TensorNode _node;
    private readonly int _hash;

    public NodeKey(TensorNode node)
    {
        _node = node;
        var h = new HashCode();
        h.Add(node.Op);
        h.Add(node.Width);
        foreach (int o in node.Operands) h.Add(o);
        switch (node.Payload)
        {
            case InputSlice s: h.Add(s.Offset); break;
            case ConstantVector c: foreach (double v in c.Values) h.Add(BitConverter.DoubleToInt64Bits(v)); break;
            case Matrix m: h.Add(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(m)); break;
            case ElementMap f: h.Add(f.Key); break;
            case TakeIndices t: foreach (int i in t.Indices) h.Add(i); break;
            case SumSegment s: h.Add(s.Length); break;
        }
        _hash = h.ToHashCode();
    }

    public bool Equals(NodeKey other)
    {
        TensorNode a = _node, b = other._node;
        if (_hash != other._hash || a.Op != b.Op || a.Width != b.Width || !a.Operands.SequenceEqual(b.Operands)) return false;
        return (a.Payload, b.Payload) switch
        {
            (null, null) => true,
            (InputSlice x, InputSlice y) => x == y,
            (ConstantVector x, ConstantVector y) => Bitwise(x.Values, y.Values),
            (Matrix x, Matrix y) => ReferenceEquals(x, y),
            (ElementMap x, ElementMap y) => x.Key == y.Key,
            (TakeIndices x, TakeIndices y) => x.Indices.AsSpan().SequenceEqual(y.Indices),
            (SumSegment x, SumSegment y) => x == y,
            _ => false,
        };
    }

    public override bool Equals(object? obj) => obj is NodeKey k && Equals(k);

    public override int GetHashCode() => _hash;

    private static bool Bitwise(double[] x, double[] y)
    {
        if (x.Length != y.Length) return false;
        for (int i = 0; i < x.Length; i++)
            if (BitConverter.DoubleToInt64Bits(x[i]) != BitConverter.DoubleToInt64Bits(y[i])) return false;
        return true;
    }
}

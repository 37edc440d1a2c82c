using Onnx;
using TapeAD.Layers;

namespace TapeAD.Onnx;

/// <summary>
/// One ONNX node being imported: its operands, its attributes (type-checked, with defaults) and
/// errors that name the node and the operator.
/// </summary>
internal sealed class NodeContext
{
    private readonly NodeProto _node;
    private readonly Tensor?[] _inputs;

    /// <param name="model">The model's name, for messages.</param>
    /// <param name="graph">The tensor graph being recorded.</param>
    /// <param name="node">The node.</param>
    /// <param name="index">The node's position in the ONNX graph.</param>
    /// <param name="inputs">Its operands, null where an optional one is left out.</param>
    public NodeContext(string model, TensorGraph graph, NodeProto node, int index, Tensor?[] inputs)
    {
        Graph = graph;
        _node = node;
        _inputs = inputs;
        Label = $"{model}: node {index}" + (string.IsNullOrEmpty(node.Name) ? "" : $" '{node.Name}'") + $" ({node.OpType})";
    }

    /// <summary>"model.onnx: node 3 'Gemm_0' (Gemm)": how messages refer to this node.</summary>
    public string Label { get; }

    public int InputCount => _inputs.Length;

    /// <summary>The tensor graph being recorded.</summary>
    public TensorGraph Graph { get; }

    /// <summary>A tensor's elements as a node of <see cref="Graph"/>; an empty one cannot be computed with.</summary>
    public int NodeOf(Tensor t) =>
        t.Size > 0 ? t.NodeIn(Graph) : throw Unsupported($"an empty tensor of shape {Tensor.Format(t.Shape)} cannot be computed with");

    /// <summary>A tensor computed by <paramref name="node"/>, or the constant when the graph folded it.</summary>
    public Tensor Result(int[] shape, int node) =>
        Graph[node].Op == TensorOp.Constant ? Tensor.Constant(shape, Graph.Values(node)) : Tensor.Computed(shape, node);

    /// <summary>Operand <paramref name="i"/>, which must be present.</summary>
    public Tensor Input(int i) => OptionalInput(i) ?? throw Invalid($"input {i} is required but missing");

    /// <summary>Operand <paramref name="i"/>, or null when the node leaves the optional input out.</summary>
    public Tensor? OptionalInput(int i) => i < _inputs.Length ? _inputs[i] : null;

    /// <summary>The values of operand <paramref name="i"/>, which must be a constant.</summary>
    public double[] ConstantInput(int i, string what) =>
        Input(i).Values ?? throw Unsupported($"{what} (input {i}) must be a constant (an initializer or Constant), not computed from the inputs");

    public IReadOnlyList<AttributeProto> Attributes => _node.Attribute;

    public AttributeProto? Attribute(string name) => _node.Attribute.FirstOrDefault(a => a.Name == name);

    public double Float(string name, double defaultValue) =>
        Typed(name, AttributeProto.Types.AttributeType.Float) is { } a ? a.F : defaultValue;

    public long Int(string name, long defaultValue) =>
        Typed(name, AttributeProto.Types.AttributeType.Int) is { } a ? a.I : defaultValue;

    public string String(string name, string defaultValue) =>
        Typed(name, AttributeProto.Types.AttributeType.String) is { } a ? a.S.ToStringUtf8() : defaultValue;

    public long[]? Ints(string name) =>
        Typed(name, AttributeProto.Types.AttributeType.Ints) is { } a ? a.Ints.ToArray() : null;

    public float[]? Floats(string name) =>
        Typed(name, AttributeProto.Types.AttributeType.Floats) is { } a ? a.Floats.ToArray() : null;

    /// <summary>An axis attribute or operand in <c>[-rank, rank)</c>, made non-negative.</summary>
    public int Axis(long axis, int rank)
    {
        if (axis < -rank || axis >= rank)
            throw Invalid($"axis {axis} is out of range for rank {rank} (expected {-rank}..{rank - 1})");
        return (int)(axis < 0 ? axis + rank : axis);
    }

    /// <summary>A model that the importer understands but that breaks ONNX's rules.</summary>
    public InvalidDataException Invalid(string message) => new($"{Label}: {message}.");

    /// <summary>A valid model that uses something the importer does not support.</summary>
    public NotSupportedException Unsupported(string message) => new($"{Label}: {message}.");

    private AttributeProto? Typed(string name, AttributeProto.Types.AttributeType type)
    {
        var a = Attribute(name);
        if (a != null && a.Type != type)
            throw Invalid($"attribute '{name}' should be of type {type}, not {a.Type}");
        return a;
    }
}

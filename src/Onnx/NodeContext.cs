using System.Globalization;
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
    /// <param name="opset">The model's default-domain operator set version (operators changed meaning between versions).</param>
    public NodeContext(string model, TensorGraph graph, NodeProto node, int index, Tensor?[] inputs, long opset)
    {
        Graph = graph;
        Opset = opset;
        _node = node;
        _inputs = inputs;
        Label = $"{model}: node {index}" + (string.IsNullOrEmpty(node.Name) ? "" : $" '{node.Name}'") + $" ({node.OpType})";
    }

    /// <summary>"model.onnx: node 3 'Gemm_0' (Gemm)": how messages refer to this node.</summary>
    public string Label { get; }

    public int InputCount => _inputs.Length;

    /// <summary>The model's default-domain operator set version.</summary>
    public long Opset { get; }

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

    /// <summary>A float attribute as the shortest decimal that gives the same float32 (see <see cref="Decimal"/>).</summary>
    public double Float(string name, double defaultValue) =>
        Typed(name, AttributeProto.Types.AttributeType.Float) is { } a ? Decimal(a.F) : defaultValue;

    /// <summary>
    /// The shortest decimal that rounds to <paramref name="f"/>, as a double: ONNX stores float attributes
    /// in float32, so <c>LeakyReLU(0.2)</c> arrives as 0.20000000298023224; reading it back as 0.2 gives
    /// PyTorch's float64 result where the author wrote a decimal.
    /// </summary>
    public static double Decimal(float f) =>
        float.IsFinite(f) ? double.Parse(f.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : f;

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

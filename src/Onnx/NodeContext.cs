using Onnx;
using TapeAD.Tape;

namespace TapeAD.Onnx;

/// <summary>
/// One ONNX node being imported: its operands, its attributes (type-checked, with defaults) and
/// errors that name the node and the operator.
/// </summary>
internal sealed class NodeContext
{
    private readonly string _model;
    private readonly NodeProto _node;
    private readonly Tensor?[] _inputs;

    public NodeContext(string model, Graph graph, NodeProto node, int index, Tensor?[] inputs)
    {
        _model = model;
        Graph = graph;
        _node = node;
        _inputs = inputs;
        Index = index;
    }

    /// <summary>The graph being recorded.</summary>
    public Graph Graph { get; }

    public int Index { get; }

    public string OpType => _node.OpType;

    /// <summary>"model.onnx: node 3 'Gemm_0' (Gemm)": how messages refer to this node.</summary>
    public string Label => $"{_model}: node {Index}" + (string.IsNullOrEmpty(_node.Name) ? "" : $" '{_node.Name}'") + $" ({OpType})";

    public int InputCount => _inputs.Length;

    public Var Constant(double value) => new(Graph, Graph.Constant(value));

    /// <summary>Operand <paramref name="i"/>, which must be present.</summary>
    public Tensor Input(int i) => OptionalInput(i) ?? throw Invalid($"input {i} is required but missing");

    /// <summary>Operand <paramref name="i"/>, or null when the node leaves the optional input out.</summary>
    public Tensor? OptionalInput(int i) => i < _inputs.Length ? _inputs[i] : null;

    /// <summary>The values of operand <paramref name="i"/>, which must be a constant.</summary>
    public double[] ConstantInput(int i, string what) =>
        Input(i).ConstantValues() ?? throw Unsupported($"{what} (input {i}) must be a constant (an initializer or Constant), not computed from the inputs");

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
            throw Unsupported($"axis {axis} is out of range for rank {rank} (expected {-rank}..{rank - 1})");
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

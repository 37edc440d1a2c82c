using TapeAD.Layers;

namespace TapeAD.Onnx;

/// <summary>
/// An ONNX value during import: a shape and either its constant elements (weights, shapes, folded
/// subgraphs) or the tensor-graph node that computes its elements, row-major, from the inputs.
/// </summary>
internal sealed class Tensor
{
    private Tensor(int[] shape, double[]? values, int node)
    {
        Shape = shape;
        Values = values;
        Node = node;
    }

    /// <summary>A constant tensor.</summary>
    public static Tensor Constant(int[] shape, double[] values)
    {
        if (SizeOf(shape) != values.Length)
            throw new InvalidOperationException($"Shape {Format(shape)} does not hold {values.Length} elements.");
        return new(shape, values, -1);
    }

    /// <summary>A tensor computed by node <paramref name="node"/> of the graph being recorded (as wide as the shape holds).</summary>
    public static Tensor Computed(int[] shape, int node) => new(shape, null, node);

    public int[] Shape { get; }

    /// <summary>The elements of a constant; null for a computed tensor.</summary>
    public double[]? Values { get; }

    /// <summary>The node of a computed tensor; -1 for a constant.</summary>
    public int Node { get; }

    public bool IsConstant => Values != null;

    public int Rank => Shape.Length;

    public long Size => SizeOf(Shape);

    public Tensor Reshaped(int[] shape) => new(shape, Values, Node);

    /// <summary>The elements' node in <paramref name="graph"/>: the computing node, or a constant node.</summary>
    public int NodeIn(TensorGraph graph) => IsConstant ? graph.Constant(Values) : Node;

    /// <summary>The element count, saturating rather than wrapping (see <see cref="OnnxLimits.ElementCount(IEnumerable{int})"/>).</summary>
    public static long SizeOf(IEnumerable<int> shape) => OnnxLimits.ElementCount(shape);

    public static string Format(IEnumerable<int> shape) => $"[{string.Join(", ", shape)}]";
}

using TapeAD.Tape;

namespace TapeAD.Onnx;

/// <summary>
/// An ONNX value during import: a shape and its elements in row-major order, each a node of the
/// graph being recorded. Constants are constant nodes, so arithmetic on them folds on insert.
/// </summary>
internal sealed class Tensor
{
    public Tensor(int[] shape, Var[] data)
    {
        if (SizeOf(shape) != data.Length)
            throw new InvalidOperationException($"Shape [{string.Join(", ", shape)}] does not hold {data.Length} elements.");
        Shape = shape;
        Data = data;
    }

    public int[] Shape { get; }

    public Var[] Data { get; }

    public int Rank => Shape.Length;

    public Tensor Reshaped(int[] shape) => new(shape, Data);

    /// <summary>The values of a tensor whose elements are all constants, or null when one is not.</summary>
    public double[]? ConstantValues()
    {
        var values = new double[Data.Length];
        for (int i = 0; i < Data.Length; i++)
        {
            var graph = Data[i].Graph;
            if (graph.OpOf(Data[i].Node) != Op.Constant) return null;
            values[i] = graph.ConstantOf(Data[i].Node);
        }
        return values;
    }

    /// <summary>The element count, saturating rather than wrapping (see <see cref="OnnxLimits.ElementCount(IEnumerable{int})"/>).</summary>
    public static long SizeOf(IEnumerable<int> shape) => OnnxLimits.ElementCount(shape);

    public static string Format(IEnumerable<int> shape) => $"[{string.Join(", ", shape)}]";
}

using System.Buffers.Binary;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;
using DataType = Onnx.TensorProto.Types.DataType;

namespace TapeAD.Bench.Torch;

/// <summary>
/// An ONNX graph rebuilt in TorchSharp, so TorchSharp's autograd can be a peer for networks that are not
/// chains (the residual PINN): the initializers become float64 tensors, and the forward function replays
/// the graph's nodes in file order (ONNX lists them topologically) on a batch <c>[B, d]</c>. It reads the
/// file itself (OnnxSharp), independently of TapeAD's importer, so the check against TapeAD also checks
/// the import. Covers the operators of the benchmark exports: Gemm, MatMul, Add, Sub, Mul, Tanh,
/// Sigmoid, Softplus; one graph input, one graph output.
/// </summary>
public static class OnnxForward
{
    /// <summary>The TorchSharp peer of the ONNX file at <paramref name="path"/>.</summary>
    /// <exception cref="NotSupportedException">An operator, attribute or element type outside the list above.</exception>
    public static TorchPeer Load(string path)
    {
        NativePatch.EnsureTorchSharpLoads(); // before the first tensor
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        var graph = model.Graph;
        string name = Path.GetFileName(path);
        var weights = graph.Initializer.ToDictionary(t => t.Name, t => Read(t, name));
        var input = graph.Input.Single(i => !weights.ContainsKey(i.Name));
        if (graph.Output.Count != 1)
            throw new NotSupportedException($"{name}: the TorchSharp peer takes one graph output, not {graph.Output.Count}.");
        int d = Width(input, name), m = Width(graph.Output[0], name);
        var nodes = graph.Node.ToArray();
        string output = graph.Output[0].Name;
        foreach (var node in nodes)
            if (node.OpType is not ("Gemm" or "MatMul" or "Add" or "Sub" or "Mul" or "Tanh" or "Sigmoid" or "Softplus"))
                throw new NotSupportedException($"{name}: node '{node.Name}' is {node.OpType}, which the TorchSharp peer does not replay.");

        Tensor Forward(Tensor x)
        {
            var values = new Dictionary<string, Tensor>(weights) { [input.Name] = x };
            foreach (var node in nodes)
            {
                Tensor In(int k) => values[node.Input[k]];
                values[node.Output[0]] = node.OpType switch
                {
                    "Gemm" => Gemm(node, In(0), In(1), node.Input.Count > 2 ? In(2) : null),
                    "MatMul" => In(0).matmul(In(1)),
                    "Add" => In(0) + In(1),
                    "Sub" => In(0) - In(1),
                    "Mul" => In(0) * In(1),
                    "Tanh" => In(0).tanh(),
                    "Sigmoid" => In(0).sigmoid(),
                    _ => nn.functional.softplus(In(0)),
                };
            }
            return values[output];
        }

        return new TorchPeer(Forward, d, m, [.. weights.Values]);
    }

    /// <summary><c>alpha · op(A) · op(B) + beta · C</c>.</summary>
    private static Tensor Gemm(NodeProto node, Tensor a, Tensor b, Tensor? c)
    {
        double alpha = 1, beta = 1;
        bool transA = false, transB = false;
        foreach (var attribute in node.Attribute)
            switch (attribute.Name)
            {
                case "alpha": alpha = attribute.F; break;
                case "beta": beta = attribute.F; break;
                case "transA": transA = attribute.I != 0; break;
                case "transB": transB = attribute.I != 0; break;
                default: throw new NotSupportedException($"Gemm '{node.Name}': attribute {attribute.Name} is not replayed.");
            }
        var product = (transA ? a.t() : a).matmul(transB ? b.t() : b);
        if (alpha != 1) product *= alpha;
        return c is null ? product : beta == 1 ? product + c : product + beta * c;
    }

    /// <summary>Entries of a <c>[batch, n]</c> input or output.</summary>
    private static int Width(ValueInfoProto value, string name)
    {
        var dims = value.Type.TensorType.Shape.Dim;
        return dims.Count == 2 && dims[1].DimValue > 0 ? (int)dims[1].DimValue
            : throw new NotSupportedException($"{name}: '{value.Name}' is not [batch, n].");
    }

    /// <summary>A float64 tensor of an initializer (float32 widened).</summary>
    private static Tensor Read(TensorProto t, string name)
    {
        long[] shape = [.. t.Dims];
        var raw = t.RawData.Span;
        double[] values = (DataType)t.DataType switch
        {
            DataType.Double when raw.IsEmpty => [.. t.DoubleData],
            DataType.Double => [.. Enumerable.Range(0, raw.Length / 8).Select(i => BinaryPrimitives.ReadDoubleLittleEndian(t.RawData.Span.Slice(8 * i, 8)))],
            DataType.Float when raw.IsEmpty => [.. t.FloatData.Select(v => (double)v)],
            DataType.Float => [.. Enumerable.Range(0, raw.Length / 4).Select(i => (double)BinaryPrimitives.ReadSingleLittleEndian(t.RawData.Span.Slice(4 * i, 4)))],
            _ => throw new NotSupportedException($"{name}: initializer '{t.Name}' has element type {t.DataType}; the TorchSharp peer reads float32 and float64."),
        };
        return tensor(values, shape, ScalarType.Float64);
    }
}

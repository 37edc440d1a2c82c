using Google.Protobuf;
using Onnx;

namespace TapeAD.Tests;

/// <summary>Builds small ONNX models in tests with OnnxSharp's protobuf types.</summary>
internal sealed class OnnxModelBuilder(long opset = 13)
{
    private const int Float = (int)TensorProto.Types.DataType.Float, Double = (int)TensorProto.Types.DataType.Double,
        Int64 = (int)TensorProto.Types.DataType.Int64;

    private readonly GraphProto _graph = new() { Name = "test" };

    public GraphProto Graph => _graph;

    /// <summary>A graph input; a dimension of -1 is the symbolic "batch".</summary>
    public OnnxModelBuilder Input(string name, params long[] dims) => Port(_graph.Input, name, Float, dims);

    public OnnxModelBuilder InputF64(string name, params long[] dims) => Port(_graph.Input, name, Double, dims);

    /// <summary>A graph output without a declared shape (ONNX Runtime infers it).</summary>
    public OnnxModelBuilder Output(string name, bool f64 = false) => Port(_graph.Output, name, f64 ? Double : Float, null);

    public OnnxModelBuilder Weights(string name, long[] dims, double[] values, bool f64 = false)
    {
        var t = new TensorProto { Name = name, DataType = f64 ? Double : Float };
        t.Dims.AddRange(dims);
        if (f64) t.DoubleData.AddRange(values);
        else t.FloatData.AddRange(values.Select(v => (float)v));
        _graph.Initializer.Add(t);
        return this;
    }

    /// <summary>Random float32-representable weights in [-1, 1).</summary>
    public OnnxModelBuilder RandomWeights(string name, Random random, params long[] dims) =>
        Weights(name, dims, Enumerable.Range(0, (int)dims.Aggregate(1L, (a, b) => a * b)).Select(_ => (double)(float)(2 * random.NextDouble() - 1)).ToArray());

    public OnnxModelBuilder Ints(string name, params long[] values)
    {
        var t = new TensorProto { Name = name, DataType = Int64 };
        t.Dims.Add(values.Length);
        t.Int64Data.AddRange(values);
        _graph.Initializer.Add(t);
        return this;
    }

    public OnnxModelBuilder Node(string op, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = $"{op}_{_graph.Node.Count}" };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return this;
    }

    public static AttributeProto Attr(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Attr(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attr(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Attr(string name, TensorProto value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = value };

    public static AttributeProto Attr(string name, long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Attr(string name, float[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        a.Floats.AddRange(values);
        return a;
    }

    public byte[] Build()
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "TapeAD.Tests", Graph = _graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model.ToByteArray();
    }

    private OnnxModelBuilder Port(Google.Protobuf.Collections.RepeatedField<ValueInfoProto> ports, string name, int type, long[]? dims)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = type };
        if (dims != null)
        {
            tensor.Shape = new TensorShapeProto();
            foreach (long d in dims)
                tensor.Shape.Dim.Add(d < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "batch" } : new TensorShapeProto.Types.Dimension { DimValue = d });
        }
        ports.Add(new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } });
        return this;
    }
}

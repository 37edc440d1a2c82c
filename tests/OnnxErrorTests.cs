using Onnx;
using TapeAD.Onnx;
using Xunit;
using static TapeAD.Tests.OnnxModelBuilder;
using static TapeAD.Tests.OnnxTestSupport;

namespace TapeAD.Tests;

/// <summary>Unsupported or broken models fail on load, with messages that say what and where.</summary>
public class OnnxErrorTests
{
    [Fact]
    public void TopK_is_refused_naming_the_operator_the_node_and_what_is_supported()
    {
        var e = Assert.Throws<NotSupportedException>(() => OnnxModel.Load(ModelPath("unsupported_topk.onnx")));
        Assert.Contains("TopK", e.Message);
        Assert.Matches(@"node \d+", e.Message);
        Assert.Contains("supported operators: ", e.Message);
        Assert.Contains("Gemm", e.Message);
    }

    [Fact]
    public void A_truncated_file_is_refused_clearly()
    {
        var bytes = File.ReadAllBytes(ModelPath("mlp_tanh.onnx"));
        foreach (int length in new[] { 1, 10, 100, bytes.Length / 2, bytes.Length - 1 })
        {
            var e = Assert.Throws<InvalidDataException>(() => OnnxModel.Load(bytes[..length], "cut.onnx"));
            Assert.StartsWith("cut.onnx: ", e.Message);
        }
        var half = Assert.Throws<InvalidDataException>(() => OnnxModel.Load(bytes[..(bytes.Length / 2)], "cut.onnx"));
        Assert.Contains("truncated or corrupt", half.Message);
    }

    [Fact]
    public void Empty_and_random_bytes_are_refused()
    {
        Assert.Throws<InvalidDataException>(() => OnnxModel.Load([], "empty.onnx"));
        var noise = new byte[500];
        new Random(3).NextBytes(noise);
        Assert.Throws<InvalidDataException>(() => OnnxModel.Load(noise, "noise.onnx"));
        using var stream = new MemoryStream(noise);
        Assert.Throws<InvalidDataException>(() => OnnxModel.Load(stream, "noise.onnx"));
    }

    [Fact]
    public void An_unknown_attribute_is_refused_with_the_ones_supported()
    {
        var e = Refused<NotSupportedException>(new OnnxModelBuilder().Input("x", 1, 2).Weights("W", [2, 2], [1, 0, 0, 1])
            .Node("Gemm", ["x", "W"], "y", Attr("broadcast", 1L)).Output("y"));
        Assert.Contains("node 0 'Gemm_0' (Gemm)", e.Message);
        Assert.Contains("'broadcast'", e.Message);
        Assert.Contains("alpha, beta, transA, transB", e.Message);
    }

    [Fact]
    public void An_unknown_Gelu_form_is_refused()
    {
        var e = Refused<NotSupportedException>(new OnnxModelBuilder(20).Input("x", 1, 2).Node("Gelu", ["x"], "y", Attr("approximate", "erf")).Output("y"));
        Assert.Contains("\"none\", \"tanh\"", e.Message);
    }

    [Fact]
    public void A_computed_exponent_is_refused()
    {
        var e = Refused<NotSupportedException>(new OnnxModelBuilder().Input("x", 1, 2).Node("Pow", ["x", "x"], "y").Output("y"));
        Assert.Contains("exponent must be a constant", e.Message);
    }

    [Fact]
    public void Nodes_out_of_topological_order_are_refused()
    {
        var e = Refused<InvalidDataException>(new OnnxModelBuilder().Input("x", 1, 2)
            .Node("Tanh", ["h"], "y").Node("Neg", ["x"], "h").Output("y"));
        Assert.Contains("topological order", e.Message);
        Assert.Contains("node 1", e.Message);
    }

    [Fact]
    public void An_undefined_value_is_refused()
    {
        var e = Refused<InvalidDataException>(new OnnxModelBuilder().Input("x", 1, 2).Node("Tanh", ["missing"], "y").Output("y"));
        Assert.Contains("'missing'", e.Message);
    }

    [Fact]
    public void Shapes_that_do_not_fit_are_refused()
    {
        var e = Refused<InvalidDataException>(new OnnxModelBuilder().Input("x", 1, 3).Weights("W", [2, 2], [1, 0, 0, 1])
            .Node("MatMul", ["x", "W"], "y").Output("y"));
        Assert.Contains("[1, 3]", e.Message);
        Refused<InvalidDataException>(new OnnxModelBuilder().Input("x", 1, 3).Weights("b", [2], [1, 2]).Node("Add", ["x", "b"], "y").Output("y"));
        Refused<NotSupportedException>(new OnnxModelBuilder().Input("x", 1, 3, -1).Node("Tanh", ["x"], "y").Output("y"));
    }

    [Fact]
    public void Other_domains_and_element_types_are_refused()
    {
        var builder = new OnnxModelBuilder().Input("x", 1, 2).Node("Gelu", ["x"], "y").Output("y");
        builder.Graph.Node[0].Domain = "com.microsoft";
        Assert.Contains("com.microsoft", Refused<NotSupportedException>(builder).Message);

        var ints = new OnnxModelBuilder().Input("x", 1, 2).Node("Tanh", ["x"], "y").Output("y");
        ints.Graph.Input[0].Type.TensorType.ElemType = (int)TensorProto.Types.DataType.Int64;
        Assert.Contains("int64", Refused<NotSupportedException>(ints).Message);
    }

    private static T Refused<T>(OnnxModelBuilder builder) where T : Exception =>
        Assert.Throws<T>(() => OnnxModel.Load(builder.Build(), "test.onnx"));
}

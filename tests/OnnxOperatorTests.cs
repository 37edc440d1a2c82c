using Onnx;
using TapeAD.Onnx;
using Xunit;
using static TapeAD.Tests.OnnxModelBuilder;
using static TapeAD.Tests.OnnxTestSupport;

namespace TapeAD.Tests;

/// <summary>
/// Small models built here for the operators, attributes and layouts the shared models lack, each
/// checked against ONNX Runtime (value) and against finite differences of the tape (derivatives).
/// The functions are evaluated in double here, so the differences use a small step (2^-10) and tight
/// tolerances; the step also keeps points away from the ReLU kinks with these seeds.
/// </summary>
public class OnnxOperatorTests
{
    [Fact]
    public void MatMul_Sub_Relu_LeakyRelu()
    {
        var r = new Random(1);
        Check(new OnnxModelBuilder().Input("x", -1, 4).RandomWeights("W1", r, 4, 3).RandomWeights("c", r, 3).RandomWeights("W2", r, 3, 2)
            .Node("MatMul", ["x", "W1"], "h1").Node("Sub", ["h1", "c"], "h2").Node("Relu", ["h2"], "h3")
            .Node("MatMul", ["h3", "W2"], "h4").Node("LeakyRelu", ["h4"], "y", Attr("alpha", 0.2f))
            .Node("LeakyRelu", ["h2"], "y2").Output("y").Output("y2"));
    }

    [Fact]
    public void Elu_and_Selu_with_default_and_given_constants()
    {
        Check(new OnnxModelBuilder().Input("x", 1, 3)
            .Node("Elu", ["x"], "a", Attr("alpha", 0.7f)).Node("Selu", ["x"], "s")
            .Node("Selu", ["x"], "s2", Attr("alpha", 1.2f), Attr("gamma", 0.9f))
            .Output("a").Output("s").Output("s2"));
    }

    [Fact]
    public void Gelu_in_both_forms()
    {
        var r = new Random(2);
        var model = Check(new OnnxModelBuilder(opset: 20).Input("x", -1, 4).RandomWeights("W", r, 4, 4).Node("MatMul", ["x", "W"], "h")
            .Node("Gelu", ["h"], "exact").Node("Gelu", ["h"], "approx", Attr("approximate", "tanh")).Output("exact").Output("approx"));
        Assert.Equal(2, model.OperatorCounts["Gelu"]);
    }

    [Fact]
    public void Unary_math_constants_and_pow()
    {
        var three = new TensorProto { DataType = (int)TensorProto.Types.DataType.Float };
        three.FloatData.Add(3);
        Check(new OnnxModelBuilder().Input("x", 1, 3)
            .Node("Constant", [], "one", Attr("value_float", 1f))
            .Node("Constant", [], "exponents", Attr("value_floats", new[] { 0.5f, 1.5f, -1f }))
            .Node("Constant", [], "three", Attr("value", three))
            .Node("Mul", ["x", "x"], "sq").Node("Add", ["sq", "one"], "p")
            .Node("Exp", ["x"], "e").Node("Log", ["p"], "l").Node("Sqrt", ["p"], "rt").Node("Pow", ["x", "three"], "cube")
            .Node("Pow", ["p", "exponents"], "pv").Node("Cos", ["x"], "co").Node("Neg", ["x"], "n").Node("Identity", ["n"], "id")
            .Node("Div", ["e", "p"], "q").Node("Erf", ["x"], "er").Node("Sin", ["x"], "si").Node("Tanh", ["x"], "th")
            .Node("Sigmoid", ["x"], "sg").Node("Softplus", ["x"], "sp")
            .Output("e").Output("l").Output("rt").Output("cube").Output("pv").Output("co").Output("id").Output("q")
            .Output("er").Output("si").Output("th").Output("sg").Output("sp"));
    }

    [Fact]
    public void Flatten_Reshape_Squeeze_Unsqueeze_with_axes_as_inputs()
    {
        var r = new Random(3);
        Check(new OnnxModelBuilder().Input("x", -1, 6).RandomWeights("W", r, 6, 2)
            .Ints("shape23", 2, 3).Ints("flat", -1).Ints("axis0", 0)
            .Node("Flatten", ["x"], "f").Node("Reshape", ["f", "shape23"], "m").Node("Unsqueeze", ["m", "axis0"], "u")
            .Node("Squeeze", ["u", "axis0"], "s").Node("Reshape", ["s", "flat"], "v").Node("MatMul", ["v", "W"], "h")
            .Node("Tanh", ["h"], "y").Output("y"));
    }

    [Fact]
    public void Squeeze_Unsqueeze_with_axes_attributes_and_Concat()
    {
        var r = new Random(4);
        Check(new OnnxModelBuilder(opset: 11).Input("a", -1, 2).Input("b", 1, 3).RandomWeights("W", r, 5, 2)
            .Node("Unsqueeze", ["a"], "a3", Attr("axes", new long[] { 2 })).Node("Squeeze", ["a3"], "a2", Attr("axes", new long[] { -1 }))
            .Node("Concat", ["a2", "b"], "ab", Attr("axis", -1L)).Node("Flatten", ["ab"], "f", Attr("axis", 0L))
            .Node("MatMul", ["f", "W"], "h").Node("Squeeze", ["h"], "y").Node("Sin", ["y"], "z").Output("z"));
    }

    [Fact]
    public void Gemm_with_transA_transB_alpha_beta_and_broadcast_C()
    {
        var r = new Random(5);
        Check(new OnnxModelBuilder().Input("x", -1, 3).Ints("column", 3, 1)
            .RandomWeights("Wt", r, 2, 3).RandomWeights("c", r, 2).RandomWeights("W2", r, 3, 4).Weights("s", [], [0.25]).RandomWeights("W3", r, 3, 2)
            .Node("Reshape", ["x", "column"], "xc")
            .Node("Gemm", ["xc", "Wt", "c"], "y1", Attr("transA", 1L), Attr("transB", 1L), Attr("alpha", 0.5f), Attr("beta", 2f))
            .Node("Gemm", ["x", "W2", "s"], "y2").Node("Gemm", ["x", "W3"], "y3")
            .Output("y1").Output("y2").Output("y3"));
    }

    [Fact]
    public void Float64_model_is_computed_in_double()
    {
        var r = new Random(6);
        double[] w = Enumerable.Range(0, 6).Select(_ => r.NextDouble() - 0.5).ToArray(), b = [0.1, -0.2];
        var model = Check(new OnnxModelBuilder().InputF64("x", 1, 3).Weights("W", [3, 2], w, f64: true).Weights("b", [2], b, f64: true)
            .Node("MatMul", ["x", "W"], "h").Node("Add", ["h", "b"], "z").Node("Tanh", ["z"], "t").Node("Mul", ["t", "t"], "y").Output("y", f64: true));
        Assert.Equal("float64", model.Outputs[0].ElementType);
    }

    [Fact]
    public void Ports_describe_the_concatenated_vectors()
    {
        var model = OnnxModel.Load(ModelPath("two_inputs_silu_sin.onnx"));
        Assert.Equal(["x", "t"], model.Inputs.Select(p => p.Name));
        Assert.Equal((0, 3), (model.Inputs[0].Offset, model.Inputs[0].Length));
        Assert.Equal((3, 2), (model.Inputs[1].Offset, model.Inputs[1].Length));
        Assert.Equal([1, 3], model.Inputs[0].Shape);
        Assert.Equal(5, model.Function.InputLength);
        Assert.Equal(2, model.Function.OutputLength);
        Assert.Equal(9, model.OnnxNodeCount);
        Assert.Equal(1, model.OperatorCounts["Concat"]);
        Assert.True(model.RecordedNodeCount >= model.OptimizedNodeCount);
        var text = model.Describe();
        Assert.Contains("t  float32 [batch, 2] -> x[3..4]", text);
        Assert.Contains("Concat x1", text);
        Assert.Contains("9 ONNX nodes", text);
    }

    private static OnnxModel Check(OnnxModelBuilder builder)
    {
        var bytes = builder.Build();
        var model = OnnxModel.Load(bytes, builder.Graph.Node[^1].OpType);
        bool f64 = model.Inputs.Any(p => p.ElementType == "float64");
        using var ort = new OrtRunner(bytes, model);
        var f = model.Function;
        var check = new DerivativeCheck(f);
        var random = new Random(42);
        for (int trial = 0; trial < 5; trial++)
        {
            var x = RandomPoint(random, f.InputLength);
            AssertClose(ort.Run(x), f.Evaluate(x), f64 ? 1e-13 : 1e-5, 1e-2, "value vs ORT");
            const double h = 1.0 / 1024;
            check.Against(check.Value, x, new Tolerance(h, 1e-8, 1e-2), new Tolerance(h, 1e-6, 1e-2), "vs FD of tape");
        }
        return model;
    }
}

using Onnx;
using TapeAD.Onnx;
using Xunit;
using static TapeAD.Tests.OnnxModelBuilder;
using static TapeAD.Tests.OnnxTestSupport;

namespace TapeAD.Tests;

/// <summary>
/// The operators of issue 13, each in a small model built here: values against ONNX Runtime (float32, so
/// 1e-5), derivatives against finite differences of the tape at random points, and every query and
/// mode of the tensor level against the scalar graph it expands to, also at the edges (ties, abs at 0,
/// clip bounds, huge logits) where differences do not apply and the expected derivative is stated.
/// </summary>
public class OnnxOperatorCoverageTests
{
    [Fact]
    public void Softmax_and_LogSoftmax_over_the_last_and_a_middle_axis_stay_finite_for_huge_logits()
    {
        var model = Check(new OnnxModelBuilder().Input("x", -1, 4).Input("t", 1, 3, 2)
            .Node("Softmax", ["x"], "s", Attr("axis", 1L)).Node("LogSoftmax", ["x"], "l")
            .Node("Softmax", ["t"], "st", Attr("axis", 1L)).Node("LogSoftmax", ["t"], "lt", Attr("axis", -2L))
            .Output("s").Output("l").Output("st").Output("lt"),
            [[1000, 999, -1000, 0, 700, -700, 3, 3, 0, 1], [5, 5, 5, 5, 0, 0, 0, 0, 0, 0]]);
        var softmax = model.Function.Evaluate([1000, 999, -1000, 0, 0, 0, 0, 0, 0, 0]);
        Assert.Equal(1 / (1 + Math.Exp(-1)), softmax[0], 1e-15);
        Assert.Equal(-Math.Log(1 + Math.Exp(-1)), softmax[4], 1e-15);
        Assert.Equal(-2000 - Math.Log(1 + Math.Exp(-1)), softmax[6], 1e-12);
        // The Jacobian of softmax, s_i (δ_ij − s_j), and of log-softmax, δ_ij − s_j, at those logits, at both levels.
        double[] x = [1000, 999, -1000, 0, 0, 0, 0, 0, 0, 0];
        var s = softmax[0..4];
        foreach (var jacobian in new[] { model.Function.Jacobian().Evaluate(x), model.CompileJacobian().Evaluate(x) })
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++)
                {
                    double delta = i == j ? 1 : 0;
                    Assert.Equal(s[i] * (delta - s[j]), jacobian[i * 10 + j], 1e-15);
                    Assert.Equal(delta - s[j], jacobian[(4 + i) * 10 + j], 1e-15);
                }
    }

    [Fact]
    public void Softmax_before_opset_13_normalises_the_axes_from_axis_on_together()
    {
        Check(new OnnxModelBuilder(opset: 11).Input("t", 1, 2, 3)
            .Node("Softmax", ["t"], "s", Attr("axis", 1L)).Node("LogSoftmax", ["t"], "l", Attr("axis", 2L)).Output("s").Output("l"), []);
    }

    [Fact]
    public void Reductions_with_axes_as_attribute_or_input_and_keepdims()
    {
        Check(new OnnxModelBuilder().Input("x", 1, 2, 3).Ints("axes", 1)
            .Node("ReduceSum", ["x", "axes"], "sum").Node("ReduceSum", ["x"], "all", Attr("keepdims", 0L))
            .Node("ReduceMean", ["x"], "mean", Attr("axes", new long[] { -1 }), Attr("keepdims", 0L))
            .Node("ReduceMax", ["x"], "max", Attr("axes", new long[] { 2 }))
            .Node("ReduceMin", ["x"], "min", Attr("axes", new long[] { 0, 1 }))
            .Node("ReduceMax", ["x"], "top", Attr("keepdims", 0L))
            .Output("sum").Output("all").Output("mean").Output("max").Output("min").Output("top"),
            [[0.5, 0.5, -1, 2, 2, 2], [0, 0, 0, 0, 0, 0]]);
    }

    [Fact]
    public void ReduceMax_at_a_tie_of_two_splits_the_derivative_evenly()
    {
        var model = OnnxModel.Load(new OnnxModelBuilder().Input("x", 1, 3).Node("ReduceMax", ["x"], "y", Attr("keepdims", 0L)).Output("y").Build());
        Assert.Equal([0.5, 0.5, 0], model.Function.Jacobian().Evaluate([2, 2, 1]));
        Assert.Equal([0, 0, 1], model.CompileJacobian().Evaluate([2, 1, 3]));
        // Three tied: the pairwise tree splits 1/4, 1/2, 1/4 (PyTorch's amax would give 1/3 each); the sum stays 1.
        Assert.Equal([0.25, 0.5, 0.25], model.Function.Jacobian().Evaluate([2, 2, 2]));
    }

    [Fact]
    public void LayerNormalization_over_the_last_axes_with_scale_and_bias()
    {
        var r = new Random(11);
        Check(new OnnxModelBuilder(opset: 17).Input("x", -1, 2, 3).RandomWeights("scale", r, 3).RandomWeights("bias", r, 3).RandomWeights("scale2", r, 2, 3)
            .Node("LayerNormalization", ["x", "scale", "bias"], "a", Attr("epsilon", 1e-3f))
            .Node("LayerNormalization", ["x", "scale2"], "b", Attr("axis", -2L))
            .Output("a").Output("b"), [[1, 1, 1, 2, 2, 2]]);
    }

    [Fact]
    public void BatchNormalization_folds_into_one_affine_map_per_channel()
    {
        var r = new Random(12);
        var model = Check(new OnnxModelBuilder(opset: 15).Input("x", -1, 3).Input("t", 1, 2, 2)
            .RandomWeights("s", r, 3).RandomWeights("b", r, 3).RandomWeights("m", r, 3).Weights("v", [3], [0.5, 1.25, 2])
            .RandomWeights("s2", r, 2).RandomWeights("b2", r, 2).RandomWeights("m2", r, 2).Weights("v2", [2], [0.75, 1.5])
            .Node("BatchNormalization", ["x", "s", "b", "m", "v"], "y", Attr("epsilon", 1e-3f), Attr("momentum", 0.9f))
            .Node("BatchNormalization", ["t", "s2", "b2", "m2", "v2"], "z")
            .Node("Tanh", ["y"], "ty").Output("ty").Output("z"), []);
        // Per operator one product and one sum with constant vectors; nothing left of the square root or the division.
        var kinds = Enumerable.Range(0, model.Tensor.Graph.Count).Select(i => model.Tensor.Graph[i].Op).ToArray();
        Assert.Equal(2, kinds.Count(k => k == TapeAD.Layers.TensorOp.Mul));
        Assert.Equal(2, kinds.Count(k => k == TapeAD.Layers.TensorOp.Add));
        Assert.Equal(0, kinds.Count(k => k is TapeAD.Layers.TensorOp.Div or TapeAD.Layers.TensorOp.Sub));
    }

    [Fact]
    public void Clip_with_bounds_as_inputs_or_attributes_gives_the_derivative_inside_and_at_the_bounds()
    {
        var lo = new TensorProto { DataType = (int)TensorProto.Types.DataType.Float };
        lo.FloatData.Add(-0.5f);
        var model = Check(new OnnxModelBuilder().Input("x", 1, 3).Weights("hi", [], [0.75])
            .Node("Constant", [], "lo", Attr("value", lo))
            .Node("Clip", ["x", "lo", "hi"], "both").Node("Clip", ["x", "", "hi"], "upper").Node("Clip", ["x", "lo"], "lower").Node("Clip", ["x"], "none")
            .Output("both").Output("upper").Output("lower").Output("none"),
            [[-0.5, 0.75, 0], [-3, 3, 0.1]]);
        // PyTorch's clamp: bounds included; beyond them zero.
        var j = model.Function.Jacobian().Evaluate([-0.5, 0.75, 2]);
        Assert.Equal([1, 0, 0], j[0..3]);
        Assert.Equal([0, 1, 0], j[3..6]);
        Assert.Equal([0, 0, 0], j[6..9]);
        // Clip-6 (bounds as attributes) is the Clip of opsets 7 to 10; the importer supports opsets from 7 on.
        Check(new OnnxModelBuilder(opset: 7).Input("x", 1, 3).Node("Clip", ["x"], "y", Attr("min", -0.2f), Attr("max", 0.2f)).Output("y"), [[-0.2, 0.2, 1]]);
    }

    [Fact]
    public void Slice_Gather_Transpose_Expand_and_Where_pick_elements()
    {
        var cond = new TensorProto { DataType = (int)TensorProto.Types.DataType.Bool };
        cond.Dims.AddRange([2, 1]);
        cond.Int32Data.AddRange([1, 0]);
        var r = new Random(13);
        Check(new OnnxModelBuilder().Input("x", 1, 2, 3).RandomWeights("w", r, 3)
            .Ints("starts", 0, -1).Ints("ends", 1, long.MinValue).Ints("axes", 1, 2).Ints("steps", 1, -2)
            .Ints("s2", 1).Ints("e2", long.MaxValue).Ints("i2", -1, 0).Ints("shape", 2, 2, 3)
            .Node("Slice", ["x", "starts", "ends", "axes", "steps"], "a").Node("Slice", ["x", "s2", "e2"], "b")
            .Node("Gather", ["x", "i2"], "c", Attr("axis", 2L)).Node("Transpose", ["x"], "d").Node("Transpose", ["x"], "e", Attr("perm", new long[] { 1, 0, 2 }))
            .Node("Expand", ["x", "shape"], "f").Node("Constant", [], "cond", Attr("value", cond)).Node("Where", ["cond", "x", "w"], "g")
            .Output("a").Output("b").Output("c").Output("d").Output("e").Output("f").Output("g"), []);
    }

    [Fact]
    public void Slice_before_opset_10_Gather_with_a_matrix_of_indices_and_Dropout_with_its_inputs()
    {
        var ratio = new TensorProto { DataType = (int)TensorProto.Types.DataType.Float };
        ratio.FloatData.Add(0.3f);
        var training = new TensorProto { DataType = (int)TensorProto.Types.DataType.Bool };
        training.Int32Data.Add(0);
        Check(new OnnxModelBuilder(opset: 9).Input("x", 1, 2, 3)
            .Node("Slice", ["x"], "a", Attr("starts", new long[] { 1, 0 }), Attr("ends", new long[] { 2, -1 }), Attr("axes", new long[] { 1, 2 }))
            .Node("Slice", ["x"], "b", Attr("starts", new long[] { 0 }), Attr("ends", new long[] { 1 })).Output("a").Output("b"), []);
        var indices = new TensorProto { DataType = (int)TensorProto.Types.DataType.Int64 };
        indices.Dims.AddRange([2, 2]);
        indices.Int64Data.AddRange([2, 0, -1, 1]);
        Check(new OnnxModelBuilder().Input("x", 1, 3)
            .Node("Constant", [], "i", Attr("value", indices)).Node("Gather", ["x", "i"], "g", Attr("axis", 1L))
            .Node("Constant", [], "ratio", Attr("value", ratio)).Node("Constant", [], "training", Attr("value", training))
            .Node("Dropout", ["g", "ratio", "training"], "y").Output("y"), []);
    }

    [Fact]
    public void The_view_idiom_with_a_symbolic_batch_folds_to_a_reshape()
    {
        var r = new Random(14);
        var zero = new TensorProto { DataType = (int)TensorProto.Types.DataType.Int64 };
        zero.Int64Data.Add(0);
        var model = Check(new OnnxModelBuilder().Input("x", -1, 2, 3).Ints("minus", -1).Ints("axis0", 0).RandomWeights("W", r, 6, 2)
            .Node("Shape", ["x"], "shape").Node("Constant", [], "zero", Attr("value", zero)).Node("Gather", ["shape", "zero"], "batch", Attr("axis", 0L))
            .Node("Unsqueeze", ["batch", "axis0"], "b1").Node("Concat", ["b1", "minus"], "target", Attr("axis", 0L))
            .Node("Reshape", ["x", "target"], "flat").Node("MatMul", ["flat", "W"], "h").Node("Sin", ["h"], "y").Output("y"), []);
        Assert.Equal(3, model.OptimizedNodeCount);
    }

    [Fact]
    public void Unary_operators_at_random_points_and_at_zero()
    {
        Check(new OnnxModelBuilder(opset: 14).Input("x", 1, 3)
            .Node("Abs", ["x"], "abs").Node("Tan", ["x"], "tan").Node("Atan", ["x"], "atan").Node("Sinh", ["x"], "sinh")
            .Node("Cosh", ["x"], "cosh").Node("Asinh", ["x"], "asinh").Node("Atanh", ["x"], "atanh").Node("Softsign", ["x"], "softsign")
            .Node("HardSigmoid", ["x"], "hs", Attr("alpha", 0.5f), Attr("beta", 0.25f))
            .Node("HardSigmoid", ["x"], "torch_hs", Attr("alpha", (float)(1.0 / 6)), Attr("beta", 0.5f)).Node("HardSwish", ["x"], "hsw")
            .Node("Dropout", ["x"], "drop")
            .Output("abs").Output("tan").Output("atan").Output("sinh").Output("cosh").Output("asinh").Output("atanh").Output("softsign")
            .Output("hs").Output("torch_hs").Output("hsw").Output("drop"), [[0, -0.0, 0.5]], scale: 0.9);
        var abs = OnnxModel.Load(new OnnxModelBuilder().Input("x", 1, 2).Node("Abs", ["x"], "y").Output("y").Build());
        Assert.Equal([0, 0, 0, 0], abs.CompileJacobian().Evaluate([0, -0.0]));
    }

    [Fact]
    public void PyTorch_Hardsigmoid_alpha_is_read_as_one_sixth()
    {
        var model = OnnxModel.Load(new OnnxModelBuilder().InputF64("x", 1, 1)
            .Node("HardSigmoid", ["x"], "y", Attr("alpha", (float)(1.0 / 6)), Attr("beta", 0.5f)).Output("y", f64: true).Build());
        Assert.Equal((0.7 + 3) / 6, model.Function.Evaluate([0.7])[0]);
    }

    [Fact]
    public void PRelu_with_one_slope_per_channel_and_variadic_Max_Min_Sum_Mean_broadcast()
    {
        var r = new Random(15);
        Check(new OnnxModelBuilder().Input("x", 1, 3).Input("y", 1, 1).Weights("slope", [3], [0.25, -0.5, 0.1]).Weights("one", [], [0.5])
            .Node("PRelu", ["x", "slope"], "p").Node("PRelu", ["x", "one"], "p1")
            .Node("Max", ["x", "y", "one"], "max").Node("Min", ["x", "y"], "min").Node("Max", ["x"], "max1")
            .Node("Sum", ["x", "y", "one"], "sum").Node("Mean", ["x", "y"], "mean")
            .Output("p").Output("p1").Output("max").Output("min").Output("max1").Output("sum").Output("mean"),
            [[0.3, 0.3, 0.3, 0.3], [0.5, -0.5, 0, 0.5]]);
    }

    [Fact]
    public void Max_of_two_computed_operands_at_a_tie_splits_the_derivative_evenly_as_pytorch()
    {
        var model = OnnxModel.Load(new OnnxModelBuilder().Input("a", 1, 1).Input("b", 1, 1).Node("Max", ["a", "b"], "y").Node("Min", ["a", "b"], "z")
            .Output("y").Output("z").Build());
        Assert.Equal([0.5, 0.5, 0.5, 0.5], model.CompileJacobian().Evaluate([2, 2]));
        Assert.Equal([1, 0, 0, 1], model.Function.Jacobian().Evaluate([3, 2]));
        Assert.Equal([3, 2], model.Function.Evaluate([3, 2]));
        Assert.Equal([-0.0, -1e300], model.CompileValue().Evaluate([-0.0, -1e300]));
    }

    [Fact]
    public void Float_attributes_are_read_as_their_shortest_decimal()
    {
        var model = OnnxModel.Load(new OnnxModelBuilder().InputF64("x", 1, 1).Node("LeakyRelu", ["x"], "y", Attr("alpha", 0.2f)).Output("y", f64: true).Build());
        Assert.Equal(-0.2, model.Function.Evaluate([-1])[0]);
    }

    [Fact]
    public void Refused_forms_name_what_was_expected()
    {
        var computedBound = Assert.Throws<NotSupportedException>(() => OnnxModel.Load(new OnnxModelBuilder().Input("x", 1, 2).Input("m", 1, 1)
            .Node("Clip", ["x", "m"], "y").Output("y").Build()));
        Assert.Contains("the min bound (input 1) must be a constant", computedBound.Message);
        var oldBound = Assert.Throws<InvalidDataException>(() => OnnxModel.Load(new OnnxModelBuilder().Input("x", 1, 2)
            .Node("Clip", ["x"], "y", Attr("min", 0f)).Output("y").Build()));
        Assert.Contains("from opset 11 on the bound is input 1", oldBound.Message);
        var training = Assert.Throws<NotSupportedException>(() => OnnxModel.Load(new OnnxModelBuilder(opset: 15).Input("x", 1, 2)
            .Weights("s", [2], [1, 1]).Weights("b", [2], [0, 0]).Node("BatchNormalization", ["x", "s", "b", "b", "s"], "y", Attr("training_mode", 1L)).Output("y").Build()));
        Assert.Contains("training_mode=1", training.Message);
        var gather = Assert.Throws<InvalidDataException>(() => OnnxModel.Load(new OnnxModelBuilder().Input("x", 1, 2).Ints("i", 2)
            .Node("Gather", ["x", "i"], "y", Attr("axis", 1L)).Output("y").Build()));
        Assert.Contains("index 2 is out of range for axis 1 of size 2", gather.Message);
        var step = Assert.Throws<InvalidDataException>(() => OnnxModel.Load(new OnnxModelBuilder().Input("x", 1, 2).Ints("s", 0).Ints("e", 2).Ints("a", 1).Ints("st", 0)
            .Node("Slice", ["x", "s", "e", "a", "st"], "y").Output("y").Build()));
        Assert.Contains("step 0 is 0", step.Message);
    }

    [Fact]
    public void The_readme_lists_every_supported_operator()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir!.FullName, "TapeAD.sln"))) dir = dir.Parent;
        var readme = File.ReadAllText(Path.Combine(dir.FullName, "README.md"));
        var table = readme[readme.IndexOf("Supported operators", StringComparison.Ordinal)..readme.IndexOf("## Model files", StringComparison.Ordinal)];
        var listed = table.Split('`').Where((_, i) => i % 2 == 1).SelectMany(code => code.Split(' ')).ToHashSet();
        Assert.All(OnnxModel.SupportedOperators, op => Assert.Contains(op, listed));
    }

    /// <summary>
    /// ORT values and finite differences at random points (scaled by <paramref name="scale"/>), the tensor
    /// level against its expansion for every query at those and at <paramref name="edges"/>, whose values are also checked against ORT.
    /// </summary>
    private static OnnxModel Check(OnnxModelBuilder builder, double[][] edges, double scale = 1.5)
    {
        var bytes = builder.Build();
        var model = OnnxModel.Load(bytes, builder.Graph.Node[^1].OpType);
        using var ort = new OrtRunner(bytes, model);
        var f = model.Function;
        var check = new DerivativeCheck(f);
        var random = new Random(42);
        var points = new List<double[]>();
        for (int trial = 0; trial < 4; trial++)
        {
            var x = RandomPoint(random, f.InputLength, scale);
            const double h = 1.0 / 1024;
            check.Against(check.Value, x, new Tolerance(h, 1e-8, 1e-2), new Tolerance(h, 1e-6, 1e-2), "vs FD of tape");
            points.Add(x);
        }
        points.AddRange(edges);
        foreach (var x in points)
        {
            AssertClose(ort.Run(x), f.Evaluate(x), 1e-5, 1e-2, $"value vs ORT at [{string.Join(", ", x)}]");
            var v = RandomPoint(random, f.InputLength, 1);
            foreach (var (name, scalar, tensor) in TensorGraphTests.Pairs(model.Tensor))
            {
                double[] input = tensor.InputLength == x.Length ? x : [.. x, .. v];
                TensorGraphTests.AssertClose(scalar.Evaluate(input), tensor.Evaluate(input), 1e-10, $"{name} at [{string.Join(", ", x)}]");
            }
        }
        return model;
    }
}

using TapeAD.Layers;
using TapeAD.Tape;

namespace TapeAD.Onnx;

/// <summary>LayerNormalization (computed per row) and BatchNormalization (inference: an affine map folded at import).</summary>
internal static class Normalization
{
    /// <summary>
    /// <c>(x − mean) / sqrt(var + ε) · scale + bias</c> over the axes from <c>axis</c> on, the mean and the
    /// (biased) variance of those axes, as PyTorch's <c>layer_norm</c>.
    /// </summary>
    public static Tensor LayerNormalization(NodeContext node)
    {
        var x = node.Input(0);
        if (x.Rank == 0) throw node.Invalid("the input is a scalar; LayerNormalization needs at least one axis");
        int axis = node.Axis(node.Int("axis", -1), x.Rank);
        double epsilon = node.Float("epsilon", 1e-5);
        if (x.Size == 0) return x;
        var layout = AxisLayout.Of(x.Shape, Enumerable.Range(axis, x.Rank - axis).ToHashSet());
        var g = node.Graph;
        int n = layout.Segment, rows = (int)(x.Size / n);
        var each = layout.SegmentOfEach();
        int count = g.Constant(Enumerable.Repeat((double)n, rows).ToArray());
        int t = g.Take(node.NodeOf(x), layout.Order);
        int centred = g.Sub(t, g.Take(g.Div(g.Sum(t, n), count), each));
        int variance = g.Div(g.Sum(g.Mul(centred, centred), n), count);
        int deviation = g.Map(variance, new ElementMap($"sqrt_add({Elementwise.R(epsilon)})", v => VarMath.Sqrt(v + epsilon)));
        var normalised = node.Result(x.Shape, g.Take(g.Div(centred, g.Take(deviation, each)), layout.Inverse()));
        var y = Elementwise.Broadcast(node, normalised, node.Input(1), TensorOp.Mul);
        return node.OptionalInput(2) is { } bias ? Elementwise.Broadcast(node, y, bias, TensorOp.Add) : y;
    }

    /// <summary>
    /// Inference batch normalisation over the channel axis 1: <c>y = x · a + b</c> with the per-channel
    /// constants <c>a = scale / sqrt(var + ε)</c> and <c>b = bias − mean · a</c>, folded at import.
    /// </summary>
    public static Tensor BatchNormalization(NodeContext node)
    {
        if (node.Int("training_mode", 0) != 0)
            throw node.Unsupported("training_mode=1 normalises with the batch's statistics; only inference (training_mode=0) is supported");
        if (node.Attribute("spatial") != null && node.Int("spatial", 1) == 0)
            throw node.Unsupported("spatial=0 (statistics per element, not per channel) is not supported");
        var x = node.Input(0);
        if (x.Rank < 2) throw node.Invalid($"the input should have a batch and a channel axis, got shape {Tensor.Format(x.Shape)}");
        int channels = x.Shape[1];
        double epsilon = node.Float("epsilon", 1e-5);
        double[] scale = Channel(node, 1, "the scale", channels), bias = Channel(node, 2, "the bias", channels),
            mean = Channel(node, 3, "the mean", channels), variance = Channel(node, 4, "the variance", channels);
        int inner = (int)Tensor.SizeOf(x.Shape.Skip(2));
        var a = new double[x.Size];
        var b = new double[x.Size];
        for (int i = 0; i < a.Length; i++)
        {
            int c = i / inner % channels;
            a[i] = scale[c] / Math.Sqrt(variance[c] + epsilon);
            b[i] = bias[c] - mean[c] * a[i];
        }
        if (x.Size == 0) return x;
        var g = node.Graph;
        return node.Result(x.Shape, g.Add(g.Mul(node.NodeOf(x), g.Constant(a)), g.Constant(b)));
    }

    private static double[] Channel(NodeContext node, int input, string what, int channels)
    {
        var v = node.ConstantInput(input, what);
        return v.Length == channels ? v
            : throw node.Invalid($"{what} (input {input}) should hold one value per channel ({channels}), got shape {Tensor.Format(node.Input(input).Shape)}");
    }
}

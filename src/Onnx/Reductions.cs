using TapeAD.Layers;
using TapeAD.Tape;

namespace TapeAD.Onnx;

/// <summary>
/// Reductions over axes (ReduceSum, ReduceMean, ReduceMax, ReduceMin) and the normalised exponentials
/// (Softmax, LogSoftmax). Each brings the reduced axes innermost with one take (<see cref="AxisLayout"/>),
/// then reduces each segment: a sum node, or a tree of pairwise <see cref="Selection.Extreme"/>.
/// </summary>
internal static class Reductions
{
    private static readonly ElementMap Exp = new("exp", VarMath.Exp);
    private static readonly ElementMap Log = new("log", VarMath.Log);

    /// <summary>The attributes every Reduce* operator accepts.</summary>
    public static readonly string[] Attributes = ["axes", "keepdims", "noop_with_empty_axes"];

    public enum Kind { Sum, Mean, Max, Min }

    public static Tensor Reduce(NodeContext node, Kind kind)
    {
        var x = node.Input(0);
        var axes = ReducedAxes(node, x.Rank);
        if (axes == null) return x; // noop_with_empty_axes with no axes
        var layout = AxisLayout.Of(x.Shape, axes);
        var shape = node.Int("keepdims", 1) != 0 ? layout.KeptShape : layout.DroppedShape;
        if (x.Size == 0)
        {
            if (Tensor.SizeOf(shape) == 0) return Tensor.Constant(shape, []);
            throw node.Unsupported($"reducing the empty tensor of shape {Tensor.Format(x.Shape)}");
        }
        var g = node.Graph;
        int t = g.Take(node.NodeOf(x), layout.Order);
        int n = layout.Segment;
        int y = kind switch
        {
            Kind.Sum => g.Sum(t, n),
            Kind.Mean => g.Div(g.Sum(t, n), g.Constant(Enumerable.Repeat((double)n, (int)(x.Size / n)).ToArray())),
            _ => SegmentExtreme(g, t, n, kind == Kind.Max),
        };
        return node.Result(shape, y);
    }

    /// <summary>
    /// The max (or min) of each segment of <paramref name="segment"/> consecutive entries: halves paired
    /// until one entry is left (an odd middle entry is paired with itself). At a tie of two entries each
    /// gets half the derivative (PyTorch's <c>amax</c>); ties of more split by the pairing, not evenly.
    /// </summary>
    public static int SegmentExtreme(TensorGraph g, int x, int segment, bool max)
    {
        int groups = g[x].Width / segment;
        for (int k = segment; k > 1;)
        {
            int half = (k + 1) / 2;
            int[] left = new int[groups * half], right = new int[groups * half];
            for (int s = 0; s < groups; s++)
                for (int j = 0; j < half; j++)
                {
                    left[s * half + j] = s * k + j;
                    right[s * half + j] = s * k + (j + half < k ? j + half : j);
                }
            x = Selection.Extreme(g, g.Take(x, left), g.Take(x, right), max);
            k = half;
        }
        return x;
    }

    /// <summary>
    /// Softmax or LogSoftmax over one axis (opset 13 on) or, before opset 13, over the axes from
    /// <c>axis</c> on (the input coerced to 2-D). Max-shifted: <c>z = x − max x</c>, then
    /// <c>exp z / Σ exp z</c> or <c>z − log Σ exp z</c>, so large logits neither overflow nor lose
    /// the small ones. The shift's derivative cancels in the result, as it does mathematically.
    /// </summary>
    public static Tensor Softmax(NodeContext node, bool log)
    {
        var x = node.Input(0);
        if (x.Rank == 0) throw node.Invalid("the input is a scalar; Softmax needs at least one axis");
        int axis = node.Axis(node.Int("axis", node.Opset >= 13 ? -1 : 1), x.Rank);
        var axes = node.Opset >= 13 ? new HashSet<int> { axis } : Enumerable.Range(axis, x.Rank - axis).ToHashSet();
        if (x.Size == 0) return x;
        var layout = AxisLayout.Of(x.Shape, axes);
        var g = node.Graph;
        int n = layout.Segment;
        int t = g.Take(node.NodeOf(x), layout.Order);
        var each = layout.SegmentOfEach();
        int z = g.Sub(t, g.Take(SegmentExtreme(g, t, n, max: true), each));
        int e = g.Map(z, Exp);
        int total = g.Sum(e, n);
        int y = log ? g.Sub(z, g.Take(g.Map(total, Log), each)) : g.Div(e, g.Take(total, each));
        return node.Result(x.Shape, g.Take(y, layout.Inverse()));
    }

    /// <summary>The reduced axes: the second operand (ReduceSum from opset 13, the others from 18) or the
    /// <c>axes</c> attribute; all axes when neither is given, or null (no reduction) with <c>noop_with_empty_axes</c>.</summary>
    private static HashSet<int>? ReducedAxes(NodeContext node, int rank)
    {
        long[]? given = node.OptionalInput(1) != null ? [.. node.ConstantInput(1, "the axes").Select(a => (long)a)] : node.Ints("axes");
        if (given == null || given.Length == 0)
            return node.Int("noop_with_empty_axes", 0) != 0 ? null : Enumerable.Range(0, rank).ToHashSet();
        var axes = new HashSet<int>();
        foreach (long a in given)
            if (!axes.Add(node.Axis(a, rank))) throw node.Invalid($"axis {a} is repeated");
        return axes;
    }
}

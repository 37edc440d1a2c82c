using TapeAD.Layers;
using TapeAD.Tape;

namespace TapeAD.Onnx;

/// <summary>
/// Operators that pick between values: elementwise Max/Min (variadic, broadcasting), Where, Clip.
/// </summary>
/// <remarks>
/// The elementwise maximum of two computed vectors is the composition <c>a·m + b·(1 − m)</c> with the
/// mask <c>m = (1 + sign(a − b)) / 2</c>, a map whose derivatives are zero. The value is exact
/// (<c>a·1 + b·0 = a</c>), the derivative rows are the chosen operand's, and at a tie <c>m = ½</c>, so
/// each operand gets half the derivative, as PyTorch's <c>maximum</c> does. The tensor graph needs no
/// new node kind for it: its product rule (exact at second order) already gives these rows in every
/// pass. The one cost: an infinite operand that loses multiplies 0 and gives NaN, where max gives the winner.
/// </remarks>
internal static class Selection
{
    // (1 + sign(d)) / 2 and (1 − sign(d)) / 2: 1 or 0 away from a tie, ½ at d = ±0, NaN for NaN.
    private static readonly ElementMap Winner = new("max_mask", d => 0.5 + 0.5 * VarMath.Sign(d));
    private static readonly ElementMap Loser = new("min_mask", d => 0.5 - 0.5 * VarMath.Sign(d));

    /// <summary>The elementwise max (or min) of two nodes of equal width.</summary>
    public static int Extreme(TensorGraph g, int a, int b, bool max)
    {
        if (a == b) return a;
        int d = g.Sub(a, b);
        int ma = g.Map(d, max ? Winner : Loser), mb = g.Map(d, max ? Loser : Winner);
        return g.Add(g.Mul(a, ma), g.Mul(b, mb));
    }

    /// <summary>Max or Min of one or more operands, broadcast together.</summary>
    public static Tensor MaxMin(NodeContext node, bool max)
    {
        var result = node.Input(0);
        for (int i = 1; i < node.InputCount; i++)
        {
            var next = node.Input(i);
            var (shape, ia, ib) = Elementwise.BroadcastIndices(node, result, next);
            if (ia.Length == 0) { result = Tensor.Constant(shape, []); continue; }
            var g = node.Graph;
            result = node.Result(shape, Extreme(g, g.Take(node.NodeOf(result), ia), g.Take(node.NodeOf(next), ib), max));
        }
        return result;
    }

    /// <summary>Where(condition, x, y) for a constant condition: each element taken from x or y.</summary>
    public static Tensor Where(NodeContext node)
    {
        var condition = node.Input(0);
        var c = node.ConstantInput(0, "the condition");
        Tensor x = node.Input(1), y = node.Input(2);
        var (first, ic, ix) = Elementwise.BroadcastIndices(node, condition, x);
        var (shape, i1, iy) = Elementwise.BroadcastIndices(node, Tensor.Constant(first, new double[Tensor.SizeOf(first)]), y);
        if (i1.Length == 0) return Tensor.Constant(shape, []);
        int xs = (int)x.Size;
        var g = node.Graph;
        // Positions in [x elements, y elements]; an empty operand that is never chosen is left out.
        var picks = new int[i1.Length];
        for (int k = 0; k < picks.Length; k++) picks[k] = c[ic[i1[k]]] != 0 ? ix[i1[k]] : xs + iy[k];
        bool anyX = picks.Any(p => p < xs), anyY = picks.Any(p => p >= xs);
        int joined = anyX && anyY ? g.Concat(node.NodeOf(x), node.NodeOf(y)) : anyX ? node.NodeOf(x) : node.NodeOf(y);
        if (!anyX) for (int k = 0; k < picks.Length; k++) picks[k] -= xs;
        return node.Result(shape, g.Take(joined, picks));
    }

    /// <summary>
    /// Clip: x limited to [min, max], the bounds as inputs (opset 11 on) or attributes (before), each
    /// optional. Inside and at the bounds the derivative is x's (PyTorch's <c>clamp</c>); beyond, zero.
    /// </summary>
    public static Tensor Clip(NodeContext node)
    {
        var x = node.Input(0);
        double? lo = Bound(node, 1, "min"), hi = Bound(node, 2, "max");
        if (lo is double l && hi is double h && l > h)
            throw node.Unsupported($"min {Elementwise.R(l)} exceeds max {Elementwise.R(h)}");
        var map = (lo, hi) switch
        {
            (double l2, double h2) => new ElementMap($"clip({Elementwise.R(l2)}, {Elementwise.R(h2)})", v => VarMath.Clamp(v, l2, h2)),
            (double l2, null) => new ElementMap($"clip_min({Elementwise.R(l2)})", v => VarMath.Clamp(v, l2, double.PositiveInfinity)),
            (null, double h2) => new ElementMap($"clip_max({Elementwise.R(h2)})", v => VarMath.Clamp(v, double.NegativeInfinity, h2)),
            _ => ElementMap.Identity,
        };
        return Elementwise.Map(node, x, map);
    }

    private static double? Bound(NodeContext node, int input, string attribute)
    {
        if (node.Opset < 11) return node.Attribute(attribute) != null ? node.Float(attribute, 0) : null;
        if (node.Attribute(attribute) != null)
            throw node.Invalid($"attribute '{attribute}' belongs to Clip before opset 11; from opset 11 on the bound is input {input}");
        if (node.OptionalInput(input) is not { } t) return null;
        var v = node.ConstantInput(input, $"the {attribute} bound");
        if (v.Length != 1) throw node.Invalid($"the {attribute} bound should be a scalar, got shape {Tensor.Format(t.Shape)}");
        return v[0];
    }
}

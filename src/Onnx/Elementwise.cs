using System.Globalization;
using TapeAD.Layers;
using TapeAD.Tape;

namespace TapeAD.Onnx;

/// <summary>Elementwise operators: one <see cref="ElementMap"/> per element, and numpy-style broadcasting for two operands.</summary>
internal static class Elementwise
{
    /// <summary><paramref name="f"/> of every element (folded for a constant).</summary>
    public static Tensor Map(NodeContext node, Tensor x, ElementMap f) =>
        x.IsConstant ? Tensor.Constant(x.Shape, Array.ConvertAll(x.Values!, f.Evaluate)) : Tensor.Computed(x.Shape, node.Graph.Map(x.Node, f));

    /// <summary>A map per element whose parameter differs between elements (an exponent vector): the elements
    /// with one parameter value are taken out, mapped together, and put back in place.</summary>
    public static Tensor MapEach(NodeContext node, Tensor x, double[] parameters, Func<double, ElementMap> f)
    {
        if (parameters.Distinct().Count() == 1) return Map(node, x, f(parameters[0]));
        if (x.IsConstant) return Tensor.Constant(x.Shape, [.. x.Values!.Select((v, i) => f(parameters[i]).Evaluate(v))]);
        var g = node.Graph;
        var groups = Enumerable.Range(0, parameters.Length).GroupBy(i => BitConverter.DoubleToInt64Bits(parameters[i])).ToArray();
        var parts = groups.Select(grp => g.Map(g.Take(x.Node, [.. grp]), f(parameters[grp.First()]))).ToArray();
        var order = groups.SelectMany(grp => grp).ToArray();
        var back = new int[order.Length];
        for (int k = 0; k < order.Length; k++) back[order[k]] = k;
        return Tensor.Computed(x.Shape, g.Take(g.Concat(parts), back));
    }

    /// <summary>
    /// <paramref name="op"/> of <paramref name="a"/> and <paramref name="b"/> broadcast to a common shape (ONNX
    /// multidirectional broadcasting: shapes aligned on the right, a dimension of 1 stretches). A computed
    /// operand that stretches is taken with repeated indices; a constant is stretched when read.
    /// </summary>
    public static Tensor Broadcast(NodeContext node, Tensor a, Tensor b, TensorOp op)
    {
        var (shape, ia, ib) = BroadcastIndices(node, a, b);
        if (a.IsConstant && b.IsConstant)
        {
            var r = new double[ia.Length];
            for (int k = 0; k < r.Length; k++) r[k] = TensorGraph.Fold(op, a.Values![ia[k]], b.Values![ib[k]]);
            return Tensor.Constant(shape, r);
        }
        if (ia.Length == 0) return Tensor.Constant(shape, []);
        return node.Result(shape, node.Graph.Binary(op, Stretched(node, a, ia), Stretched(node, b, ib)));
    }

    /// <summary>The common shape and, for each of its elements, the element of each operand it reads.</summary>
    public static (int[] Shape, int[] A, int[] B) BroadcastIndices(NodeContext node, Tensor a, Tensor b)
    {
        int rank = Math.Max(a.Rank, b.Rank);
        var shape = new int[rank];
        var strideA = new int[rank];
        var strideB = new int[rank];
        int sa = 1, sb = 1;
        for (int d = rank - 1; d >= 0; d--)
        {
            int da = DimFromRight(a, rank - 1 - d), db = DimFromRight(b, rank - 1 - d);
            if (da != db && da != 1 && db != 1)
                throw node.Invalid($"shapes {Tensor.Format(a.Shape)} and {Tensor.Format(b.Shape)} do not broadcast");
            shape[d] = da == 1 ? db : da;
            strideA[d] = da == 1 ? 0 : sa;
            strideB[d] = db == 1 ? 0 : sb;
            sa *= da;
            sb *= db;
        }
        if (OnnxLimits.TooLarge(shape) is { } tooLarge) throw node.Unsupported($"the broadcast result's {tooLarge}");
        long size = Tensor.SizeOf(shape);
        var ia = new int[size];
        var ib = new int[size];
        var index = new int[rank];
        int pa = 0, pb = 0;
        for (int k = 0; k < size; k++)
        {
            ia[k] = pa;
            ib[k] = pb;
            for (int d = rank - 1; d >= 0; d--)
            {
                index[d]++;
                pa += strideA[d];
                pb += strideB[d];
                if (index[d] < shape[d]) break;
                pa -= strideA[d] * shape[d];
                pb -= strideB[d] * shape[d];
                index[d] = 0;
            }
        }
        return (shape, ia, ib);
    }

    // The operand's elements in the broadcast order, as a node.
    private static int Stretched(NodeContext node, Tensor t, int[] indices) =>
        t.IsConstant ? node.Graph.Constant([.. indices.Select(i => t.Values![i])]) : node.Graph.Take(t.Node, indices);

    /// <summary><c>x^k</c> for a constant exponent (one per element after broadcasting, or one for all).</summary>
    public static Tensor Pow(NodeContext node)
    {
        Tensor x = node.Input(0), k = node.Input(1);
        if (!k.IsConstant) throw node.Unsupported("the exponent must be a constant (an initializer or Constant), not computed from the inputs");
        var (shape, ix, ik) = BroadcastIndices(node, x, k);
        var stretched = x.Shape.SequenceEqual(shape) ? x
            : x.IsConstant ? Tensor.Constant(shape, [.. ix.Select(i => x.Values![i])]) : Tensor.Computed(shape, node.Graph.Take(x.Node, ix));
        return MapEach(node, stretched, [.. ik.Select(i => k.Values![i])],
            e => new ElementMap($"pow({e.ToString("R", CultureInfo.InvariantCulture)})", v => VarMath.Pow(v, e)));
    }

    /// <summary>Selu; the ONNX defaults (which exporters write as float32) use <see cref="VarMath.Selu"/>.</summary>
    public static Tensor Selu(NodeContext node)
    {
        const float defaultAlpha = 1.67326319217681884765625f, defaultGamma = 1.05070102214813232421875f;
        double alpha = node.Float("alpha", defaultAlpha), gamma = node.Float("gamma", defaultGamma);
        return (alpha == defaultAlpha || alpha == NodeContext.Decimal(defaultAlpha)) && (gamma == defaultGamma || gamma == NodeContext.Decimal(defaultGamma))
            ? Map(node, node.Input(0), new ElementMap("selu", VarMath.Selu))
            : Map(node, node.Input(0), new ElementMap($"selu({R(alpha)}, {R(gamma)})", x => gamma * VarMath.Elu(x, alpha)));
    }

    /// <summary>Gelu (opset 20): <c>approximate="none"</c> is the erf form, <c>"tanh"</c> the tanh form.</summary>
    public static Tensor Gelu(NodeContext node) => node.String("approximate", "none") switch
    {
        "none" => Map(node, node.Input(0), new ElementMap("gelu_erf", VarMath.GeluErf)),
        "tanh" => Map(node, node.Input(0), new ElementMap("gelu", VarMath.Gelu)),
        var other => throw node.Unsupported($"approximate=\"{other}\" is not a Gelu form (supported: \"none\", \"tanh\")"),
    };

    /// <summary>PRelu: x where positive, else slope · x, the constant slope broadcast to x's shape (one map per distinct slope).</summary>
    public static Tensor PRelu(NodeContext node)
    {
        var x = node.Input(0);
        var slope = node.ConstantInput(1, "the slope");
        var (shape, _, ib) = BroadcastIndices(node, x, node.Input(1));
        if (!shape.SequenceEqual(x.Shape))
            throw node.Invalid($"the slope of shape {Tensor.Format(node.Input(1).Shape)} does not broadcast to the input's {Tensor.Format(x.Shape)}");
        if (x.Size == 0) return x;
        return MapEach(node, x, [.. ib.Select(i => slope[i])], a => new ElementMap($"leaky_relu({R(a)})", v => VarMath.LeakyRelu(v, a)));
    }

    /// <summary>
    /// HardSigmoid <c>max(0, min(1, αx + β))</c>. PyTorch's <c>Hardsigmoid</c> exports α = 1/6 as float32;
    /// that pair is read as PyTorch's <c>(x + 3) / 6</c>, exact in float64. Derivative 0 at the kinks, as PyTorch's.
    /// </summary>
    public static Tensor HardSigmoid(NodeContext node)
    {
        double alpha = node.Float("alpha", 0.2), beta = node.Float("beta", 0.5);
        bool pytorch = alpha == NodeContext.Decimal((float)(1.0 / 6)) && beta == 0.5;
        return Map(node, node.Input(0), pytorch ? new ElementMap("hardsigmoid", VarMath.Hardsigmoid)
            : new ElementMap($"hard_sigmoid({R(alpha)}, {R(beta)})", v => VarMath.Hardtanh(alpha * v + beta, 0, 1)));
    }

    /// <summary>Sum or Mean of one or more operands, broadcast together, added left to right.</summary>
    public static Tensor Variadic(NodeContext node, bool mean)
    {
        var total = node.Input(0);
        for (int i = 1; i < node.InputCount; i++) total = Broadcast(node, total, node.Input(i), TensorOp.Add);
        return mean && node.InputCount > 1 ? Broadcast(node, total, Tensor.Constant([], [node.InputCount]), TensorOp.Div) : total;
    }

    public static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static int DimFromRight(Tensor t, int k) => k < t.Rank ? t.Shape[t.Rank - 1 - k] : 1;
}

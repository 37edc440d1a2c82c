using TapeAD.Tape;

namespace TapeAD.Onnx;

/// <summary>Elementwise operators: one function per element, and numpy-style broadcasting for two operands.</summary>
internal static class Elementwise
{
    public static Tensor Map(Tensor x, Func<Var, Var> f) => new(x.Shape, Array.ConvertAll(x.Data, v => f(v)));

    /// <summary>
    /// Applies <paramref name="f"/> to <paramref name="a"/> and <paramref name="b"/> broadcast to a
    /// common shape (ONNX multidirectional broadcasting: shapes aligned on the right, a dimension of 1
    /// stretches). Walks the result with an index counter, so any rank works without recursion.
    /// </summary>
    public static Tensor Broadcast(NodeContext node, Tensor a, Tensor b, Func<Var, Var, Var> f)
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
        var result = new Var[Tensor.SizeOf(shape)];
        var index = new int[rank];
        int ia = 0, ib = 0;
        for (int k = 0; k < result.Length; k++)
        {
            result[k] = f(a.Data[ia], b.Data[ib]);
            for (int d = rank - 1; d >= 0; d--)
            {
                index[d]++;
                ia += strideA[d];
                ib += strideB[d];
                if (index[d] < shape[d]) break;
                ia -= strideA[d] * shape[d];
                ib -= strideB[d] * shape[d];
                index[d] = 0;
            }
        }
        return new Tensor(shape, result);
    }

    /// <summary><c>x^k</c> for an exponent that is a constant element.</summary>
    public static Tensor Pow(NodeContext node) =>
        Broadcast(node, node.Input(0), node.Input(1), (x, k) =>
            k.Graph.OpOf(k.Node) == Op.Constant
                ? VarMath.Pow(x, k.Graph.ConstantOf(k.Node))
                : throw node.Unsupported("the exponent must be a constant (an initializer or Constant), not computed from the inputs"));

    /// <summary>Selu; the ONNX defaults (which exporters write as float32) use <see cref="VarMath.Selu"/>.</summary>
    public static Tensor Selu(NodeContext node)
    {
        const float defaultAlpha = 1.67326319217681884765625f, defaultGamma = 1.05070102214813232421875f;
        double alpha = node.Float("alpha", defaultAlpha), gamma = node.Float("gamma", defaultGamma);
        return alpha == defaultAlpha && gamma == defaultGamma
            ? Map(node.Input(0), VarMath.Selu)
            : Map(node.Input(0), x => gamma * VarMath.Elu(x, alpha));
    }

    /// <summary>Gelu (opset 20): <c>approximate="none"</c> is the erf form, <c>"tanh"</c> the tanh form.</summary>
    public static Tensor Gelu(NodeContext node) => node.String("approximate", "none") switch
    {
        "none" => Map(node.Input(0), VarMath.GeluErf),
        "tanh" => Map(node.Input(0), VarMath.Gelu),
        var other => throw node.Unsupported($"approximate=\"{other}\" is not a Gelu form (supported: \"none\", \"tanh\")"),
    };

    private static int DimFromRight(Tensor t, int k) => k < t.Rank ? t.Shape[t.Rank - 1 - k] : 1;
}

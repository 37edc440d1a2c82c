using TapeAD.Tape;

namespace TapeAD.Onnx;

/// <summary>Gemm and MatMul on matrices and vectors, as sums of products on the tape.</summary>
internal static class LinearAlgebra
{
    /// <summary><c>Y = alpha · op(A) · op(B) + beta · C</c>, op transposing when transA/transB is 1;
    /// C broadcasts to the result's shape.</summary>
    public static Tensor Gemm(NodeContext node)
    {
        Tensor a = node.Input(0), b = node.Input(1);
        if (a.Rank != 2 || b.Rank != 2)
            throw node.Invalid($"A and B must be matrices, got shapes {Tensor.Format(a.Shape)} and {Tensor.Format(b.Shape)}");
        double alpha = node.Float("alpha", 1.0), beta = node.Float("beta", 1.0);
        var product = Product(node, a, b, Flag(node, "transA"), Flag(node, "transB"));
        var scaled = Elementwise.Map(product, p => alpha * p);
        if (node.OptionalInput(2) is not { } c) return scaled;
        var y = Elementwise.Broadcast(node, scaled, c, (p, q) => p + beta * q);
        if (!y.Shape.SequenceEqual(product.Shape))
            throw node.Invalid($"C of shape {Tensor.Format(c.Shape)} does not broadcast to the product's shape {Tensor.Format(product.Shape)}");
        return y;
    }

    /// <summary>numpy matmul for operands of rank 1 or 2 (a vector operand gains, then loses, a dimension of 1).</summary>
    public static Tensor MatMul(NodeContext node)
    {
        Tensor a = node.Input(0), b = node.Input(1);
        if (a.Rank is < 1 or > 2 || b.Rank is < 1 or > 2)
            throw node.Unsupported($"operands of rank 1 or 2 are supported, got shapes {Tensor.Format(a.Shape)} and {Tensor.Format(b.Shape)}");
        var y = Product(node, a.Rank == 1 ? a.Reshaped([1, a.Shape[0]]) : a, b.Rank == 1 ? b.Reshaped([b.Shape[0], 1]) : b, false, false);
        int[] shape = (a.Rank, b.Rank) switch
        {
            (1, 1) => [],
            (1, _) => [y.Shape[1]],
            (_, 1) => [y.Shape[0]],
            _ => y.Shape,
        };
        return y.Reshaped(shape);
    }

    private static Tensor Product(NodeContext node, Tensor a, Tensor b, bool transA, bool transB)
    {
        int m = transA ? a.Shape[1] : a.Shape[0], k = transA ? a.Shape[0] : a.Shape[1];
        int kb = transB ? b.Shape[1] : b.Shape[0], n = transB ? b.Shape[0] : b.Shape[1];
        if (k != kb)
            throw node.Invalid($"inner dimensions differ: {Tensor.Format(a.Shape)}{(transA ? "ᵀ" : "")} times {Tensor.Format(b.Shape)}{(transB ? "ᵀ" : "")}");
        if (OnnxLimits.TooLarge([m, n]) is { } tooLarge) throw node.Unsupported($"the product's {tooLarge}");
        var y = new Var[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                Var sum = node.Constant(0);
                for (int p = 0; p < k; p++)
                {
                    var term = a.Data[transA ? p * m + i : i * k + p] * b.Data[transB ? j * k + p : p * n + j];
                    sum = p == 0 ? term : sum + term;
                }
                y[i * n + j] = sum;
            }
        return new Tensor([m, n], y);
    }

    private static bool Flag(NodeContext node, string name) => node.Int(name, 0) switch
    {
        0 => false,
        1 => true,
        var v => throw node.Invalid($"attribute {name} must be 0 or 1, got {v}"),
    };
}

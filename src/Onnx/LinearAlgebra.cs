using TapeAD.Layers;

namespace TapeAD.Onnx;

/// <summary>Gemm and MatMul: a product with a constant matrix is one <see cref="TensorOp.MatMul"/> node.</summary>
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
        var product = Product(node, Flag(node, "transA") ? Transposed(node, a) : a, Flag(node, "transB") ? Transposed(node, b) : b);
        if (alpha != 1) product = Elementwise.Broadcast(node, product, Tensor.Constant([], [alpha]), TensorOp.Mul);
        if (node.OptionalInput(2) is not { } c) return product;
        if (beta != 1) c = Elementwise.Broadcast(node, c, Tensor.Constant([], [beta]), TensorOp.Mul);
        var y = Elementwise.Broadcast(node, product, c, TensorOp.Add);
        if (!y.Shape.SequenceEqual(product.Shape))
            throw node.Invalid($"C of shape {Tensor.Format(c.Shape)} does not broadcast to the product's shape {Tensor.Format(product.Shape)}");
        return y;
    }

    /// <summary>numpy matmul for operands of rank 1 or 2 (a vector operand gains, then loses, a dimension of 1),
    /// and a first operand of higher rank times a matrix (its leading dimensions are rows).</summary>
    public static Tensor MatMul(NodeContext node)
    {
        Tensor a = node.Input(0), b = node.Input(1);
        if (a.Rank < 1 || b.Rank is < 1 or > 2)
            throw node.Unsupported($"operands of rank 1 or 2 (or a first operand of higher rank times a matrix) are supported, got shapes {Tensor.Format(a.Shape)} and {Tensor.Format(b.Shape)}");
        if (a.Rank > 2)
        {
            if (b.Rank != 2) throw node.Unsupported($"a rank-{a.Rank} operand times a vector is not supported, got shapes {Tensor.Format(a.Shape)} and {Tensor.Format(b.Shape)}");
            var flat = Product(node, a.Reshaped([checked((int)Tensor.SizeOf(a.Shape[..^1])), a.Shape[^1]]), b);
            return flat.Reshaped([.. a.Shape[..^1], b.Shape[1]]);
        }
        var y = Product(node, a.Rank == 1 ? a.Reshaped([1, a.Shape[0]]) : a, b.Rank == 1 ? b.Reshaped([b.Shape[0], 1]) : b);
        int[] shape = (a.Rank, b.Rank) switch
        {
            (1, 1) => [],
            (1, _) => [y.Shape[1]],
            (_, 1) => [y.Shape[0]],
            _ => y.Shape,
        };
        return y.Reshaped(shape);
    }

    // [m, k] × [k, n]. Computed × constant: one product node with W = Bᵀ, one group per row of A.
    // Constant × computed: the same on the transposes. Computed × computed: every (i, j) pairs row i of A
    // with column j of B, multiplies and sums.
    private static Tensor Product(NodeContext node, Tensor a, Tensor b)
    {
        int m = a.Shape[0], k = a.Shape[1], kb = b.Shape[0], n = b.Shape[1];
        if (k != kb)
            throw node.Invalid($"inner dimensions differ: {Tensor.Format(a.Shape)} times {Tensor.Format(b.Shape)}");
        if (OnnxLimits.TooLarge([m, n]) is { } tooLarge) throw node.Unsupported($"the product's {tooLarge}");
        long size = (long)m * n;
        if (size == 0) return Tensor.Constant([m, n], []);
        if (k == 0) return Tensor.Constant([m, n], new double[size]);
        var g = node.Graph;
        if (a.IsConstant && b.IsConstant)
        {
            var y = new double[size];
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double sum = a.Values![(long)i * k] * b.Values![j];
                    for (int p = 1; p < k; p++) sum += a.Values[(long)i * k + p] * b.Values[(long)p * n + j];
                    y[(long)i * n + j] = sum;
                }
            return Tensor.Constant([m, n], y);
        }
        if (b.IsConstant)
            return node.Result([m, n], g.MatMul(a.Node, Transposed(node, b).Values!, n, k));
        if (a.IsConstant)
        {
            // (A B)ᵀ = Bᵀ Aᵀ: Bᵀ's rows are B's columns.
            int bt = n == 1 ? b.Node : g.Take(b.Node, TransposeIndices(k, n));
            int yt = g.MatMul(bt, a.Values!, m, k);
            return node.Result([m, n], n == 1 ? yt : g.Take(yt, TransposeIndices(n, m)));
        }
        // Every (i, j) reads a row and a column: m·n·k pairs, as large as the tensors it may build.
        if (OnnxLimits.TooLarge([m, n, k]) is { } pairs) throw node.Unsupported($"the product of two computed matrices pairs {pairs}");
        var rows = new int[size * k];
        var cols = new int[size * k];
        for (int i = 0, at = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                for (int p = 0; p < k; p++, at++)
                {
                    rows[at] = i * k + p;
                    cols[at] = p * n + j;
                }
        return node.Result([m, n], g.Sum(g.Mul(g.Take(a.Node, rows), g.Take(b.Node, cols)), k));
    }

    /// <summary>The transpose of a matrix: its constant elements moved, or a take of the computed ones.</summary>
    public static Tensor Transposed(NodeContext node, Tensor t)
    {
        int r = t.Shape[0], c = t.Shape[1];
        var indices = TransposeIndices(r, c);
        if (t.IsConstant) return Tensor.Constant([c, r], Array.ConvertAll(indices, i => t.Values![i]));
        return t.Size == 0 ? Tensor.Constant([c, r], []) : Tensor.Computed([c, r], node.Graph.Take(t.Node, indices));
    }

    /// <summary>Element (j, i) of the c × r transpose of an r × c matrix is element i·c + j.</summary>
    private static int[] TransposeIndices(int r, int c)
    {
        var indices = new int[(long)r * c];
        for (int j = 0; j < c; j++)
            for (int i = 0; i < r; i++) indices[(long)j * r + i] = i * c + j;
        return indices;
    }

    private static bool Flag(NodeContext node, string name) => node.Int(name, 0) switch
    {
        0 => false,
        1 => true,
        var v => throw node.Invalid($"attribute {name} must be 0 or 1, got {v}"),
    };
}

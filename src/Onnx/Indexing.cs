namespace TapeAD.Onnx;

/// <summary>
/// Operators that pick elements by position (Slice, Gather with constant indices, Transpose, Expand)
/// and Shape. Each is one take of the operand's elements; on a constant (the int64 shape arithmetic
/// PyTorch emits for <c>x.view(x.size(0), -1)</c>) it folds, so Shape → Gather → Unsqueeze → Concat →
/// Reshape leaves only the reshape.
/// </summary>
internal static class Indexing
{
    /// <summary>Shape: the operand's dimensions as int64, optionally those in <c>[start, end)</c> (opset 15).</summary>
    public static Tensor Shape(NodeContext node)
    {
        var x = node.Input(0);
        int rank = x.Rank;
        int start = (int)Math.Clamp(Wrap(node.Int("start", 0), rank), 0, rank), end = (int)Math.Clamp(Wrap(node.Int("end", rank), rank), 0, rank);
        var dims = x.Shape.Skip(start).Take(Math.Max(0, end - start)).Select(d => (double)d).ToArray();
        return Tensor.Constant([dims.Length], dims);
    }

    /// <summary>Gather along <c>axis</c> with constant indices (negative ones count from the end).</summary>
    public static Tensor Gather(NodeContext node)
    {
        var x = node.Input(0);
        var indexTensor = node.Input(1);
        var indices = node.ConstantInput(1, "the indices");
        if (x.Rank == 0) throw node.Invalid("the data is a scalar; Gather needs an axis");
        int axis = node.Axis(node.Int("axis", 0), x.Rank);
        int n = x.Shape[axis];
        var picked = new int[indices.Length];
        for (int k = 0; k < picked.Length; k++)
        {
            double i = indices[k];
            if (i < -n || i >= n) throw node.Invalid($"index {i} is out of range for axis {axis} of size {n}");
            picked[k] = (int)(i < 0 ? i + n : i);
        }
        int outer = (int)Tensor.SizeOf(x.Shape.Take(axis)), inner = (int)Tensor.SizeOf(x.Shape.Skip(axis + 1));
        int[] shape = [.. x.Shape.Take(axis), .. indexTensor.Shape, .. x.Shape.Skip(axis + 1)];
        var order = new int[(long)outer * picked.Length * inner];
        int at = 0;
        for (int o = 0; o < outer; o++)
            foreach (int p in picked)
                for (int e = 0; e < inner; e++) order[at++] = (o * n + p) * inner + e;
        return Pick(node, x, shape, order);
    }

    /// <summary>Slice with starts, ends and optional axes and steps as constant inputs (opset 10 on) or attributes (before).</summary>
    public static Tensor Slice(NodeContext node)
    {
        var x = node.Input(0);
        long[] starts, ends, axes, steps;
        if (node.Opset < 10)
        {
            starts = node.Ints("starts") ?? throw node.Invalid("the starts attribute is required");
            ends = node.Ints("ends") ?? throw node.Invalid("the ends attribute is required");
            axes = node.Ints("axes") ?? [.. Enumerable.Range(0, starts.Length).Select(a => (long)a)];
            steps = [.. starts.Select(_ => 1L)];
        }
        else
        {
            starts = Longs(node, 1, "the starts");
            ends = Longs(node, 2, "the ends");
            axes = node.OptionalInput(3) != null ? Longs(node, 3, "the axes") : [.. Enumerable.Range(0, starts.Length).Select(a => (long)a)];
            steps = node.OptionalInput(4) != null ? Longs(node, 4, "the steps") : [.. starts.Select(_ => 1L)];
        }
        if (ends.Length != starts.Length || axes.Length != starts.Length || steps.Length != starts.Length)
            throw node.Invalid($"starts, ends, axes and steps should have one entry each per sliced axis, got {starts.Length}, {ends.Length}, {axes.Length}, {steps.Length}");
        // Per dimension, the positions it keeps (all of them unless sliced).
        var kept = x.Shape.Select(n => Enumerable.Range(0, n).ToArray()).ToArray();
        var seen = new HashSet<int>();
        for (int k = 0; k < starts.Length; k++)
        {
            int axis = node.Axis(axes[k], x.Rank);
            if (!seen.Add(axis)) throw node.Invalid($"axis {axes[k]} is sliced twice");
            if (steps[k] == 0) throw node.Invalid($"step {k} is 0");
            long n = x.Shape[axis], step = steps[k];
            long start = Wrap(starts[k], n), end = Wrap(ends[k], n);
            var positions = new List<int>();
            if (step > 0)
                for (long i = Math.Clamp(start, 0, n); i < Math.Clamp(end, 0, n); i += step) positions.Add((int)i);
            else
                for (long i = Math.Clamp(start, 0, n - 1); i > Math.Clamp(end, -1, n - 1); i += step) positions.Add((int)i);
            kept[axis] = [.. positions];
        }
        return Pick(node, x, [.. kept.Select(p => p.Length)], Product(x.Shape, kept));
    }

    /// <summary>Transpose by <c>perm</c> (reversed axes by default).</summary>
    public static Tensor Transpose(NodeContext node)
    {
        var x = node.Input(0);
        var perm = node.Ints("perm") ?? [.. Enumerable.Range(0, x.Rank).Reverse().Select(a => (long)a)];
        if (perm.Length != x.Rank || perm.Order().Select((p, i) => p == i).Any(ok => !ok))
            throw node.Invalid($"perm [{string.Join(", ", perm)}] is not a permutation of the {x.Rank} axes");
        int[] shape = [.. perm.Select(p => x.Shape[p])];
        var strides = new long[x.Rank];
        for (int d = x.Rank - 1, s = 1; d >= 0; s *= x.Shape[d], d--) strides[d] = s;
        var order = new int[x.Size];
        var index = new int[x.Rank];
        for (int k = 0; k < order.Length; k++)
        {
            long source = 0;
            for (int d = 0; d < x.Rank; d++) source += index[d] * strides[perm[d]];
            order[k] = (int)source;
            for (int d = x.Rank - 1; d >= 0; d--)
            {
                if (++index[d] < shape[d]) break;
                index[d] = 0;
            }
        }
        return Pick(node, x, shape, order);
    }

    /// <summary>Expand: the operand broadcast with a constant shape (numpy rules, so either side may stretch).</summary>
    public static Tensor Expand(NodeContext node)
    {
        var x = node.Input(0);
        var requested = Longs(node, 1, "the shape");
        if (requested.Any(d => d < 0 || d > int.MaxValue)) throw node.Invalid($"shape [{string.Join(", ", requested)}] has a negative or huge entry");
        int[] target = [.. requested.Select(d => (int)d)];
        var (shape, ix, _) = Elementwise.BroadcastIndices(node, x, Tensor.Constant(target, new double[Tensor.SizeOf(target)]));
        return Pick(node, x, shape, ix);
    }

    /// <summary>The elements of <paramref name="x"/> at <paramref name="order"/>, with the given shape.</summary>
    private static Tensor Pick(NodeContext node, Tensor x, int[] shape, int[] order)
    {
        if (order.Length == 0) return Tensor.Constant(shape, []);
        if (x.IsConstant) return Tensor.Constant(shape, Array.ConvertAll(order, i => x.Values![i]));
        return node.Result(shape, node.Graph.Take(x.Node, order));
    }

    // Row-major flat indices of every combination of the kept positions per dimension.
    private static int[] Product(int[] shape, int[][] kept)
    {
        var flat = new List<int> { 0 };
        for (int d = 0; d < shape.Length; d++)
            flat = [.. flat.SelectMany(f => kept[d].Select(p => f * shape[d] + p))];
        return [.. flat];
    }

    private static long[] Longs(NodeContext node, int input, string what) =>
        [.. node.ConstantInput(input, what).Select(v => v >= long.MaxValue ? long.MaxValue : v <= long.MinValue ? long.MinValue : (long)v)];

    // A negative position counts from the end; huge ones (INT64_MAX for "to the end") stay huge.
    private static long Wrap(long i, long n) => i < 0 ? (i < long.MinValue + n ? long.MinValue : i + n) : i;
}

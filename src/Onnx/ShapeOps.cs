namespace TapeAD.Onnx;

/// <summary>
/// Operators that change only a shape (Flatten, Reshape, Squeeze, Unsqueeze) or join tensors (Concat).
/// Elements stay in row-major order, so the first four relabel the same elements.
/// </summary>
internal static class ShapeOps
{
    public static Tensor Flatten(NodeContext node)
    {
        var x = node.Input(0);
        // Flatten accepts axis == rank (everything in the first dimension).
        int axis = (int)node.Int("axis", 1);
        if (axis < 0) axis += x.Rank;
        if (axis < 0 || axis > x.Rank)
            throw node.Invalid($"axis {node.Int("axis", 1)} is out of range for rank {x.Rank}");
        return x.Reshaped([checked((int)Tensor.SizeOf(x.Shape.Take(axis))), checked((int)Tensor.SizeOf(x.Shape.Skip(axis)))]);
    }

    public static Tensor Reshape(NodeContext node)
    {
        var x = node.Input(0);
        var requested = node.ConstantInput(1, "the shape");
        bool allowZero = node.Int("allowzero", 0) != 0;
        var shape = new int[requested.Length];
        int inferred = -1;
        for (int d = 0; d < shape.Length; d++)
        {
            long r = (long)requested[d];
            if (r == -1)
            {
                if (inferred >= 0) throw node.Invalid("the shape has more than one -1");
                inferred = d;
                shape[d] = 1;
            }
            else if (r == 0 && !allowZero)
                shape[d] = d < x.Rank ? x.Shape[d] : throw node.Invalid($"shape entry {d} is 0 (copy) but the input has rank {x.Rank}");
            else if (r < 0 || r > int.MaxValue)
                throw node.Invalid($"shape entry {d} is {r}");
            else
                shape[d] = (int)r;
        }
        long known = Tensor.SizeOf(shape);
        if (inferred >= 0 && known > 0 && x.Size % known == 0) shape[inferred] = (int)(x.Size / known);
        if (Tensor.SizeOf(shape) != x.Size)
            throw node.Invalid($"cannot reshape {Tensor.Format(x.Shape)} to [{string.Join(", ", requested)}]");
        if (OnnxLimits.TooLarge(shape, Math.Max(OnnxLimits.MaxElements, x.Size)) is { } tooLarge)
            throw node.Unsupported($"the result's {tooLarge}");
        return x.Reshaped(shape);
    }

    public static Tensor Squeeze(NodeContext node)
    {
        var x = node.Input(0);
        var axes = Axes(node, x.Rank);
        if (axes == null) return x.Reshaped(x.Shape.Where(d => d != 1).ToArray());
        foreach (int a in axes)
            if (x.Shape[a] != 1) throw node.Invalid($"cannot squeeze axis {a} of shape {Tensor.Format(x.Shape)}: its size is not 1");
        return x.Reshaped(x.Shape.Where((_, d) => !axes.Contains(d)).ToArray());
    }

    public static Tensor Unsqueeze(NodeContext node)
    {
        var x = node.Input(0);
        int rank = x.Rank + ((int?)node.OptionalInput(1)?.Size ?? node.Ints("axes")?.Length ?? 0);
        var axes = Axes(node, rank) ?? throw node.Invalid("the axes are missing (an attribute before opset 13, an input from it on)");
        var shape = new int[rank];
        int next = 0;
        for (int d = 0; d < rank; d++) shape[d] = axes.Contains(d) ? 1 : x.Shape[next++];
        return x.Reshaped(shape);
    }

    public static Tensor Concat(NodeContext node)
    {
        var parts = Enumerable.Range(0, node.InputCount).Select(node.Input).ToArray();
        var first = parts[0];
        if (node.Attribute("axis") == null) throw node.Invalid("the axis attribute is required");
        int axis = node.Axis(node.Int("axis", 0), first.Rank);
        foreach (var p in parts)
            if (p.Rank != first.Rank || Enumerable.Range(0, first.Rank).Any(d => d != axis && p.Shape[d] != first.Shape[d]))
                throw node.Invalid($"cannot concatenate shapes {string.Join(" and ", parts.Select(q => Tensor.Format(q.Shape)))} on axis {axis}");
        var extent = Array.ConvertAll(first.Shape, d => (long)d);
        extent[axis] = parts.Sum(p => (long)p.Shape[axis]);
        if (OnnxLimits.TooLarge(extent) is { } tooLarge) throw node.Unsupported($"the result's {tooLarge}");
        var shape = Array.ConvertAll(extent, d => (int)d);
        int outer = (int)Tensor.SizeOf(first.Shape.Take(axis)), inner = (int)Tensor.SizeOf(first.Shape.Skip(axis + 1));
        long size = Tensor.SizeOf(shape);
        // Element order: for each outer index, each part's block in turn.
        var order = new List<(int Part, int Index)>((int)size);
        for (int o = 0; o < outer; o++)
            for (int k = 0; k < parts.Length; k++)
            {
                int block = parts[k].Shape[axis] * inner;
                for (int e = 0; e < block; e++) order.Add((k, o * block + e));
            }
        if (parts.All(p => p.IsConstant)) return Tensor.Constant(shape, [.. order.Select(e => parts[e.Part].Values![e.Index])]);
        var present = Enumerable.Range(0, parts.Length).Where(k => parts[k].Size > 0).ToArray();
        var start = new int[parts.Length];
        for (int k = 0, at = 0; k < parts.Length; k++)
        {
            start[k] = at;
            if (parts[k].Size > 0) at += (int)parts[k].Size;
        }
        int joined = node.Graph.Concat([.. present.Select(k => node.NodeOf(parts[k]))]);
        return node.Result(shape, node.Graph.Take(joined, [.. order.Select(e => start[e.Part] + e.Index)]));
    }

    /// <summary>The distinct axes from the second operand (opset 13 on) or the <c>axes</c> attribute
    /// (before), made non-negative for <paramref name="rank"/>; null when neither is given.</summary>
    private static HashSet<int>? Axes(NodeContext node, int rank)
    {
        var given = node.OptionalInput(1) != null ? node.ConstantInput(1, "the axes").Select(a => (long)a).ToArray() : node.Ints("axes");
        if (given == null) return null;
        var axes = new HashSet<int>();
        foreach (long a in given)
            if (!axes.Add(node.Axis(a, rank))) throw node.Invalid($"axis {a} is repeated");
        return axes;
    }
}

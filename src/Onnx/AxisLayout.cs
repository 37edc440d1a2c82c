namespace TapeAD.Onnx;

/// <summary>
/// The elements of a tensor regrouped so that chosen axes are innermost: element k of the regrouped
/// vector is element <c>Order[k]</c> of the tensor, and each run of <see cref="Segment"/> consecutive
/// elements holds one index of the kept axes (row-major) with every index of the chosen axes. A
/// reduction over the chosen axes is then a sum (or max) of each segment, in the row-major order of
/// the kept axes, which is the order of the result.
/// </summary>
internal sealed class AxisLayout
{
    private AxisLayout(int[] order, int segment, int[] keptShape, int[] droppedShape)
    {
        Order = order;
        Segment = segment;
        KeptShape = keptShape;
        DroppedShape = droppedShape;
    }

    /// <summary>Which tensor element each position of the regrouped vector holds.</summary>
    public int[] Order { get; }

    /// <summary>The number of elements one index of the kept axes spans (the product of the chosen axes' sizes).</summary>
    public int Segment { get; }

    /// <summary>The tensor's shape with the chosen axes of size 1 (a reduction with keepdims).</summary>
    public int[] KeptShape { get; }

    /// <summary>The tensor's shape without the chosen axes (a reduction without keepdims).</summary>
    public int[] DroppedShape { get; }

    /// <summary>The inverse of <see cref="Order"/>: where each tensor element sits in the regrouped vector.</summary>
    public int[] Inverse()
    {
        var back = new int[Order.Length];
        for (int k = 0; k < Order.Length; k++) back[Order[k]] = k;
        return back;
    }

    /// <summary>For each position of the regrouped vector, its segment: a segment's value read once per element.</summary>
    public int[] SegmentOfEach()
    {
        var s = new int[Order.Length];
        for (int k = 0; k < s.Length; k++) s[k] = k / Segment;
        return s;
    }

    /// <summary>The layout of a tensor of <paramref name="shape"/> with the (non-negative, distinct) <paramref name="axes"/> innermost.</summary>
    public static AxisLayout Of(int[] shape, IReadOnlySet<int> axes)
    {
        int rank = shape.Length;
        long size = Tensor.SizeOf(shape);
        int segment = checked((int)Tensor.SizeOf(shape.Where((_, d) => axes.Contains(d))));
        var order = new int[size];
        var index = new int[rank];
        for (int source = 0; source < size; source++)
        {
            // The element's position: its kept index (row-major over kept axes) then its chosen index.
            long kept = 0, chosen = 0;
            for (int d = 0; d < rank; d++)
                if (axes.Contains(d)) chosen = chosen * shape[d] + index[d];
                else kept = kept * shape[d] + index[d];
            order[kept * segment + chosen] = source;
            for (int d = rank - 1; d >= 0; d--)
            {
                if (++index[d] < shape[d]) break;
                index[d] = 0;
            }
        }
        return new AxisLayout(order, segment,
            [.. shape.Select((n, d) => axes.Contains(d) ? 1 : n)], [.. shape.Where((_, d) => !axes.Contains(d))]);
    }
}

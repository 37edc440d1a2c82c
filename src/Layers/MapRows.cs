using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TapeAD.Layers;

/// <summary>
/// Where one forward pass of a map reads and writes, for <see cref="Count"/> inputs whose blocks of rows lie
/// <see cref="Stride"/> doubles apart, each row <see cref="Width"/> wide.
/// </summary>
internal unsafe struct MapRowsCall
{
    /// <summary>The source's rows (value, tangents, second-order) and the map's (the same, when in place).</summary>
    public double* Source, Target;
    /// <summary>Added to the value row before the map (null: none).</summary>
    public double* Bias;
    public int Count, Width, Tangents;
    public long Stride;
    /// <summary>Per second-order row: its offset from the block's start, its number of pairs, then each pair's
    /// two tangent-row offsets (<see cref="RowUpdates.Forward"/>'s pairs, flattened); <see cref="SecondOrderLength"/> entries.</summary>
    public nint* SecondOrder;
    public int SecondOrderLength;
    /// <summary>Whether σ′ and σ″ are needed (else only the value row is written).</summary>
    public bool Derivatives;
    /// <summary>Where σ′ and σ″ go, <see cref="Width"/> per input (a reverse query keeps them there), when <see cref="Derivatives"/>.</summary>
    public double* First, Second;
    /// <summary>Reverse queries: where the tangents before scaling (<c>Tangents · Width</c> per input) are kept; null when not kept.</summary>
    public double* KeptTangents;
}

/// <summary>
/// A map with a kernel and its row updates, reading u = value + bias where it lies: first the kernel over the
/// block's value rows (the vector form inlined into the loop, σ into the value rows, σ′ and σ″ beside), then per
/// input and vector of four columns σ′ and σ″ loaded once for every row: each second-order row
/// <c>σ″ · Σ T_j T_l + σ′ · S</c>, then each tangent <c>σ′ · T</c>. The column program's way, u copied into a
/// column, a call per vector, σ′ and σ″ read back by a pass per row, cost the sigmoid's Hessian rows a third more.
/// </summary>
/// <remarks>
/// The same fused operations as <see cref="RowUpdates.Forward"/> (the first product of a sum rounded, later ones
/// fused into it, the add fused) and the kernel's bits, so the result is the separate passes' bit for bit; the
/// columns past the last whole vector take the scalar forms of both. Kernels run back to back rather than each
/// beside its column's row updates: a row update waiting on its kernel's exp held the next kernel back (that
/// order was a third slower). Vector256 on every machine: rows of narrow layers are a few vectors long. A row's
/// bits depend on that row's entries alone.
/// </remarks>
internal static unsafe class MapRows
{
    public static void Forward<TK>(in TK kernel, in MapRowsCall call) where TK : struct, IMapKernel
    {
        if (!call.Derivatives)
        {
            Values(kernel, call);
            return;
        }
        Derivatives(kernel, call);
        if (call.Tangents > 0 || call.SecondOrderLength > 0) Rows(call);
    }

    // σ into the value rows.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Values<TK>(TK kernel, in MapRowsCall call) where TK : struct, IMapKernel
    {
        int w = call.Width, count = call.Count;
        long stride = call.Stride;
        double* source = call.Source, target = call.Target, bias = call.Bias;
        for (int b = 0; b < count; b++)
        {
            double* s = source + b * stride, d = target + b * stride;
            int c = 0;
            if (bias == null)
                for (; c + 4 <= w; c += 4) kernel.Value(Vector256.Load(s + c)).Store(d + c);
            else
                for (; c + 4 <= w; c += 4) kernel.Value(Vector256.Load(s + c) + Vector256.Load(bias + c)).Store(d + c);
            for (; c < w; c++) d[c] = kernel.Value(bias != null ? s[c] + bias[c] : s[c]);
        }
    }

    // σ into the value rows, σ′ and σ″ beside them: all of a block's kernels first, back to back, so each
    // one's exp overlaps the next (a row update waiting on the kernel before it held the next one back).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Derivatives<TK>(TK kernel, in MapRowsCall call) where TK : struct, IMapKernel
    {
        int w = call.Width, count = call.Count;
        long stride = call.Stride;
        double* source = call.Source, target = call.Target, bias = call.Bias, first = call.First, second = call.Second;
        for (int b = 0; b < count; b++)
        {
            double* s = source + b * stride, d = target + b * stride, f = first + (long)b * w, g = second + (long)b * w;
            int c = 0;
            for (; c + 4 <= w; c += 4)
            {
                var u = Vector256.Load(s + c);
                if (bias != null) u += Vector256.Load(bias + c);
                var (v, d1, d2) = kernel.Derivatives(u);
                v.Store(d + c);
                d1.Store(f + c);
                d2.Store(g + c);
            }
            for (; c < w; c++) (d[c], f[c], g[c]) = kernel.Derivatives(bias != null ? s[c] + bias[c] : s[c]);
        }
    }

    // Per input and vector of columns, σ′ and σ″ loaded once for every row: each second-order row
    // σ″ · Σ T_j T_l + σ′ · S (the tangents before they are scaled), then each tangent σ′ · T.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows(in MapRowsCall call)
    {
        int w = call.Width, tangents = call.Tangents, count = call.Count;
        long stride = call.Stride;
        nint* program = call.SecondOrder, stop = program + call.SecondOrderLength;
        double* source = call.Source, target = call.Target, keptTangents = call.KeptTangents;
        for (int b = 0; b < count; b++)
        {
            double* s = source + b * stride, d = target + b * stride, f = call.First + (long)b * w, g = call.Second + (long)b * w;
            double* kept = keptTangents == null ? null : keptTangents + (long)b * tangents * w;
            int c = 0;
            for (; c + 4 <= w; c += 4)
            {
                double* at = s + c, to = d + c;
                var d1 = Vector256.Load(f + c);
                var d2 = Vector256.Load(g + c);
                for (nint* p = program; p < stop;)
                {
                    nint row = p[0], pairs = p[1];
                    var sum = Vector256.Load(at + p[2]) * Vector256.Load(at + p[3]);
                    nint* end = p + 2 + 2 * pairs;
                    for (p += 4; p < end; p += 2) sum = Vector256.FusedMultiplyAdd(Vector256.Load(at + p[0]), Vector256.Load(at + p[1]), sum);
                    Vector256.FusedMultiplyAdd(d2, sum, d1 * Vector256.Load(at + row)).Store(to + row);
                }
                for (int t = 1; t <= tangents; t++)
                {
                    var tangent = Vector256.Load(at + (long)t * w);
                    if (kept != null) tangent.Store(kept + (long)(t - 1) * w + c);
                    (d1 * tangent).Store(to + (long)t * w);
                }
            }
            for (; c < w; c++)
            {
                double* at = s + c, to = d + c;
                double d1 = f[c], d2 = g[c];
                for (nint* p = program; p < stop;)
                {
                    nint row = p[0], pairs = p[1];
                    double sum = at[p[2]] * at[p[3]];
                    nint* end = p + 2 + 2 * pairs;
                    for (p += 4; p < end; p += 2) sum = Math.FusedMultiplyAdd(at[p[0]], at[p[1]], sum);
                    to[row] = Math.FusedMultiplyAdd(d2, sum, d1 * at[row]);
                }
                for (int t = 1; t <= tangents; t++)
                {
                    double tangent = at[(long)t * w];
                    if (kept != null) kept[(long)(t - 1) * w + c] = tangent;
                    to[(long)t * w] = d1 * tangent;
                }
            }
        }
    }
}

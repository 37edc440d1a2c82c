using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TapeAD.Layers;

/// <summary>
/// The elementwise derivative rules of an activation, applied to rows: each helper is one tight loop
/// over the columns (Vector512 where accelerated, else Vector256, then a scalar tail that computes
/// the same fused operations, so every element gets the same bits wherever it falls).
/// </summary>
internal static unsafe class RowUpdates
{
    private static readonly bool Wide = Vector512.IsHardwareAccelerated;

    /// <summary>
    /// Forward, for <paramref name="count"/> inputs whose blocks of rows lie <paramref name="stride"/> doubles
    /// apart (and whose σ, σ′, σ″ lie <paramref name="w"/> apart): second-order row k becomes
    /// <c>σ' ⊙ S_k + σ'' ⊙ Σ T_j ⊙ T_l</c> over its pairs, each
    /// tangent row becomes <c>σ' ⊙ T</c> and the value row σ. Rows of a block: value, tangents, second-order.
    /// Pair p of the second-order rows reads the elements at offsets <c>pairOffsets[2p]</c> and
    /// <c>pairOffsets[2p + 1]</c> from the block's start (its two tangent rows), and second-order row k
    /// sums pairs <c>pairStart[k] .. pairStart[k+1]</c>.
    /// One pass over the columns does every row: a narrow layer's rows are a few vectors long, so a pass
    /// per row spent its time entering loops; within a column block the second-order rows read the
    /// tangents before they are scaled, and one call does a block of inputs (a call per input cost more than
    /// a 16-wide layer's updates).
    /// </summary>
    // Optimised from the first call, without a profile: the queries share this method, and a profile
    // from whichever ran first (a Jacobian's, with no second-order rows) laid out the pair loop as cold
    // code, costing a Laplacian run after it 7% of its time.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(double* block, int count, long stride, int w, double* sigma, double* first, double* second, int tangents, int[] pairStart, nint[] pairOffsets)
    {
        int rows = pairStart.Length - 1;
        fixed (int* start = pairStart)
        fixed (nint* offsets = pairOffsets)
        for (double* last = block + (count - 1) * stride; block <= last; block += stride, sigma += w, first += w, second += w)
        {
            double* secondOrder = block + (long)(1 + tangents) * w;
            int c = 0;
            if (Wide)
            {
                for (; c + 8 <= w; c += 8)
                {
                    double* at = block + c;
                    var f = Vector512.Load(first + c);
                    var g = Vector512.Load(second + c);
                    double* s = secondOrder + c;
                    for (int k = 0; k < rows; k++, s += w)
                    {
                        nint* o = offsets + 2 * start[k], end = offsets + 2 * start[k + 1];
                        var sum = Vector512.Load(at + o[0]) * Vector512.Load(at + o[1]);
                        for (o += 2; o < end; o += 2)
                            sum = Vector512.FusedMultiplyAdd(Vector512.Load(at + o[0]), Vector512.Load(at + o[1]), sum);
                        Vector512.FusedMultiplyAdd(g, sum, f * Vector512.Load(s)).Store(s);
                    }
                    for (double* row = at + w; row < secondOrder + c; row += w)
                        (f * Vector512.Load(row)).Store(row);
                    Vector512.Load(sigma + c).Store(at);
                }
            }
            for (; c + 4 <= w; c += 4)
            {
                double* at = block + c;
                var f = Vector256.Load(first + c);
                var g = Vector256.Load(second + c);
                double* s = secondOrder + c;
                for (int k = 0; k < rows; k++, s += w)
                {
                    nint* o = offsets + 2 * start[k], end = offsets + 2 * start[k + 1];
                    var sum = Vector256.Load(at + o[0]) * Vector256.Load(at + o[1]);
                    for (o += 2; o < end; o += 2)
                        sum = Vector256.FusedMultiplyAdd(Vector256.Load(at + o[0]), Vector256.Load(at + o[1]), sum);
                    Vector256.FusedMultiplyAdd(g, sum, f * Vector256.Load(s)).Store(s);
                }
                for (double* row = at + w; row < secondOrder + c; row += w)
                    (f * Vector256.Load(row)).Store(row);
                Vector256.Load(sigma + c).Store(at);
            }
            for (; c < w; c++)
            {
                double* at = block + c;
                double f = first[c], g = second[c];
                double* s = secondOrder + c;
                for (int k = 0; k < rows; k++, s += w)
                {
                    nint* o = offsets + 2 * start[k], end = offsets + 2 * start[k + 1];
                    double sum = at[o[0]] * at[o[1]];
                    for (o += 2; o < end; o += 2)
                        sum = Math.FusedMultiplyAdd(at[o[0]], at[o[1]], sum);
                    *s = Math.FusedMultiplyAdd(g, sum, f * *s);
                }
                for (double* row = at + w; row < secondOrder + c; row += w)
                    *row *= f;
                *at = sigma[c];
            }
        }
    }

    /// <summary>
    /// Reverse: for an adjoint row g followed by its tangent rows ġ_t, and the stored forward tangents
    /// T_t, sets <c>ġ_t = σ' ⊙ ġ_t + σ'' ⊙ T_t ⊙ g</c> and then <c>g = σ' ⊙ g</c>.
    /// <paramref name="scaled"/> is scratch for one row (σ'' ⊙ g).
    /// </summary>
    public static void Reverse(double* group, int w, double* first, double* second, double* forwardTangents, int tangents, double* scaled)
    {
        if (tangents > 0)
        {
            Multiply(second, group, scaled, w);
            for (int t = 0; t < tangents; t++)
                FmaProduct(scaled, forwardTangents + (long)t * w, first, group + (long)(1 + t) * w, w);
        }
        Multiply(first, group, group, w);
    }

    /// <summary><c>dst = a ⊙ b</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Multiply(double* a, double* b, double* dst, int w)
    {
        int c = 0;
        if (Wide)
            for (; c + 8 <= w; c += 8) (Vector512.Load(a + c) * Vector512.Load(b + c)).Store(dst + c);
        for (; c + 4 <= w; c += 4) (Vector256.Load(a + c) * Vector256.Load(b + c)).Store(dst + c);
        for (; c < w; c++) dst[c] = a[c] * b[c];
    }

    /// <summary><c>s = g ⊙ a + f ⊙ s</c>, the add fused.</summary>
    private static void FmaProduct(double* g, double* a, double* f, double* s, int w)
    {
        int c = 0;
        if (Wide)
            for (; c + 8 <= w; c += 8)
                Vector512.FusedMultiplyAdd(Vector512.Load(g + c), Vector512.Load(a + c), Vector512.Load(f + c) * Vector512.Load(s + c)).Store(s + c);
        for (; c + 4 <= w; c += 4)
            Vector256.FusedMultiplyAdd(Vector256.Load(g + c), Vector256.Load(a + c), Vector256.Load(f + c) * Vector256.Load(s + c)).Store(s + c);
        for (; c < w; c++)
            s[c] = Math.FusedMultiplyAdd(g[c], a[c], f[c] * s[c]);
    }
}

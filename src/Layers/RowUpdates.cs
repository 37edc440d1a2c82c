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
    /// Each row is one tight loop over every input's columns with its offsets held in registers: a
    /// narrow layer's row is a few vectors long, so a loop over the rows inside the columns spent most
    /// of its instructions fetching each row's offsets and entering loops of one or two trips. The
    /// second-order rows go first: they read the tangents before those are scaled.
    /// </summary>
    public static void Forward(double* block, int count, long stride, int w, double* sigma, double* first, double* second, int tangents, int[] pairStart, nint[] pairOffsets)
    {
        for (int k = 0; k + 1 < pairStart.Length; k++)
        {
            nint row = (nint)(1 + tangents + k) * w;
            int pairs = pairStart[k + 1] - pairStart[k];
            if (pairs == 1) SecondOrderOnePair(block, count, stride, w, first, second, row, pairOffsets[2 * pairStart[k]], pairOffsets[2 * pairStart[k] + 1]);
            else
                fixed (nint* offsets = &pairOffsets[2 * pairStart[k]])
                    SecondOrderSum(block, count, stride, w, first, second, row, offsets, pairs);
        }
        ScaleTangents(block, count, stride, w, sigma, first, tangents);
    }

    // S = σ″ ⊙ (T_j ⊙ T_l) + σ′ ⊙ S, the add fused: one pair (every query's rows but the Laplacian's).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SecondOrderOnePair(double* block, int count, long stride, int w, double* first, double* second, nint row, nint j, nint l)
    {
        for (int b = 0; b < count; b++, block += stride, first += w, second += w)
        {
            double* s = block + row, tj = block + j, tl = block + l;
            int c = 0;
            if (Wide)
                for (; c + 8 <= w; c += 8)
                    Vector512.FusedMultiplyAdd(Vector512.Load(second + c), Vector512.Load(tj + c) * Vector512.Load(tl + c), Vector512.Load(first + c) * Vector512.Load(s + c)).Store(s + c);
            for (; c + 4 <= w; c += 4)
                Vector256.FusedMultiplyAdd(Vector256.Load(second + c), Vector256.Load(tj + c) * Vector256.Load(tl + c), Vector256.Load(first + c) * Vector256.Load(s + c)).Store(s + c);
            for (; c < w; c++)
                s[c] = Math.FusedMultiplyAdd(second[c], tj[c] * tl[c], first[c] * s[c]);
        }
    }

    // The same with Σ_p T_j ⊙ T_l over several pairs (the Laplacian's one row), summed in pair order, the
    // first product rounded and each later one fused into the sum.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SecondOrderSum(double* block, int count, long stride, int w, double* first, double* second, nint row, nint* offsets, int pairs)
    {
        nint* end = offsets + 2 * pairs;
        for (int b = 0; b < count; b++, block += stride, first += w, second += w)
        {
            double* s = block + row;
            int c = 0;
            if (Wide)
                for (; c + 8 <= w; c += 8)
                {
                    double* at = block + c;
                    var sum = Vector512.Load(at + offsets[0]) * Vector512.Load(at + offsets[1]);
                    for (nint* o = offsets + 2; o < end; o += 2)
                        sum = Vector512.FusedMultiplyAdd(Vector512.Load(at + o[0]), Vector512.Load(at + o[1]), sum);
                    Vector512.FusedMultiplyAdd(Vector512.Load(second + c), sum, Vector512.Load(first + c) * Vector512.Load(s + c)).Store(s + c);
                }
            for (; c + 4 <= w; c += 4)
            {
                double* at = block + c;
                var sum = Vector256.Load(at + offsets[0]) * Vector256.Load(at + offsets[1]);
                for (nint* o = offsets + 2; o < end; o += 2)
                    sum = Vector256.FusedMultiplyAdd(Vector256.Load(at + o[0]), Vector256.Load(at + o[1]), sum);
                Vector256.FusedMultiplyAdd(Vector256.Load(second + c), sum, Vector256.Load(first + c) * Vector256.Load(s + c)).Store(s + c);
            }
            for (; c < w; c++)
            {
                double* at = block + c;
                double sum = at[offsets[0]] * at[offsets[1]];
                for (nint* o = offsets + 2; o < end; o += 2)
                    sum = Math.FusedMultiplyAdd(at[o[0]], at[o[1]], sum);
                s[c] = Math.FusedMultiplyAdd(second[c], sum, first[c] * s[c]);
            }
        }
    }

    // T = σ′ ⊙ T for each of a block's tangent rows (rows 1 .. tangents), and the value row σ (a copy
    // call per input cost more than the copy).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScaleTangents(double* block, int count, long stride, int w, double* sigma, double* first, int tangents)
    {
        for (int b = 0; b < count; b++, block += stride, sigma += w, first += w)
        {
            for (int t = 1; t <= tangents; t++)
            {
                double* row = block + (long)t * w;
                int c = 0;
                if (Wide)
                    for (; c + 8 <= w; c += 8) (Vector512.Load(first + c) * Vector512.Load(row + c)).Store(row + c);
                for (; c + 4 <= w; c += 4) (Vector256.Load(first + c) * Vector256.Load(row + c)).Store(row + c);
                for (; c < w; c++) row[c] *= first[c];
            }
            int v = 0;
            for (; v + 4 <= w; v += 4) Vector256.Load(sigma + v).Store(block + v);
            for (; v < w; v++) block[v] = sigma[v];
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

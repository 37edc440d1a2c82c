using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TapeAD.Layers;

/// <summary>
/// The elementwise derivative rules of an activation, applied row by row: each helper is one tight
/// loop over a row's columns (Vector512 where accelerated, else Vector256, then a scalar tail that
/// computes the same fused operations, so every element gets the same bits wherever it falls).
/// </summary>
internal static unsafe class RowUpdates
{
    private static readonly bool Wide = Vector512.IsHardwareAccelerated;

    /// <summary>
    /// Forward: second-order row k becomes <c>σ' ⊙ S_k + σ'' ⊙ Σ T_j ⊙ T_l</c> over its pairs, then each
    /// tangent row becomes <c>σ' ⊙ T</c>. Rows of <paramref name="block"/>: value, tangents, second-order.
    /// <paramref name="sum"/> is scratch for one row.
    /// </summary>
    public static void Forward(double* block, int w, double* first, double* second, int tangents,
        int[] pairStart, int[] pairJ, int[] pairL, double* sum)
    {
        for (int k = 0; k + 1 < pairStart.Length; k++)
        {
            double* s = block + (long)(1 + tangents + k) * w;
            int p = pairStart[k], end = pairStart[k + 1];
            double* tj = block + (long)(1 + pairJ[p]) * w, tl = block + (long)(1 + pairL[p]) * w;
            if (end - p == 1)
            {
                FmaProduct(second, tj, tl, first, s, w);
                continue;
            }
            Multiply(tj, tl, sum, w);
            for (p++; p < end; p++)
                AccumulateProduct(block + (long)(1 + pairJ[p]) * w, block + (long)(1 + pairL[p]) * w, sum, w);
            FmaProduct(second, sum, null, first, s, w);
        }
        for (int t = 1; t <= tangents; t++)
        {
            double* row = block + (long)t * w;
            Multiply(first, row, row, w);
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
                FmaProduct(scaled, forwardTangents + (long)t * w, null, first, group + (long)(1 + t) * w, w);
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

    /// <summary><c>sum = a ⊙ b + sum</c>, fused.</summary>
    private static void AccumulateProduct(double* a, double* b, double* sum, int w)
    {
        int c = 0;
        if (Wide)
            for (; c + 8 <= w; c += 8) Vector512.FusedMultiplyAdd(Vector512.Load(a + c), Vector512.Load(b + c), Vector512.Load(sum + c)).Store(sum + c);
        for (; c + 4 <= w; c += 4) Vector256.FusedMultiplyAdd(Vector256.Load(a + c), Vector256.Load(b + c), Vector256.Load(sum + c)).Store(sum + c);
        for (; c < w; c++) sum[c] = Math.FusedMultiplyAdd(a[c], b[c], sum[c]);
    }

    /// <summary><c>s = g ⊙ (a ⊙ b) + f ⊙ s</c>, the last add fused; <paramref name="b"/> null means 1.</summary>
    private static void FmaProduct(double* g, double* a, double* b, double* f, double* s, int w)
    {
        int c = 0;
        if (Wide)
        {
            for (; c + 8 <= w; c += 8)
            {
                var product = b == null ? Vector512.Load(a + c) : Vector512.Load(a + c) * Vector512.Load(b + c);
                Vector512.FusedMultiplyAdd(Vector512.Load(g + c), product, Vector512.Load(f + c) * Vector512.Load(s + c)).Store(s + c);
            }
        }
        for (; c + 4 <= w; c += 4)
        {
            var product = b == null ? Vector256.Load(a + c) : Vector256.Load(a + c) * Vector256.Load(b + c);
            Vector256.FusedMultiplyAdd(Vector256.Load(g + c), product, Vector256.Load(f + c) * Vector256.Load(s + c)).Store(s + c);
        }
        for (; c < w; c++)
            s[c] = Math.FusedMultiplyAdd(g[c], b == null ? a[c] : a[c] * b[c], f[c] * s[c]);
    }
}

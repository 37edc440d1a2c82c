using System.Runtime.Intrinsics;

namespace TapeAD.Layers;

/// <summary>
/// The elementwise derivative rules of an activation applied to all of one input's rows in a single
/// sweep over the columns, σ' and σ'' held in registers: one pass over memory instead of one
/// library call per row. Vector256 fused multiply-adds; the scalar tail computes the same fused
/// operations, so every element gets the same bits wherever it falls.
/// </summary>
internal static unsafe class RowUpdates
{
    /// <summary>
    /// Forward: second-order row k becomes <c>σ' ⊙ S_k + σ'' ⊙ Σ T_j ⊙ T_l</c> over its pairs, then each
    /// tangent row becomes <c>σ' ⊙ T</c>. Rows of <paramref name="block"/>: value, tangents, second-order.
    /// </summary>
    public static void Forward(double* block, int w, double* first, double* second, int tangents, int[] pairStart, int[] pairJ, int[] pairL)
    {
        int c = 0;
        for (; c + 4 <= w; c += 4)
        {
            var f = Vector256.Load(first + c);
            var g = Vector256.Load(second + c);
            for (int k = 0; k + 1 < pairStart.Length; k++)
            {
                var sum = Vector256<double>.Zero;
                for (int p = pairStart[k]; p < pairStart[k + 1]; p++)
                    sum = Vector256.FusedMultiplyAdd(Vector256.Load(block + (1 + pairJ[p]) * w + c), Vector256.Load(block + (1 + pairL[p]) * w + c), sum);
                double* s = block + (1 + tangents + k) * w + c;
                Vector256.FusedMultiplyAdd(g, sum, f * Vector256.Load(s)).Store(s);
            }
            for (int t = 1; t <= tangents; t++)
            {
                double* row = block + t * w + c;
                (f * Vector256.Load(row)).Store(row);
            }
        }
        for (; c < w; c++)
        {
            double f = first[c], g = second[c];
            for (int k = 0; k + 1 < pairStart.Length; k++)
            {
                double sum = 0;
                for (int p = pairStart[k]; p < pairStart[k + 1]; p++)
                    sum = Math.FusedMultiplyAdd(block[(1 + pairJ[p]) * w + c], block[(1 + pairL[p]) * w + c], sum);
                double* s = block + (1 + tangents + k) * w + c;
                *s = Math.FusedMultiplyAdd(g, sum, f * *s);
            }
            for (int t = 1; t <= tangents; t++) block[t * w + c] *= f;
        }
    }

    /// <summary>
    /// Reverse: for an adjoint row g followed by its tangent rows ġ_t, and the stored forward tangents
    /// T_t, sets <c>ġ_t = σ' ⊙ ġ_t + σ'' ⊙ T_t ⊙ g</c> and then <c>g = σ' ⊙ g</c>.
    /// </summary>
    public static void Reverse(double* group, int w, double* first, double* second, double* forwardTangents, int tangents)
    {
        int c = 0;
        for (; c + 4 <= w; c += 4)
        {
            var f = Vector256.Load(first + c);
            var g = Vector256.Load(group + c);
            var gs = tangents > 0 ? Vector256.Load(second + c) * g : default;
            for (int t = 0; t < tangents; t++)
            {
                double* row = group + (1 + t) * w + c;
                Vector256.FusedMultiplyAdd(gs, Vector256.Load(forwardTangents + t * w + c), f * Vector256.Load(row)).Store(row);
            }
            (f * g).Store(group + c);
        }
        for (; c < w; c++)
        {
            double f = first[c], g = group[c], gs = tangents > 0 ? second[c] * g : 0;
            for (int t = 0; t < tangents; t++)
            {
                double* row = group + (1 + t) * w + c;
                *row = Math.FusedMultiplyAdd(gs, forwardTangents[t * w + c], f * *row);
            }
            group[c] = f * g;
        }
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TapeAD.Layers;

/// <summary>
/// The curvature modes' one kernel: what a nonlinear node adds to an output's Hessian. The Hessian of a
/// composition is the sum, over its nonlinear steps, of the step's adjoint times the step's own second
/// derivative, contracted with the tangents of the step's operands (<c>H = Σ Jᵀ (ȳ ∇²φ) J</c>); linear steps
/// (matrix products, sums, concatenations, takes) add nothing. Per entry <c>c</c> of a node:
/// a map <c>σ(u)</c> adds <c>ȳ_c σ″_c · T_u[·,c] T_u[·,c]ᵀ</c>; a product <c>ab</c> adds
/// <c>ȳ_c (T_a[·,c] T_b[·,c]ᵀ + T_b[·,c] T_a[·,c]ᵀ)</c>; a quotient <c>y = a/b</c> adds
/// <c>−ȳ_c/b_c (T_y[·,c] T_b[·,c]ᵀ + T_b[·,c] T_y[·,c]ᵀ)</c> (from <c>y b = a</c>).
/// </summary>
/// <remarks>
/// Tangents are d rows of the node's width, one per input direction. Only the upper triangle
/// (<c>j ≤ l</c>) is accumulated; <see cref="Mirror"/> copies it down once the sweep is done, so the
/// Hessian is exactly symmetric. Sums run in a fixed order that depends on the width alone, so an
/// input's bits never depend on its neighbours.
/// </remarks>
internal static unsafe class Curvature
{
    /// <summary><c>H[j,l] += Σ_c α_c P[j,c] P[l,c]</c> for <c>j ≤ l</c>; <paramref name="scaled"/> holds one row of scratch.</summary>
    public static void AddSquare(double* h, int d, double* p, double* alpha, int w, double* scaled)
    {
        for (int j = 0; j < d; j++)
        {
            Multiply(alpha, p + (long)j * w, scaled, w);
            AddDots(h + (long)j * d, scaled, p, j, d, w);
        }
    }

    /// <summary><c>H[j,l] += Σ_c β_c (P[j,c] Q[l,c] + Q[j,c] P[l,c])</c> for <c>j ≤ l</c>.</summary>
    public static void AddCross(double* h, int d, double* p, double* q, double* beta, int w, double* scaled)
    {
        for (int j = 0; j < d; j++)
        {
            Multiply(beta, p + (long)j * w, scaled, w);
            AddDots(h + (long)j * d, scaled, q, j, d, w);
            Multiply(beta, q + (long)j * w, scaled, w);
            AddDots(h + (long)j * d, scaled, p, j, d, w);
        }
    }

    /// <summary>The diagonal of <see cref="AddSquare"/>: <c>diag[j] += Σ_c α_c P[j,c]²</c>.</summary>
    public static void AddSquareDiagonal(double* diag, int d, double* p, double* alpha, int w, double* scaled)
    {
        for (int j = 0; j < d; j++)
        {
            Multiply(alpha, p + (long)j * w, scaled, w);
            diag[j] += Dot(scaled, p + (long)j * w, w);
        }
    }

    /// <summary>The diagonal of <see cref="AddCross"/>: <c>diag[j] += 2 Σ_c β_c P[j,c] Q[j,c]</c>.</summary>
    public static void AddCrossDiagonal(double* diag, int d, double* p, double* q, double* beta, int w, double* scaled)
    {
        for (int j = 0; j < d; j++)
        {
            Multiply(beta, p + (long)j * w, scaled, w);
            diag[j] += 2 * Dot(scaled, q + (long)j * w, w);
        }
    }

    /// <summary>Copies the upper triangle of a d × d matrix onto the lower.</summary>
    public static void Mirror(double* h, int d)
    {
        for (int j = 0; j < d; j++)
            for (int l = j + 1; l < d; l++)
                h[(long)l * d + j] = h[(long)j * d + l];
    }

    // row[l] += dot(s, rows_l) for l = from .. d − 1; four rows at a time so four sums are in flight.
    private static void AddDots(double* row, double* s, double* rows, int from, int d, int w)
    {
        int l = from;
        for (; l + 4 <= d; l += 4)
        {
            double* r0 = rows + (long)l * w, r1 = r0 + w, r2 = r1 + w, r3 = r2 + w;
            var a0 = Vector256<double>.Zero;
            var a1 = Vector256<double>.Zero;
            var a2 = Vector256<double>.Zero;
            var a3 = Vector256<double>.Zero;
            int c = 0;
            for (; c + 4 <= w; c += 4)
            {
                var x = Vector256.Load(s + c);
                a0 = Vector256.FusedMultiplyAdd(x, Vector256.Load(r0 + c), a0);
                a1 = Vector256.FusedMultiplyAdd(x, Vector256.Load(r1 + c), a1);
                a2 = Vector256.FusedMultiplyAdd(x, Vector256.Load(r2 + c), a2);
                a3 = Vector256.FusedMultiplyAdd(x, Vector256.Load(r3 + c), a3);
            }
            row[l] += Finish(a0, s, r0, c, w);
            row[l + 1] += Finish(a1, s, r1, c, w);
            row[l + 2] += Finish(a2, s, r2, c, w);
            row[l + 3] += Finish(a3, s, r3, c, w);
        }
        for (; l < d; l++) row[l] += Dot(s, rows + (long)l * w, w);
    }

    private static double Dot(double* a, double* b, int w)
    {
        var acc = Vector256<double>.Zero;
        int c = 0;
        for (; c + 4 <= w; c += 4) acc = Vector256.FusedMultiplyAdd(Vector256.Load(a + c), Vector256.Load(b + c), acc);
        return Finish(acc, a, b, c, w);
    }

    // The lanes summed in one fixed order, then the entries past the last full vector.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Finish(Vector256<double> acc, double* a, double* b, int c, int w)
    {
        double sum = (acc.GetElement(0) + acc.GetElement(1)) + (acc.GetElement(2) + acc.GetElement(3));
        for (; c < w; c++) sum = Math.FusedMultiplyAdd(a[c], b[c], sum);
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Multiply(double* a, double* b, double* dst, int w)
    {
        int c = 0;
        for (; c + 4 <= w; c += 4) (Vector256.Load(a + c) * Vector256.Load(b + c)).Store(dst + c);
        for (; c < w; c++) dst[c] = a[c] * b[c];
    }
}

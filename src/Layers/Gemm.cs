using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TapeAD.Layers;

/// <summary>
/// <c>C = A·B</c> for row-major double matrices, blocked for the caches, with a register-blocked FMA
/// micro-kernel (8×16 with Vector512 where it is accelerated, else 4×8 with Vector256) that reads B
/// packed (<see cref="Pack"/>): B is a layer's constant weights, packed once, so each k step of a kernel
/// reads one contiguous cache line of B instead of a row a whole matrix row apart (which, at 1 KiB
/// strides, maps onto a few L1 sets and misses every time for layers 128 wide and up).
/// Every element is one fused multiply-add chain over <c>k</c> in ascending order starting from 0,
/// whichever kernel or edge path computes it, so a row's result never depends on how many rows
/// share the call or where the row sits: batch and single calls give the same bits.
/// </summary>
internal static unsafe class Gemm
{
    // A KC×NC panel of B (256 KiB) stays in L2 while all rows of A stream past it. Measured 2026-12-01
    // (Zen 3, AVX2): the 4×8 kernel runs the wide layers' 128-wide products at ~23 multiply-adds per ns of
    // a ~24 peak; a 6×8 kernel (12 accumulators) was no faster there and ~5% slower at k = 16, and the
    // GotoBLAS order without packing A (a KC×8 panel in L1 swept past 96 rows) ~8% slower on 1024³.
    private const int KC = 256;
    private const int NC = 128;

    private static readonly bool Wide = Vector512.IsHardwareAccelerated;

    /// <summary>Columns per panel of a packed B.</summary>
    private const int Panel = 8;

    /// <summary>
    /// B (row-major k × n) in the kernels' order: panels of 8 columns, each k rows of 8 contiguous doubles,
    /// for the first <c>n / 8 · 8</c> columns (the rest are read from B itself).
    /// </summary>
    public static double[] Pack(double[] b, int k, int n)
    {
        int panels = n / Panel;
        var packed = new double[(long)panels * Panel * k];
        for (int q = 0; q < panels; q++)
            for (int p = 0; p < k; p++)
                Array.Copy(b, (long)p * n + q * Panel, packed, ((long)q * k + p) * Panel, Panel);
        return packed;
    }

    /// <summary>Overwrites <c>c[m×n]</c> with <c>a[m×k] · b[k×n]</c>; <paramref name="packed"/> is <see cref="Pack"/> of b.</summary>
    public static void Multiply(double* a, double* b, double* packed, double* c, int m, int k, int n) =>
        Multiply(a, b, packed, c, m, k, n, Wide);

    /// <summary><see cref="Multiply(double*, double*, double*, double*, int, int, int)"/> with the Vector512 kernels
    /// (<paramref name="wide"/>) or the Vector256 ones, whichever the hardware accelerates: tests run both
    /// (Vector512 runs in software where the hardware lacks it, with the same bits).</summary>
    internal static void Multiply(double* a, double* b, double* packed, double* c, int m, int k, int n, bool wide)
    {
        if (wide) Multiply<Vector512<double>>(a, b, packed, c, m, k, n);
        else Multiply<Vector256<double>>(a, b, packed, c, m, k, n);
    }

    // TVector picks the kernels (Vector512 or Vector256 of double): a type argument, so the JIT compiles
    // each width's loops without the other's branches.
    private static void Multiply<TVector>(double* a, double* b, double* packed, double* c, int m, int k, int n) where TVector : struct
    {
        if (k == 0)
        {
            new Span<double>(c, m * n).Clear();
            return;
        }
        bool wide = typeof(TVector) == typeof(Vector512<double>);
        int mr = wide ? 8 : 4, nr = wide ? 16 : 8;
        for (int n0 = 0; n0 < n; n0 += NC)
        {
            int nc = Math.Min(NC, n - n0);
            for (int k0 = 0; k0 < k; k0 += KC)
            {
                int kc = Math.Min(KC, k - k0);
                bool first = k0 == 0;
                // Columns the register kernels cover in every row block; an 8-column strip (an 8-input
                // layer's reverse product, say) still gets eight chains in flight.
                int kernelCols = nc / nr * nr;
                bool strip8 = wide && kernelCols + 8 <= nc;
                int i = 0;
                for (; i + mr <= m; i += mr)
                {
                    for (int j = 0; j < kernelCols; j += nr)
                    {
                        double* ap = a + (long)i * k + k0, pp = PanelAt(packed, n0 + j, k0, k), cp = c + (long)i * n + n0 + j;
                        if (wide) Kernel8x16(ap, pp, pp + (long)Panel * k, cp, kc, k, n, first);
                        else Kernel4x8(ap, pp, cp, kc, k, n, first);
                    }
                    if (strip8) Kernel8x8(a + (long)i * k + k0, PanelAt(packed, n0 + kernelCols, k0, k), c + (long)i * n + n0 + kernelCols, kc, k, n, first);
                }
                int rest = kernelCols + (strip8 ? 8 : 0);
                if (rest < nc && i > 0) Strip(a, b, c, i, n0 + rest, nc - rest, k0, kc, k, n, first);
                if (i < m) Edge(a, b, c, i, m - i, n0, nc, k0, kc, k, n, first);
            }
        }
    }

    // Row k0 of the panel holding column j (a multiple of 8).
    private static double* PanelAt(double* packed, int j, int k0, int k) => packed + ((long)(j / Panel) * k + k0) * Panel;

    // p0, p1: the packed panels of the 16 columns (8 each), at row k0.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8x16(double* a, double* p0, double* p1, double* c, int kc, int lda, int ldn, bool first)
    {
        Vector512<double> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (first)
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = Vector512<double>.Zero;
        }
        else
        {
            c00 = Vector512.Load(c); c01 = Vector512.Load(c + 8);
            c10 = Vector512.Load(c + ldn); c11 = Vector512.Load(c + ldn + 8);
            c20 = Vector512.Load(c + 2 * ldn); c21 = Vector512.Load(c + 2 * ldn + 8);
            c30 = Vector512.Load(c + 3 * ldn); c31 = Vector512.Load(c + 3 * ldn + 8);
            c40 = Vector512.Load(c + 4 * ldn); c41 = Vector512.Load(c + 4 * ldn + 8);
            c50 = Vector512.Load(c + 5 * ldn); c51 = Vector512.Load(c + 5 * ldn + 8);
            c60 = Vector512.Load(c + 6 * ldn); c61 = Vector512.Load(c + 6 * ldn + 8);
            c70 = Vector512.Load(c + 7 * ldn); c71 = Vector512.Load(c + 7 * ldn + 8);
        }
        // Row offsets computed once: the loop body is then loads, broadcasts and FMAs only.
        nint r1 = lda, r2 = 2 * r1, r3 = 3 * r1, r4 = 4 * r1, r5 = 5 * r1, r6 = 6 * r1, r7 = 7 * r1;
        double* end = a + kc;
        for (; a < end; a++)
        {
            var b0 = Vector512.Load(p0);
            var b1 = Vector512.Load(p1);
            p0 += Panel;
            p1 += Panel;
            var x = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a[r1]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a[r2]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a[r3]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a[r4]);
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a[r5]);
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a[r6]);
            c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a[r7]);
            c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
        }
        c00.Store(c); c01.Store(c + 8);
        c10.Store(c + ldn); c11.Store(c + ldn + 8);
        c20.Store(c + 2 * ldn); c21.Store(c + 2 * ldn + 8);
        c30.Store(c + 3 * ldn); c31.Store(c + 3 * ldn + 8);
        c40.Store(c + 4 * ldn); c41.Store(c + 4 * ldn + 8);
        c50.Store(c + 5 * ldn); c51.Store(c + 5 * ldn + 8);
        c60.Store(c + 6 * ldn); c61.Store(c + 6 * ldn + 8);
        c70.Store(c + 7 * ldn); c71.Store(c + 7 * ldn + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8x8(double* a, double* p, double* c, int kc, int lda, int ldn, bool first)
    {
        nint r1 = lda, r2 = 2 * r1, r3 = 3 * r1, r4 = 4 * r1, r5 = 5 * r1, r6 = 6 * r1, r7 = 7 * r1, n = ldn;
        Vector512<double> c0, c1, c2, c3, c4, c5, c6, c7;
        if (first)
        {
            c0 = c1 = c2 = c3 = c4 = c5 = c6 = c7 = Vector512<double>.Zero;
        }
        else
        {
            c0 = Vector512.Load(c); c1 = Vector512.Load(c + n); c2 = Vector512.Load(c + 2 * n); c3 = Vector512.Load(c + 3 * n);
            c4 = Vector512.Load(c + 4 * n); c5 = Vector512.Load(c + 5 * n); c6 = Vector512.Load(c + 6 * n); c7 = Vector512.Load(c + 7 * n);
        }
        double* end = a + kc;
        for (; a < end; a++)
        {
            var b0 = Vector512.Load(p);
            p += Panel;
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[0]), b0, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[r1]), b0, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(a[r2]), b0, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Create(a[r3]), b0, c3);
            c4 = Vector512.FusedMultiplyAdd(Vector512.Create(a[r4]), b0, c4);
            c5 = Vector512.FusedMultiplyAdd(Vector512.Create(a[r5]), b0, c5);
            c6 = Vector512.FusedMultiplyAdd(Vector512.Create(a[r6]), b0, c6);
            c7 = Vector512.FusedMultiplyAdd(Vector512.Create(a[r7]), b0, c7);
        }
        c0.Store(c); c1.Store(c + n); c2.Store(c + 2 * n); c3.Store(c + 3 * n);
        c4.Store(c + 4 * n); c5.Store(c + 5 * n); c6.Store(c + 6 * n); c7.Store(c + 7 * n);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel4x8(double* a, double* p, double* c, int kc, int lda, int ldn, bool first)
    {
        Vector256<double> c00, c01, c10, c11, c20, c21, c30, c31;
        if (first)
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector256<double>.Zero;
        }
        else
        {
            c00 = Vector256.Load(c); c01 = Vector256.Load(c + 4);
            c10 = Vector256.Load(c + ldn); c11 = Vector256.Load(c + ldn + 4);
            c20 = Vector256.Load(c + 2 * ldn); c21 = Vector256.Load(c + 2 * ldn + 4);
            c30 = Vector256.Load(c + 3 * ldn); c31 = Vector256.Load(c + 3 * ldn + 4);
        }
        nint r1 = lda, r2 = 2 * r1, r3 = 3 * r1;
        double* end = a + kc;
        for (; a < end; a++)
        {
            var b0 = Vector256.Load(p);
            var b1 = Vector256.Load(p + 4);
            p += Panel;
            var x = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(a[r1]);
            c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(a[r2]);
            c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(a[r3]);
            c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
        }
        c00.Store(c); c01.Store(c + 4);
        c10.Store(c + ldn); c11.Store(c + ldn + 4);
        c20.Store(c + 2 * ldn); c21.Store(c + 2 * ldn + 4);
        c30.Store(c + 3 * ldn); c31.Store(c + 3 * ldn + 4);
    }

    // Columns left over by the micro-kernels (a 4-output layer is all left over), rows 0 .. rows: four
    // columns at a time down eight rows in registers, then single columns (Edge's eight-row chains).
    private static void Strip(double* a, double* b, double* c, int rows, int j0, int cols, int k0, int kc, int lda, int ldn, bool first)
    {
        int j = j0;
        for (; j + 4 <= j0 + cols; j += 4)
        {
            int i = 0;
            for (; i + 8 <= rows; i += 8)
                Kernel8x4(a + (long)i * lda + k0, b + (long)k0 * ldn + j, c + (long)i * ldn + j, kc, lda, ldn, first);
            if (i < rows) Edge(a, b, c, i, rows - i, j, 4, k0, kc, lda, ldn, first);
        }
        if (j < j0 + cols) Edge(a, b, c, 0, rows, j, j0 + cols - j, k0, kc, lda, ldn, first);
    }

    // Eight rows by four columns, one Vector256 accumulator per row: with the weights' row loaded once per
    // k, eight independent chains hide the FMA latency (accumulating through memory, a row at a time,
    // stalled every multiply-add on the previous store).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8x4(double* a, double* b, double* c, int kc, int lda, int ldn, bool first)
    {
        nint r1 = lda, r2 = 2 * r1, r3 = 3 * r1, r4 = 4 * r1, r5 = 5 * r1, r6 = 6 * r1, r7 = 7 * r1, n = ldn;
        Vector256<double> c0, c1, c2, c3, c4, c5, c6, c7;
        if (first)
        {
            c0 = c1 = c2 = c3 = c4 = c5 = c6 = c7 = Vector256<double>.Zero;
        }
        else
        {
            c0 = Vector256.Load(c); c1 = Vector256.Load(c + n); c2 = Vector256.Load(c + 2 * n); c3 = Vector256.Load(c + 3 * n);
            c4 = Vector256.Load(c + 4 * n); c5 = Vector256.Load(c + 5 * n); c6 = Vector256.Load(c + 6 * n); c7 = Vector256.Load(c + 7 * n);
        }
        double* end = a + kc;
        for (; a < end; a++)
        {
            var b0 = Vector256.Load(b);
            b += n;
            c0 = Vector256.FusedMultiplyAdd(Vector256.Create(a[0]), b0, c0);
            c1 = Vector256.FusedMultiplyAdd(Vector256.Create(a[r1]), b0, c1);
            c2 = Vector256.FusedMultiplyAdd(Vector256.Create(a[r2]), b0, c2);
            c3 = Vector256.FusedMultiplyAdd(Vector256.Create(a[r3]), b0, c3);
            c4 = Vector256.FusedMultiplyAdd(Vector256.Create(a[r4]), b0, c4);
            c5 = Vector256.FusedMultiplyAdd(Vector256.Create(a[r5]), b0, c5);
            c6 = Vector256.FusedMultiplyAdd(Vector256.Create(a[r6]), b0, c6);
            c7 = Vector256.FusedMultiplyAdd(Vector256.Create(a[r7]), b0, c7);
        }
        c0.Store(c); c1.Store(c + n); c2.Store(c + 2 * n); c3.Store(c + 3 * n);
        c4.Store(c + 4 * n); c5.Store(c + 5 * n); c6.Store(c + 6 * n); c7.Store(c + 7 * n);
    }

    // Rows or columns left over by the micro-kernel, with the same fused chain per element: four
    // columns per vector, then single columns. Single columns (a 1-output layer is all single column)
    // go eight rows at a time, so eight independent chains hide the FMA latency.
    private static void Edge(double* a, double* b, double* c, int i0, int rows, int j0, int cols, int k0, int kc, int lda, int ldn, bool first)
    {
        int vectorEnd = j0 + cols / 4 * 4;
        // k outermost, a row of C held in L1: B is read a contiguous row at a time (a one-row product
        // over a 1024-wide layer would otherwise stride through B a cache line per multiply), and
        // each element's chain still runs over k in ascending order.
        for (int i = i0; i < i0 + rows && vectorEnd > j0; i++)
        {
            double* ar = a + (long)i * lda + k0;
            double* cr = c + (long)i * ldn;
            if (first)
                for (int j = j0; j < vectorEnd; j += 4) Vector256<double>.Zero.Store(cr + j);
            for (int p = 0; p < kc; p++)
            {
                var x = Vector256.Create(ar[p]);
                double* br = b + (long)(k0 + p) * ldn;
                for (int j = j0; j < vectorEnd; j += 4)
                    Vector256.FusedMultiplyAdd(x, Vector256.Load(br + j), Vector256.Load(cr + j)).Store(cr + j);
            }
        }
        for (int j = vectorEnd; j < j0 + cols; j++)
        {
            double* bc = b + (long)k0 * ldn + j;
            int i = i0;
            for (; i + 8 <= i0 + rows; i += 8)
            {
                double* ar = a + (long)i * lda + k0;
                double* cc = c + (long)i * ldn + j;
                nint r = lda, n = ldn;
                double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
                if (!first) { s0 = cc[0]; s1 = cc[n]; s2 = cc[2 * n]; s3 = cc[3 * n]; s4 = cc[4 * n]; s5 = cc[5 * n]; s6 = cc[6 * n]; s7 = cc[7 * n]; }
                for (int p = 0; p < kc; p++)
                {
                    double bv = bc[(long)p * ldn];
                    s0 = Math.FusedMultiplyAdd(ar[p], bv, s0);
                    s1 = Math.FusedMultiplyAdd(ar[r + p], bv, s1);
                    s2 = Math.FusedMultiplyAdd(ar[2 * r + p], bv, s2);
                    s3 = Math.FusedMultiplyAdd(ar[3 * r + p], bv, s3);
                    s4 = Math.FusedMultiplyAdd(ar[4 * r + p], bv, s4);
                    s5 = Math.FusedMultiplyAdd(ar[5 * r + p], bv, s5);
                    s6 = Math.FusedMultiplyAdd(ar[6 * r + p], bv, s6);
                    s7 = Math.FusedMultiplyAdd(ar[7 * r + p], bv, s7);
                }
                cc[0] = s0; cc[n] = s1; cc[2 * n] = s2; cc[3 * n] = s3; cc[4 * n] = s4; cc[5 * n] = s5; cc[6 * n] = s6; cc[7 * n] = s7;
            }
            for (; i < i0 + rows; i++)
            {
                double* ar = a + (long)i * lda + k0;
                double acc = first ? 0.0 : c[(long)i * ldn + j];
                for (int p = 0; p < kc; p++) acc = Math.FusedMultiplyAdd(ar[p], bc[(long)p * ldn], acc);
                c[(long)i * ldn + j] = acc;
            }
        }
    }
}

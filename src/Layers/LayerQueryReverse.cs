namespace TapeAD.Layers;

// Reverse sweep for Jacobians, Hessians and Hessian-vector products: each output i seeds an adjoint
// row g and, when tangents were propagated forward, their tangents ġ_t. Back through an activation:
// ġ_u = σ'(u) ⊙ ġ_y + σ''(u) ⊙ T_u,t ⊙ g_y and g_u = σ'(u) ⊙ g_y; back through the product: g_x = g_u W.
public sealed partial class LayerQuery
{
    private unsafe void RunReverse(double* x, double* y, int count, double* ws)
    {
        Propagate(x, count, ws, store: true);
        int m = _m, d = _d, per = 1 + _tangents, rows = _reverseRows;
        double* cur = ws + _offA, next = ws + _offB;
        new Span<double>(cur, count * rows * m).Clear();
        for (int b = 0; b < count; b++)
            for (int i = 0; i < m; i++) cur[((long)(b * m + i) * per) * m + i] = 1.0;
        for (int s = _steps.Length - 1; s >= 0; s--)
        {
            var step = _steps[s];
            int w = step.Out;
            if (step.Activation != null)
            {
                double* store = ws + _storeOffset[s];
                long stride = (long)_blockInputs * w;
                for (int b = 0; b < count; b++)
                {
                    double* first = store + (long)b * w, second = store + stride + (long)b * w;
                    for (int i = 0; i < m; i++)
                    {
                        double* group = cur + (long)(b * m + i) * per * w;
                        RowUpdates.Reverse(group, w, first, second, store + 2 * stride + (long)b * _tangents * w, _tangents, ws + _offRow);
                    }
                }
            }
            fixed (double* weights = step.W)
                Gemm.Multiply(cur, weights, next, count * rows, w, step.In);
            double* swap = cur;
            cur = next;
            next = swap;
        }
        for (int b = 0; b < count; b++)
        {
            double* result = y + (long)b * OutputLength;
            for (int i = 0; i < m; i++)
            {
                double* group = cur + (long)(b * m + i) * per * d;
                switch (_kind)
                {
                    case QueryKind.JacobianReverse:
                        new ReadOnlySpan<double>(group, d).CopyTo(new Span<double>(result + i * d, d));
                        break;
                    case QueryKind.HessianReverse:
                        new ReadOnlySpan<double>(group + d, d * d).CopyTo(new Span<double>(result + i * d * d, d * d));
                        break;
                    case QueryKind.HvpReverse:
                        new ReadOnlySpan<double>(group + d, d).CopyTo(new Span<double>(result + i * d, d));
                        break;
                }
            }
        }
    }
}

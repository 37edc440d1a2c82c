using System.Numerics.Tensors;

namespace TapeAD.Layers;

// Forward propagation of value, tangent and second-order rows through every layer:
// u = W x + b, T_u = W T, S_u = W S; y = σ(u), T_y = σ'(u) ⊙ T_u, S_y = σ'(u) ⊙ S_u + σ''(u) ⊙ Σ T_u,j ⊙ T_u,l.
public sealed partial class LayerQuery
{
    private unsafe void RunForward(double* x, double* y, int count, double* ws)
    {
        double* cur = Propagate(x, count, ws, store: false);
        int rows = _forwardRows, m = _m, d = _d;
        for (int b = 0; b < count; b++)
        {
            double* block = cur + (long)b * rows * m;
            double* result = y + (long)b * OutputLength;
            for (int i = 0; i < m; i++)
            {
                switch (_kind)
                {
                    case QueryKind.Value:
                        result[i] = block[i];
                        break;
                    case QueryKind.JacobianForward:
                        for (int j = 0; j < d; j++) result[i * d + j] = block[(1 + j) * m + i];
                        break;
                    case QueryKind.HessianForward:
                        for (int j = 0, k = 0; j < d; j++)
                            for (int l = j; l < d; l++, k++)
                                result[(i * d + j) * d + l] = result[(i * d + l) * d + j] = block[(1 + _tangents + k) * m + i];
                        break;
                    case QueryKind.HvpForward:
                    case QueryKind.SecondOrderJacobian:
                        for (int j = 0; j < d; j++) result[i * d + j] = block[(1 + _tangents + j) * m + i];
                        break;
                    case QueryKind.Laplacian:
                        result[i] = block[(1 + _tangents) * m + i];
                        break;
                }
            }
        }
    }

    /// <summary>
    /// Seeds each input's rows (value, tangents, zero second-order rows) and runs every layer.
    /// With <paramref name="store"/>, keeps each activation's σ', σ'' and the tangents T_u for the
    /// reverse sweep. Returns the final rows: <c>count</c> blocks of <see cref="_forwardRows"/> rows of width m.
    /// </summary>
    private unsafe double* Propagate(double* x, int count, double* ws, bool store)
    {
        int rows = _forwardRows, d = _d;
        double* cur = ws + _offA, next = ws + _offB;
        new Span<double>(cur, count * rows * d).Clear();
        for (int b = 0; b < count; b++)
        {
            double* input = x + (long)b * InputLength;
            double* block = cur + (long)b * rows * d;
            new ReadOnlySpan<double>(input, d).CopyTo(new Span<double>(block, d));
            for (int t = 0; t < _oneHot; t++) block[(1 + t) * d + t] = 1.0;
            if (_tangentFromInput) new ReadOnlySpan<double>(input + d, d).CopyTo(new Span<double>(block + (1 + _oneHot) * d, d));
        }
        for (int s = 0; s < _steps.Length; s++)
        {
            var step = _steps[s];
            int w = step.Out;
            fixed (double* wt = step.Wt)
                Gemm.Multiply(cur, wt, next, count * rows, step.In, w);
            if (step.Activation != null) Activate(step, _pairOffsets[s], next, count, ws, store ? ws + _storeOffset[s] : null);
            else
            {
                for (int b = 0; b < count; b++)
                {
                    var value = new Span<double>(next + (long)b * rows * w, w);
                    TensorPrimitives.Add(value, step.Bias, value);
                }
            }
            double* swap = cur;
            cur = next;
            next = swap;
        }
        return cur;
    }

    // The bias is added on the way into the column program's input (the value row is overwritten with σ
    // anyway), and σ goes back with the row updates' pass: two passes over the value rows fewer.
    private unsafe void Activate(LayerStep step, nint[] pairOffsets, double* rowsPtr, int count, double* ws, double* store)
    {
        int rows = _forwardRows, w = step.Out, lanes = count * w;
        double* u = ws + _offU, derivatives = ws + _offD;
        for (int b = 0; b < count; b++)
            TensorPrimitives.Add(new ReadOnlySpan<double>(rowsPtr + (long)b * rows * w, w), step.Bias, new Span<double>(u + (long)b * w, w));
        step.Activation!.Run(new ReadOnlySpan<double>(u, lanes), new Span<double>(derivatives, 3 * lanes),
            new Span<double>(ws + _offCol, _columns), lanes);
        for (int b = 0; b < count; b++)
        {
            double* block = rowsPtr + (long)b * rows * w;
            double* sigma = derivatives + (long)b * w, first = sigma + lanes, second = first + lanes;
            if (store != null)
            {
                long stride = (long)_blockInputs * w;
                new ReadOnlySpan<double>(first, w).CopyTo(new Span<double>(store + (long)b * w, w));
                if (_tangents > 0) new ReadOnlySpan<double>(second, w).CopyTo(new Span<double>(store + stride + (long)b * w, w));
                new ReadOnlySpan<double>(block + w, _tangents * w).CopyTo(new Span<double>(store + 2 * stride + (long)b * _tangents * w, _tangents * w));
            }
            // A value query computes σ only; a first-order one σ and σ'.
            if (_tangents > 0) RowUpdates.Forward(block, w, sigma, first, second, _tangents, _pairStart, pairOffsets);
            else new ReadOnlySpan<double>(sigma, w).CopyTo(new Span<double>(block, w));
        }
    }
}

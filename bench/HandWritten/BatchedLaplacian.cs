using System.Numerics.Tensors;
using TapeAD.Nn;

namespace TapeAD.Bench.HandWritten;

/// <summary>
/// The hand-written batched forward Laplacian, the second peer for the scale benchmarks: what a careful
/// engineer writes with <see cref="TensorPrimitives"/> for a batch. Per input it keeps the value, the d
/// tangents and one Laplacian row; per layer each row is <c>Σ_k x_k · Wᵀ[k, :]</c> (one span
/// multiply-add per weight row), then <c>L = σ'⊙L + σ''⊙Σ_j T_j²</c>, <c>T_j = σ'⊙T_j</c>, <c>y = σ(u)</c>,
/// with σ' and σ'' written out for tanh, sigmoid and softplus. Not thread-safe (scratch per instance).
/// </summary>
public sealed class BatchedLaplacian
{
    private readonly (int In, int Out, double[] Wt, double[] B, Activation Act)[] _layers;
    private readonly int _d, _m, _rows;
    private readonly double[] _cur, _next, _s, _s1, _s2, _sum;

    public BatchedLaplacian(Chain model, int batch)
    {
        _layers = model.Layers.Select(l =>
        {
            var wt = new double[l.Inputs * l.Outputs];
            for (int i = 0; i < l.Outputs; i++)
                for (int k = 0; k < l.Inputs; k++) wt[k * l.Outputs + i] = l.Weights[i * l.Inputs + k];
            return (l.Inputs, l.Outputs, wt, l.Bias.ToArray(), l.Activation);
        }).ToArray();
        _d = model.InputLength;
        _m = model.OutputLength;
        _rows = _d + 2;
        int widest = Math.Max(_d, _layers.Max(l => l.Out));
        _cur = new double[batch * _rows * widest];
        _next = new double[batch * _rows * widest];
        _s = new double[widest];
        _s1 = new double[widest];
        _s2 = new double[widest];
        _sum = new double[widest];
    }

    /// <summary>Whether every activation of <paramref name="model"/> is one this peer writes out.</summary>
    public static bool Supports(Chain model) =>
        model.Layers.All(l => l.Activation is Activation.Identity or Activation.Tanh or Activation.Sigmoid or Activation.Softplus);

    /// <summary>Laplacians of <paramref name="batch"/> inputs stored row after row; results <c>[batch, m]</c>.</summary>
    public void Run(int batch, ReadOnlySpan<double> xs, Span<double> results)
    {
        int d = _d, rows = _rows;
        double[] cur = _cur, next = _next;
        Array.Clear(cur, 0, batch * rows * d);
        for (int b = 0; b < batch; b++)
        {
            xs.Slice(b * d, d).CopyTo(cur.AsSpan(b * rows * d, d));
            for (int j = 0; j < d; j++) cur[(b * rows + 1 + j) * d + j] = 1;
        }
        int width = d;
        foreach (var (inputs, w, wt, bias, act) in _layers)
        {
            Array.Clear(next, 0, batch * rows * w);
            for (int r = 0; r < batch * rows; r++)
            {
                var target = next.AsSpan(r * w, w);
                for (int k = 0; k < inputs; k++)
                {
                    double xk = cur[r * width + k];
                    if (xk != 0) TensorPrimitives.MultiplyAdd(wt.AsSpan(k * w, w), xk, target, target);
                }
            }
            for (int b = 0; b < batch; b++)
            {
                var u = next.AsSpan(b * rows * w, w);
                TensorPrimitives.Add(u, bias, u);
                if (act == Activation.Identity) continue;
                Derivatives(act, u, _s.AsSpan(0, w), _s1.AsSpan(0, w), _s2.AsSpan(0, w));
                var sum = _sum.AsSpan(0, w);
                sum.Clear();
                for (int j = 0; j < d; j++)
                {
                    var t = next.AsSpan((b * rows + 1 + j) * w, w);
                    TensorPrimitives.MultiplyAdd(t, t, sum, sum);
                    TensorPrimitives.Multiply(t, _s1.AsSpan(0, w), t);
                }
                var lap = next.AsSpan((b * rows + rows - 1) * w, w);
                TensorPrimitives.Multiply(lap, _s1.AsSpan(0, w), lap);
                TensorPrimitives.MultiplyAdd(sum, _s2.AsSpan(0, w), lap, lap);
                _s.AsSpan(0, w).CopyTo(u);
            }
            (cur, next) = (next, cur);
            width = w;
        }
        for (int b = 0; b < batch; b++) cur.AsSpan((b * rows + rows - 1) * _m, _m).CopyTo(results.Slice(b * _m, _m));
    }

    private static void Derivatives(Activation act, ReadOnlySpan<double> u, Span<double> s, Span<double> s1, Span<double> s2)
    {
        switch (act)
        {
            case Activation.Tanh: // s' = 1 - s², s'' = -2 s s'
                TensorPrimitives.Tanh(u, s);
                TensorPrimitives.Multiply(s, s, s1);
                TensorPrimitives.Subtract(1.0, s1, s1);
                TensorPrimitives.Multiply(s, s1, s2);
                TensorPrimitives.Multiply(s2, -2.0, s2);
                break;
            case Activation.Sigmoid: // s' = s(1 - s), s'' = s'(1 - 2s)
                TensorPrimitives.Sigmoid(u, s);
                TensorPrimitives.Subtract(1.0, s, s1);
                TensorPrimitives.Multiply(s, s1, s1);
                TensorPrimitives.Multiply(s, -2.0, s2);
                TensorPrimitives.Add(s2, 1.0, s2);
                TensorPrimitives.Multiply(s1, s2, s2);
                break;
            case Activation.Softplus: // s = log(1 + e^u) (|u| small here), s' = sigmoid(u), s'' = s'(1 - s')
                TensorPrimitives.Exp(u, s);
                TensorPrimitives.LogP1(s, s);
                TensorPrimitives.Sigmoid(u, s1);
                TensorPrimitives.Subtract(1.0, s1, s2);
                TensorPrimitives.Multiply(s1, s2, s2);
                break;
            default:
                throw new NotSupportedException($"The batched Laplacian peer covers tanh, sigmoid and softplus, not {act}.");
        }
    }
}

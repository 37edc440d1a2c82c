using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TapeAD.Nn;

namespace TapeAD.Bench.HandWritten;

/// <summary>
/// The hand-written peer: the same dense network, with each derivative query written out in closed
/// form as forward-mode Taylor propagation through the layers — plain loops over arrays allocated
/// once, here in the constructor. This is what a careful engineer would write by hand for one fixed
/// architecture, and so the practical speed limit for TapeAD's generated code.
/// </summary>
/// <remarks>
/// Every query runs the layers in order. For a layer <c>a = s(u)</c>, <c>u = W x + b</c>, the
/// chain rule for directional derivatives along directions p, q is
/// <c>a'_p = s'(u) u'_p</c> and <c>a''_pq = s''(u) u'_p u'_q + s'(u) u''_pq</c>, where
/// <c>u'_p = W x'_p</c> and <c>u''_pq = W x''_pq</c> (the layer is linear before the activation).
/// Derivative buffers are direction-major (<c>T[p * width + k]</c>), so every <c>W x'_p</c> is a
/// contiguous dot product of a weight row with one direction's vector.
/// Not thread-safe (the scratch is per instance); the benchmarks use one instance per thread.
/// </remarks>
public sealed partial class HandNet
{
    private readonly Layer[] _layers;
    private readonly int _d;
    private readonly int _m;
    private readonly int _pairs;
    // Ping-pong scratch: activations a, first tangents T, second-order terms S, pairs H, per layer.
    private readonly double[] _a0, _a1, _t0, _t1, _s0, _s1, _h0, _h1, _v0, _v1;
    // Per-unit derivative accumulators for one output unit: du (d), ddu (d or pairs).
    private readonly double[] _du, _ddu;

    private sealed class Layer(int inputs, int outputs, double[] w, double[] b, Activation act)
    {
        public readonly int In = inputs, Out = outputs;
        public readonly double[] W = w, B = b;
        public readonly Activation Act = act;
        public readonly bool Linear = act == Activation.Identity;
    }

    public HandNet(Chain model)
    {
        _layers = model.Layers.Select(l => new Layer(l.Inputs, l.Outputs, l.Weights.ToArray(), l.Bias.ToArray(), l.Activation)).ToArray();
        foreach (var l in _layers)
            if (l.Act is not (Activation.Identity or Activation.Elu or Activation.Tanh or Activation.Sigmoid or Activation.Softplus))
                throw new NotSupportedException($"The hand-written peer has no closed form for {l.Act}.");
        _d = model.InputLength;
        _m = model.OutputLength;
        _pairs = _d * (_d + 1) / 2;
        int w = _layers.Max(l => l.Out);
        _a0 = new double[w]; _a1 = new double[w];
        _t0 = new double[w * _d]; _t1 = new double[w * _d];
        _s0 = new double[w * _d]; _s1 = new double[w * _d];
        _h0 = new double[w * _pairs]; _h1 = new double[w * _pairs];
        _v0 = new double[w]; _v1 = new double[w];
        _du = new double[_d];
        _ddu = new double[Math.Max(_d, _pairs)];
    }

    public int InputLength => _d;
    public int OutputLength => _m;

    /// <summary>Query <paramref name="q"/> at one input (x, or x then v for the HVP).</summary>
    public void Run(Query q, ReadOnlySpan<double> x, Span<double> r)
    {
        switch (q)
        {
            case Query.Value: Value(x, r); break;
            case Query.Jacobian: Jacobian(x, r); break;
            case Query.Hessian: Hessian(x, r); break;
            case Query.SecondOrderJacobian: SecondOrderJacobian(x, r); break;
            case Query.Laplacian: Laplacian(x, r); break;
            case Query.Hvp: Hvp(x, r); break;
            default: throw new ArgumentOutOfRangeException(nameof(q));
        }
    }

    /// <summary>Dot product with Vector256 lanes and two accumulators (what a careful engineer would
    /// write for the inner products of a layer; the tape's generated code is scalar).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int n = a.Length, k = 0;
        double sum = 0;
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            ref double ra = ref MemoryMarshal.GetReference(a);
            ref double rb = ref MemoryMarshal.GetReference(b);
            var acc0 = Vector256<double>.Zero;
            var acc1 = Vector256<double>.Zero;
            for (; k <= n - 8; k += 8)
            {
                acc0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ra, (nuint)k), Vector256.LoadUnsafe(ref rb, (nuint)k), acc0);
                acc1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ra, (nuint)(k + 4)), Vector256.LoadUnsafe(ref rb, (nuint)(k + 4)), acc1);
            }
            sum = Vector256.Sum(acc0 + acc1);
        }
        for (; k < n; k++) sum += a[k] * b[k];
        return sum;
    }

    /// <summary>Pre-activation <c>u_i = ((W_i0 x_0 + W_i1 x_1) + ...) + b_i</c>, summed in the order the tape records it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double PreActivation(Layer l, int i, ReadOnlySpan<double> x)
    {
        var row = l.W.AsSpan(i * l.In, l.In);
        double u = row[0] * x[0];
        for (int k = 1; k < row.Length; k++) u += row[k] * x[k];
        return u + l.B[i];
    }

    /// <summary><c>s(u)</c>, <c>s'(u)</c>, <c>s''(u)</c>, written with the tape's value formulas.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Activate(Activation act, double u, out double s1, out double s2)
    {
        switch (act)
        {
            case Activation.Identity:
                s1 = 1; s2 = 0; return u;
            case Activation.Elu:
                if (u > 0) { s1 = 1; s2 = 0; return u; }
                double e = Math.Exp(u);
                s1 = e; s2 = e; return e - 1.0;
            case Activation.Tanh:
            {
                double t = Math.Tanh(u);
                s1 = 1 - t * t; s2 = -2 * t * s1; return t;
            }
            case Activation.Sigmoid:
            {
                double s = 1.0 / (1.0 + Math.Exp(-u));
                s1 = s * (1 - s); s2 = s1 * (1 - 2 * s); return s;
            }
            case Activation.Softplus:
            {
                double sig = 1.0 / (1.0 + Math.Exp(-u));
                s1 = sig; s2 = sig * (1 - sig);
                return u > 0 ? u + Math.Log(1 + Math.Exp(-u)) : Math.Log(1 + Math.Exp(u));
            }
            default:
                throw new NotSupportedException(act.ToString());
        }
    }

    private static void Swap(ref double[] a, ref double[] b) => (a, b) = (b, a);
}

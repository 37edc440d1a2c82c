namespace TapeAD.Bench.HandWritten;

public sealed partial class HandNet
{
    /// <summary>Hessians of every output <c>[m, d, d]</c>: Taylor propagation along pairs of input
    /// directions (j ≤ k, packed as p), <c>H_out[p] = s'' (W T_j)(W T_k) + s' (W H_p)</c>; the last
    /// layer writes both symmetric halves.</summary>
    public void Hessian(ReadOnlySpan<double> x, Span<double> hess)
    {
        int d = _d;
        double[] a = _a0, aNext = _a1, t = _t0, tNext = _t1, h = _h0, hNext = _h1;
        var du = _du.AsSpan(0, d);
        for (int li = 0; li < _layers.Length; li++)
        {
            var l = _layers[li];
            ReadOnlySpan<double> input = li == 0 ? x : a.AsSpan(0, l.In);
            bool last = li == _layers.Length - 1;
            for (int i = 0; i < l.Out; i++)
            {
                double u = PreActivation(l, i, input);
                aNext[i] = Activate(l.Act, u, out double s1, out double s2);
                var row = l.W.AsSpan(i * l.In, l.In);
                for (int j = 0; j < d; j++)
                {
                    du[j] = li == 0 ? row[j] : Dot(row, t.AsSpan(j * l.In, l.In));
                    tNext[j * l.Out + i] = l.Linear ? du[j] : s1 * du[j];
                }
                for (int j = 0, p = 0; j < d; j++)
                {
                    double c = s2 * du[j];
                    for (int k = j; k < d; k++, p++)
                    {
                        double ddu = li == 0 ? 0 : Dot(row, h.AsSpan(p * l.In, l.In));
                        double hp = l.Linear ? ddu : c * du[k] + s1 * ddu;
                        if (last)
                        {
                            hess[(i * d + j) * d + k] = hp;
                            hess[(i * d + k) * d + j] = hp;
                        }
                        else hNext[p * l.Out + i] = hp;
                    }
                }
            }
            Swap(ref a, ref aNext);
            Swap(ref t, ref tNext);
            Swap(ref h, ref hNext);
        }
    }
}

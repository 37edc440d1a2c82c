namespace TapeAD.Bench.HandWritten;

public sealed partial class HandNet
{
    /// <summary>Hessian-vector products of every output <c>[m, d]</c> at <c>xv = (x, v)</c>: Taylor
    /// propagation along v (<c>tv</c>) and along every e_j (<c>T</c>) with the mixed second terms
    /// <c>M_out[j] = s'' (W T_j)(W tv) + s' (W M_j)</c>, which at the output are <c>(H_i v)_j</c>.</summary>
    public void Hvp(ReadOnlySpan<double> xv, Span<double> result)
    {
        int d = _d;
        var x = xv[..d];
        var v = xv.Slice(d, d);
        double[] a = _a0, aNext = _a1, t = _t0, tNext = _t1, mix = _s0, mixNext = _s1, tv = _v0, tvNext = _v1;
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
                double duv = Dot(row, li == 0 ? v : tv.AsSpan(0, l.In));
                tvNext[i] = l.Linear ? duv : s1 * duv;
                double c = s2 * duv;
                for (int j = 0; j < d; j++)
                {
                    double du, ddu;
                    if (li == 0) { du = row[j]; ddu = 0; }
                    else
                    {
                        du = Dot(row, t.AsSpan(j * l.In, l.In));
                        ddu = Dot(row, mix.AsSpan(j * l.In, l.In));
                    }
                    double tj = s1 * du, mj = c * du + s1 * ddu;
                    if (l.Linear) { tj = du; mj = ddu; }
                    if (last) result[i * d + j] = mj;
                    else
                    {
                        tNext[j * l.Out + i] = tj;
                        mixNext[j * l.Out + i] = mj;
                    }
                }
            }
            Swap(ref a, ref aNext);
            Swap(ref t, ref tNext);
            Swap(ref mix, ref mixNext);
            Swap(ref tv, ref tvNext);
        }
    }
}

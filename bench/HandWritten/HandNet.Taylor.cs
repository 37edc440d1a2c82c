namespace TapeAD.Bench.HandWritten;

public sealed partial class HandNet
{
    /// <summary>Second-order Jacobian <c>[m, d]</c> (<c>∂²y_i/∂x_j²</c>): second-order Taylor propagation
    /// along each input direction e_j, all directions at once: first terms <c>T</c>, second terms
    /// <c>S_out = s'' (W T)² + s' (W S)</c>, starting from <c>T = I</c>, <c>S = 0</c>.</summary>
    public void SecondOrderJacobian(ReadOnlySpan<double> x, Span<double> diag) => Taylor(x, diag, false);

    /// <summary>Laplacian <c>[m]</c>: the Taylor propagation of <see cref="SecondOrderJacobian"/>, summed over j.</summary>
    public void Laplacian(ReadOnlySpan<double> x, Span<double> lap) => Taylor(x, lap, true);

    private void Taylor(ReadOnlySpan<double> x, Span<double> result, bool sum)
    {
        int d = _d;
        double[] a = _a0, aNext = _a1, t = _t0, tNext = _t1, s = _s0, sNext = _s1;
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
                double total = 0;
                for (int j = 0; j < d; j++)
                {
                    double du, ddu;
                    if (li == 0) { du = row[j]; ddu = 0; }
                    else
                    {
                        du = Dot(row, t.AsSpan(j * l.In, l.In));
                        ddu = Dot(row, s.AsSpan(j * l.In, l.In));
                    }
                    double tj = s1 * du, sj = s2 * du * du + s1 * ddu;
                    if (l.Linear) { tj = du; sj = ddu; }
                    if (!last)
                    {
                        tNext[j * l.Out + i] = tj;
                        sNext[j * l.Out + i] = sj;
                    }
                    else if (sum) total += sj;
                    else result[i * d + j] = sj;
                }
                if (last && sum) result[i] = total;
            }
            Swap(ref a, ref aNext);
            Swap(ref t, ref tNext);
            Swap(ref s, ref sNext);
        }
    }
}

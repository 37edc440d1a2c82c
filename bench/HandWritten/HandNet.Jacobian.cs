namespace TapeAD.Bench.HandWritten;

public sealed partial class HandNet
{
    /// <summary>Jacobian <c>[m, d]</c> by forward tangents along every input direction at once:
    /// <c>T_out[j][i] = s'(u_i) (W_i · T_in[j])</c>, starting from <c>T = I</c>.</summary>
    public void Jacobian(ReadOnlySpan<double> x, Span<double> jac)
    {
        int d = _d;
        double[] a = _a0, aNext = _a1, t = _t0, tNext = _t1;
        for (int li = 0; li < _layers.Length; li++)
        {
            var l = _layers[li];
            ReadOnlySpan<double> input = li == 0 ? x : a.AsSpan(0, l.In);
            bool last = li == _layers.Length - 1;
            for (int i = 0; i < l.Out; i++)
            {
                double u = PreActivation(l, i, input);
                aNext[i] = Activate(l.Act, u, out double s1, out _);
                var row = l.W.AsSpan(i * l.In, l.In);
                for (int j = 0; j < d; j++)
                {
                    // Input tangents are the identity in the first layer: u'_j = W_ij.
                    double du = li == 0 ? row[j] : Dot(row, t.AsSpan(j * l.In, l.In));
                    double tj = l.Linear ? du : s1 * du;
                    if (last) jac[i * d + j] = tj;
                    else tNext[j * l.Out + i] = tj;
                }
            }
            Swap(ref a, ref aNext);
            Swap(ref t, ref tNext);
        }
    }
}

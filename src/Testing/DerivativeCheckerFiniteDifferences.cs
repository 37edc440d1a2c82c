using TapeAD.Tape;

namespace TapeAD.Testing;

// Comparisons of each query with finite differences: of the value for first derivatives, of the
// forward-mode Jacobian for second derivatives.
public sealed partial class DerivativeChecker
{
    private void CompareWithFiniteDifferences(Evaluated e, Comparisons c)
    {
        int m = e.M, d = e.D;
        var kinks = _kinks.At(e.X);
        var laplacian = new double[m];
        var laplacianError = new double[m];
        var laplacianNoise = new double[m];
        bool laplacianComplete = true;
        for (int j = 0; j < d; j++)
        {
            var unit = new double[d];
            unit[j] = 1;
            double h = Options.Step * Math.Max(1, Math.Abs(e.X[j]));
            if (Kinks.Crossed(kinks, unit, h))
            {
                // Every entry differentiated along x_j: m first derivatives, m·d Hessian entries per mode, m diagonals.
                c.Skip(m * (2 + d * SecondOrderModes.Length + 1) + m);
                laplacianComplete = false;
                continue;
            }
            var first = FiniteDifferences.Estimate(p => Function.Evaluate(p), e.X, unit, h);
            var second = FiniteDifferences.Estimate(p => JacobianInDomain(p, e), e.X, unit, h);
            for (int i = 0; i < m; i++)
            {
                double jSize = e.Jacobian.RowSize(i, d), hSize = e.Hessians[0].RowSize(i, d * d);
                double fd = first.Derivative[i], err = first.Error[i], noise = Noise(e.Value.E[i], h);
                int ij = i * d + j;
                c.AddEstimate(DerivativeQuery.Jacobian, "forward mode", i, [j], fd, err, noise, e.Jacobian.V[ij], e.Jacobian.E[ij], jSize, Options);
                c.AddEstimate(DerivativeQuery.Jacobian, "reverse mode", i, [j], fd, err, noise, e.JacobianReverse.V[ij], e.JacobianReverse.E[ij], jSize, Options);
                c.AddEstimate(DerivativeQuery.Gradient, "reverse mode", i, [j], fd, err, noise, e.Gradients[i].V[j], e.Gradients[i].E[j], jSize, Options);
                for (int l = 0; l < d; l++)
                {
                    int il = i * d + l;
                    for (int k = 0; k < SecondOrderModes.Length; k++)
                        c.AddEstimate(DerivativeQuery.Hessian, $"mode {SecondOrderModes[k]}", i, [l, j], second.Derivative[il], second.Error[il],
                            Noise(e.Jacobian.E[il], h), e.Hessians[k].V[e.H(i, l, j)], e.Hessians[k].E[e.H(i, l, j)], hSize, Options);
                }
                c.AddEstimate(DerivativeQuery.SecondOrderJacobian, "forward over forward along x_j", i, [j], second.Derivative[ij], second.Error[ij],
                    Noise(e.Jacobian.E[ij], h), e.SecondOrderJacobian.V[ij], e.SecondOrderJacobian.E[ij], hSize, Options);
                laplacian[i] += second.Derivative[ij];
                laplacianError[i] += second.Error[ij];
                laplacianNoise[i] += Noise(e.Jacobian.E[ij], h);
            }
        }
        for (int i = 0; i < m; i++)
        {
            if (!laplacianComplete) { c.Skip(1); continue; }
            c.AddEstimate(DerivativeQuery.Laplacian, "sum of forward over forward along each x_j", i, [], laplacian[i], laplacianError[i],
                laplacianNoise[i], e.Laplacian.V[i], e.Laplacian.E[i], e.Hessians[0].RowSize(i, d * d), Options);
        }
        CompareHvpWithFiniteDifferences(e, c, kinks);
    }

    private void CompareHvpWithFiniteDifferences(Evaluated e, Comparisons c, (double[] Gaps, double[] Jacobian) kinks)
    {
        int m = e.M, d = e.D;
        double h = Options.Step * Math.Max(1, e.X.Max(Math.Abs)) / Math.Max(1e-300, _direction.Max(Math.Abs));
        if (d == 0 || _direction.All(v => v == 0) || Kinks.Crossed(kinks, _direction, h))
        {
            c.Skip(m * d * (_hvps.Length + 1));
            return;
        }
        var along = FiniteDifferences.Estimate(p => JacobianInDomain(p, e), e.X, _direction, h);
        for (int i = 0; i < m; i++)
        {
            double size = e.Hvps[0].RowSize(i, d);
            for (int j = 0; j < d; j++)
            {
                int ij = i * d + j;
                double fd = along.Derivative[ij], err = along.Error[ij], noise = Noise(e.Jacobian.E[ij], h);
                for (int k = 0; k < _hvps.Length; k++)
                    c.AddEstimate(DerivativeQuery.HessianVectorProduct, $"mode {SecondOrderModes[k]}", i, [j], fd, err, noise, e.Hvps[k].V[ij], e.Hvps[k].E[ij], size, Options);
                c.AddEstimate(DerivativeQuery.HessianVectorProduct, $"output {i} alone", i, [j], fd, err, noise, e.SingleHvps[i].V[j], e.SingleHvps[i].E[j], size, Options);
            }
        }
    }

    /// <summary>
    /// The Jacobian at a finite-difference point, with the rows of outputs that are NaN there (and not
    /// at the checked point) set to NaN: beyond a domain edge (log1p below -1, atanh beyond ±1) the
    /// derivative formula continues finitely, but it is no derivative, and a difference across the
    /// pole would look smooth. A NaN difference is skipped.
    /// </summary>
    private double[] JacobianInDomain(double[] p, Evaluated e)
    {
        var jacobian = _jacobian.Evaluate(p);
        var value = Function.Evaluate(p);
        for (int i = 0; i < value.Length; i++)
            if (double.IsNaN(value[i]) && !double.IsNaN(e.Value.V[i])) Array.Fill(jacobian, double.NaN, i * e.D, e.D);
        return jacobian;
    }

    /// <summary>The rounding of a Richardson difference quotient whose function values are off by up to
    /// <paramref name="bound"/>: (4·bound/(h/4) + bound/(h/2))/3 = 6·bound/h for the finest estimate.</summary>
    private static double Noise(double bound, double h) => 6 * bound / h;
}

using TapeAD.Tape;

namespace TapeAD.Testing;

// Comparisons of each query with the same derivative built another way, within the sum of both
// values' rounding-error bounds.
public sealed partial class DerivativeChecker
{
    private void CompareModes(Evaluated e, Comparisons c)
    {
        int m = e.M, d = e.D;
        var h0 = e.Hessians[0];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < d; j++)
            {
                int ij = i * d + j;
                Same(c, DerivativeQuery.Jacobian, "reverse mode", "forward mode", i, [j], e.Jacobian, ij, e.JacobianReverse, ij);
                Same(c, DerivativeQuery.Gradient, "reverse mode", "forward-mode Jacobian", i, [j], e.Jacobian, ij, e.Gradients[i], j);
                Same(c, DerivativeQuery.SecondOrderJacobian, "forward over forward along x_j", "Hessian diagonal (ForwardOverForward)",
                    i, [j], h0, e.H(i, j, j), e.SecondOrderJacobian, ij);
                for (int l = 0; l < d; l++)
                    for (int k = 0; k < SecondOrderModes.Length; k++)
                    {
                        string method = $"mode {SecondOrderModes[k]}";
                        if (k > 0) Same(c, DerivativeQuery.Hessian, method, "mode ForwardOverForward", i, [j, l], h0, e.H(i, j, l), e.Hessians[k], e.H(i, j, l));
                        Same(c, DerivativeQuery.Hessian, method, "its transpose", i, [j, l], e.Hessians[k], e.H(i, l, j), e.Hessians[k], e.H(i, j, l));
                    }
                CompareHvp(e, c, i, j);
            }
            var diagonal = Enumerable.Range(0, d).Select(j => e.H(i, j, j)).ToArray();
            var (trace, traceBound) = Dot(h0, diagonal, Enumerable.Repeat(1.0, d).ToArray());
            Same(c, DerivativeQuery.Laplacian, "sum of forward over forward along each x_j", "Hessian trace (ForwardOverForward)", i, [],
                trace, traceBound, e.Laplacian.V[i], e.Laplacian.E[i]);
        }
    }

    private void CompareHvp(Evaluated e, Comparisons c, int i, int j)
    {
        int d = e.D;
        var (hv, bound) = Dot(e.Hessians[0], Enumerable.Range(0, d).Select(l => e.H(i, j, l)).ToArray(), _direction);
        const string reference = "H v (Hessian ForwardOverForward)";
        for (int k = 0; k < _hvps.Length; k++)
            Same(c, DerivativeQuery.HessianVectorProduct, $"mode {SecondOrderModes[k]}", reference, i, [j], hv, bound, e.Hvps[k].V[i * d + j], e.Hvps[k].E[i * d + j]);
        Same(c, DerivativeQuery.HessianVectorProduct, $"output {i} alone", reference, i, [j], hv, bound, e.SingleHvps[i].V[j], e.SingleHvps[i].E[j]);
    }

    /// <summary>Σ_k q[at_k]·w_k and its rounding-error bound.</summary>
    private static (double Sum, double Bound) Dot(Bounded q, int[] at, double[] w)
    {
        double sum = 0, bound = 0, size = 0;
        for (int k = 0; k < at.Length; k++)
        {
            sum += q.V[at[k]] * w[k];
            bound += Math.Abs(w[k]) * q.E[at[k]];
            size += Math.Abs(q.V[at[k]] * w[k]);
        }
        return (sum, bound + (at.Length + 1) * Comparisons.Eps * size);
    }

    private void Same(Comparisons c, DerivativeQuery query, string method, string reference, int output, int[] inputs,
        Bounded expected, int expectedAt, Bounded got, int gotAt) =>
        Same(c, query, method, reference, output, inputs, expected.V[expectedAt], expected.E[expectedAt], got.V[gotAt], got.E[gotAt]);

    private void Same(Comparisons c, DerivativeQuery query, string method, string reference, int output, int[] inputs,
        double expected, double expectedBound, double got, double gotBound) =>
        c.Add(query, method, reference, output, inputs, expected, got, Options.RoundingSafety * (expectedBound + gotBound) + Comparisons.Tiny);
}

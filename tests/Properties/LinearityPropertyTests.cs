using TapeAD.Testing;
using Xunit;

namespace TapeAD.Tests.Properties;

/// <summary>Identities between queries that the checker does not cover: linearity of HVPs in v,
/// and the chain rule across layers.</summary>
public class LinearityPropertyTests
{
    [NetworkProperty(80)]
    public void Hessian_vector_products_are_linear_in_v(AnyNetwork network)
    {
        var c = network.Case;
        const double a = 2.5, b = -0.75;
        double[] v1 = c.V, v2 = c.V.Select((_, j) => Math.Sin(3 + j)).ToArray();
        double[] mixed = v1.Select((_, j) => a * v1[j] + b * v2[j]).ToArray();
        foreach (var mode in QueryList.Modes)
        {
            var hvp = c.Function.HessianVectorProduct(mode);
            var (lhs, lhsBound) = At(hvp, c.X, mixed);
            var (h1, e1) = At(hvp, c.X, v1);
            var (h2, e2) = At(hvp, c.X, v2);
            for (int k = 0; k < lhs.Length; k++)
            {
                double rhs = a * h1[k] + b * h2[k];
                if (!double.IsFinite(lhs[k]) || !double.IsFinite(rhs)) continue;
                double tolerance = 2 * (lhsBound[k] + Math.Abs(a) * e1[k] + Math.Abs(b) * e2[k])
                    + 4 * Comparisons.Eps * (Math.Abs(a * h1[k]) + Math.Abs(b * h2[k])) + Comparisons.Tiny;
                Assert.True(Math.Abs(lhs[k] - rhs) <= tolerance,
                    $"HVP ({mode}) entry {k}: H(a v1 + b v2) = {lhs[k]:R}, a H v1 + b H v2 = {rhs:R}, difference {Math.Abs(lhs[k] - rhs):E3} > {tolerance:E3}");
            }
        }
    }

    [NetworkProperty(80)]
    public void A_chains_jacobian_is_the_product_of_its_layers_jacobians(AnyNetwork network)
    {
        var c = network.Case;
        int d = c.InputLength;
        // product[i, j] and its rounding bound, starting from the identity.
        double[] product = new double[d * d], bound = new double[d * d];
        for (int j = 0; j < d; j++) product[j * d + j] = 1;
        int rows = d;
        double[] a = c.X;
        foreach (var spec in c.Layers)
        {
            var layer = new Nn.Chain("layer", [spec.ToDense()]).ToFunction().Jacobian();
            double[] jl = layer.Evaluate(a), el = RoundingBounds.Of(layer, a);
            int m = spec.Outputs;
            double[] next = new double[m * d], nextBound = new double[m * d];
            for (int i = 0; i < m; i++)
                for (int j = 0; j < d; j++)
                {
                    double sum = 0, err = 0, size = 0;
                    for (int k = 0; k < rows; k++)
                    {
                        sum += jl[i * rows + k] * product[k * d + j];
                        err += Math.Abs(jl[i * rows + k]) * bound[k * d + j] + el[i * rows + k] * Math.Abs(product[k * d + j]);
                        size += Math.Abs(jl[i * rows + k] * product[k * d + j]);
                    }
                    next[i * d + j] = sum;
                    nextBound[i * d + j] = err + (rows + 1) * Comparisons.Eps * size;
                }
            (product, bound, rows) = (next, nextBound, m);
            var activations = new double[m];
            spec.ToDense().Evaluate(a, activations);
            a = activations;
        }
        var jacobian = c.Function.Jacobian();
        double[] got = jacobian.Evaluate(c.X), gotBound = RoundingBounds.Of(jacobian, c.X);
        for (int k = 0; k < got.Length; k++)
        {
            if (!double.IsFinite(got[k]) || !double.IsFinite(product[k])) continue;
            double tolerance = 2 * (bound[k] + gotBound[k]) + Comparisons.Tiny;
            Assert.True(Math.Abs(got[k] - product[k]) <= tolerance,
                $"J[{k / d}, {k % d}]: chain {got[k]:R}, product of layers {product[k]:R}, difference {Math.Abs(got[k] - product[k]):E3} > {tolerance:E3}");
        }
    }

    private static (double[] Values, double[] Bounds) At(Tape.TapeFunction hvp, double[] x, double[] v)
    {
        double[] input = [.. x, .. v];
        return (hvp.Evaluate(input), RoundingBounds.Of(hvp, input));
    }
}

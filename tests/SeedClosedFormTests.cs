using TapeAD.Compiler;
using TapeAD.Nn;
using Xunit;

namespace TapeAD.Tests;

/// <summary>
/// The seed network y = W2 elu(W1 x + b1) + b2 by hand. With z = W1 x + b1 and e_k = elu''(z_k)
/// (exp(z_k) for z_k &lt;= 0, else 0), the Hessian of output i is
/// H_i[j, l] = Σ_k W2[i, k] e_k W1[k, j] W1[k, l], so ∂²y_i/∂x_j² = Σ_k W2[i, k] e_k W1[k, j]²
/// and the Laplacian is its sum over j.
/// </summary>
public class SeedClosedFormTests
{
    private const double Relative = 1e-13;

    public static TheoryData<double[]> Points => new()
    {
        new[] { 0.5, -0.3, 0.8, -1.2, 0.1 },
        new[] { -1.5, 2.0, 0.25, 0.75, -0.6 },
        new[] { 3.0, -2.5, -1.0, 0.0, 1.25 },
    };

    [Theory]
    [MemberData(nameof(Points))]
    public void Second_order_jacobian_hessians_and_laplacian_match_the_closed_form(double[] x)
    {
        var seed = BuiltinModels.Seed();
        var f = seed.ToFunction();
        double[] w1 = seed.Layers[0].Weights.ToArray(), b1 = seed.Layers[0].Bias.ToArray(), w2 = seed.Layers[1].Weights.ToArray();
        var e = new double[3];
        for (int k = 0; k < 3; k++)
        {
            double z = b1[k];
            for (int j = 0; j < 5; j++) z += w1[k * 5 + j] * x[j];
            e[k] = z > 0 ? 0 : Math.Exp(z);
        }
        // term(i, j, l, k) = W2[i, k] e_k W1[k, j] W1[k, l]; the check is relative to Σ_k |term|.
        double Term(int i, int j, int l, int k) => w2[i * 3 + k] * e[k] * w1[k * 5 + j] * w1[k * 5 + l];

        double[] diag = f.SecondOrderJacobian().Compile().Evaluate(x), laplacian = f.Laplacian().Compile().Evaluate(x);
        double[] hessian = f.Hessian().Compile().Evaluate(x);
        for (int i = 0; i < 3; i++)
        {
            double trace = 0, traceSize = 0;
            for (int j = 0; j < 5; j++)
            {
                for (int l = 0; l < 5; l++)
                {
                    double h = 0, size = 0;
                    for (int k = 0; k < 3; k++) { h += Term(i, j, l, k); size += Math.Abs(Term(i, j, l, k)); }
                    Close(h, hessian[(i * 5 + j) * 5 + l], size, $"H_{i}[{j}, {l}]");
                    if (j != l) continue;
                    Close(h, diag[i * 5 + j], size, $"d²y_{i}/dx_{j}²");
                    trace += h;
                    traceSize += size;
                }
            }
            Close(trace, laplacian[i], traceSize, $"laplacian of y_{i}");
        }
    }

    private static void Close(double expected, double actual, double size, string what) =>
        Assert.True(Math.Abs(expected - actual) <= Relative * size,
            $"{what}: closed form {expected:R}, library {actual:R}, difference {Math.Abs(expected - actual):E3} > 1e-13 × {size:E3}");
}

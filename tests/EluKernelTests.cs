using System.Runtime.Intrinsics;
using TapeAD.Tape;
using TapeAD.Tests.Properties;
using Xunit;

namespace TapeAD.Tests;

/// <summary>
/// The ELU family's kernel (<see cref="Elementwise.Elu(double, double, double)"/> and its one-pass derivatives)
/// against its plain form, the primitives <see cref="VarMath.Elu"/> records evaluated one by one, bit for bit at
/// the edges of the doubles; and the per-vector one-pass forms of every activation against their span forms and
/// their own scalar forms, whatever the neighbouring elements hold.
/// </summary>
public class EluKernelTests
{
    // (scale, alpha): ELU with α = 1, 0.5, 2.75 and a tiny one; SELU's γ and γα.
    public static TheoryData<double, double> Parameters() => new()
    {
        { 1.0, 1.0 }, { 1.0, 0.5 }, { 1.0, 2.75 }, { 1.0, 1e-300 },
        { 1.05070102214813232421875, 1.05070102214813232421875 * 1.67326319217681884765625 },
    };

    private static double[] Inputs(int seed)
    {
        var rng = new Random(seed);
        var edges = ElementwiseAccuracyTests.Edges;
        return [.. edges, .. Enumerable.Range(0, 4000).Select(i => i % 4 == 0 ? edges[rng.Next(edges.Length)] : (rng.NextDouble() * 2 - 1) * Math.Pow(10, rng.Next(-12, 4)))];
    }

    [Theory]
    [MemberData(nameof(Parameters))]
    public void Value_and_derivatives_have_the_plain_forms_bits(double scale, double alpha)
    {
        foreach (double x in Inputs(17))
        {
            double positive = Primitives.Greater(x, 0.0);
            double e = Primitives.Exp(Primitives.Select(positive, 0.0, x));
            double[] plain = [Primitives.Select(positive, scale * x, alpha * (e - 1.0)), Primitives.Select(positive, scale, alpha * e), Primitives.Select(positive, 0.0, alpha * e)];
            var (v, d1, d2) = Elementwise.EluDerivatives(x, scale, alpha);
            Bits.SameResults(plain, [v, d1, d2], $"elu({scale:R}, {alpha:R}) at {Bits.Show(x)}");
            Bits.SameResults([plain[0]], [Elementwise.Elu(x, scale, alpha)], $"elu({scale:R}, {alpha:R}) value at {Bits.Show(x)}");
        }
    }

    [Theory]
    [MemberData(nameof(Parameters))]
    public void The_vector_forms_give_each_element_the_scalar_bits(double scale, double alpha)
    {
        var x = Inputs(29);
        for (int i = 0; i + 4 <= x.Length; i += 4)
        {
            var u = Vector256.Create(x.AsSpan(i, 4));
            var value = Elementwise.Elu(u, scale, alpha);
            var (v, d1, d2) = Elementwise.EluDerivatives(u, scale, alpha);
            for (int l = 0; l < 4; l++)
            {
                var (sv, s1, s2) = Elementwise.EluDerivatives(x[i + l], scale, alpha);
                Bits.Identical([sv, sv, s1, s2], [value.GetElement(l), v.GetElement(l), d1.GetElement(l), d2.GetElement(l)], $"elu at {Bits.Show(x[i + l])}");
            }
        }
    }

    private delegate void SpanDerivatives(ReadOnlySpan<double> x, Span<double> value, Span<double> first, Span<double> second);

    public static TheoryData<string> OnePassActivations() => ["tanh", "sigmoid", "softplus"];

    [Theory]
    [MemberData(nameof(OnePassActivations))]
    public void Per_vector_and_scalar_one_pass_forms_have_the_span_forms_bits(string name)
    {
        (SpanDerivatives span, Func<double, (double, double, double)> scalar, Func<Vector256<double>, (Vector256<double>, Vector256<double>, Vector256<double>)> vector) = name switch
        {
            "tanh" => ((SpanDerivatives)Elementwise.TanhDerivatives, Elementwise.TanhDerivatives, Elementwise.TanhDerivatives),
            "sigmoid" => (Elementwise.SigmoidDerivatives, Elementwise.SigmoidDerivatives, Elementwise.SigmoidDerivatives),
            _ => ((SpanDerivatives)Elementwise.SoftplusDerivatives, (Func<double, (double, double, double)>)Elementwise.SoftplusDerivatives,
                (Func<Vector256<double>, (Vector256<double>, Vector256<double>, Vector256<double>)>)Elementwise.SoftplusDerivatives),
        };
        var x = Inputs(name.Length);
        var (v, d1, d2) = (new double[x.Length], new double[x.Length], new double[x.Length]);
        span(x, v, d1, d2);
        for (int i = 0; i < x.Length; i++)
        {
            var (sv, s1, s2) = scalar(x[i]);
            Bits.Identical([v[i], d1[i], d2[i]], [sv, s1, s2], $"{name} scalar at {Bits.Show(x[i])}");
        }
        for (int i = 0; i + 4 <= x.Length; i += 4)
        {
            var (a, b, c) = vector(Vector256.Create(x.AsSpan(i, 4)));
            for (int l = 0; l < 4; l++)
                Bits.Identical([v[i + l], d1[i + l], d2[i + l]], [a.GetElement(l), b.GetElement(l), c.GetElement(l)], $"{name} vector at {Bits.Show(x[i + l])}");
        }
    }
}

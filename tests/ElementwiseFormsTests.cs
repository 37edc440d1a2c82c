using System.Runtime.Intrinsics;
using TapeAD.Tape;
using Xunit;

namespace TapeAD.Tests;

/// <summary>The scalar, Vector256, Vector512 and span forms of every kernel give each element the same
/// bits, whatever the other elements hold and wherever the element sits in the span.</summary>
public class ElementwiseFormsTests
{
    private sealed record Forms(Func<double, double> Scalar, Func<Vector256<double>, Vector256<double>> V256,
        Func<Vector512<double>, Vector512<double>> V512, SpanForm Span);

    private delegate void SpanForm(ReadOnlySpan<double> x, Span<double> result);

    private static readonly Dictionary<string, Forms> All = new()
    {
        ["exp"] = new(Elementwise.Exp, Elementwise.Exp, Elementwise.Exp, Elementwise.Exp),
        ["expm1"] = new(Elementwise.Expm1, Elementwise.Expm1, Elementwise.Expm1, Elementwise.Expm1),
        ["log"] = new(Elementwise.Log, Elementwise.Log, Elementwise.Log, Elementwise.Log),
        ["log1p"] = new(Elementwise.Log1P, Elementwise.Log1P, Elementwise.Log1P, Elementwise.Log1P),
        ["tanh"] = new(Elementwise.Tanh, Elementwise.Tanh, Elementwise.Tanh, Elementwise.Tanh),
        ["sigmoid"] = new(Elementwise.Sigmoid, Elementwise.Sigmoid, Elementwise.Sigmoid, Elementwise.Sigmoid),
        ["softplus"] = new(Elementwise.Softplus, Elementwise.Softplus, Elementwise.Softplus, Elementwise.Softplus),
        ["erf"] = new(Elementwise.Erf, Elementwise.Erf, Elementwise.Erf, Elementwise.Erf),
        ["sin"] = new(Elementwise.Sin, Elementwise.Sin, Elementwise.Sin, Elementwise.Sin),
        ["cos"] = new(Elementwise.Cos, Elementwise.Cos, Elementwise.Cos, Elementwise.Cos),
    };

    public static IEnumerable<object[]> Functions => All.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(Functions))]
    public void Every_form_gives_each_element_the_scalar_bits_whatever_its_neighbours(string name)
    {
        var f = All[name];
        var rng = new Random(name.GetHashCode(StringComparison.Ordinal) & 0xFFFF);
        var edges = ElementwiseAccuracyTests.Edges;
        for (int trial = 0; trial < 20_000; trial++)
        {
            var x = new double[8];
            for (int i = 0; i < 8; i++)
                x[i] = rng.Next(3) == 0 ? edges[rng.Next(edges.Length)] : (rng.NextDouble() * 2 - 1) * Math.Pow(10, rng.Next(-6, 4));
            var v4 = f.V256(Vector256.Create(x.AsSpan(0, 4)));
            var v8 = f.V512(Vector512.Create(x));
            for (int i = 0; i < 8; i++)
            {
                long expected = BitConverter.DoubleToInt64Bits(f.Scalar(x[i]));
                if (i < 4) Same(expected, v4.GetElement(i), x[i], "Vector256");
                Same(expected, v8.GetElement(i), x[i], "Vector512");
            }
        }

        // Span forms: every offset and length, so elements fall in vector bodies and scalar tails alike.
        var column = Enumerable.Range(0, 37).Select(i => i % 5 == 0 ? edges[rng.Next(edges.Length)] : rng.NextDouble() * 20 - 10).ToArray();
        for (int start = 0; start < 9; start++)
            for (int length = 0; start + length <= column.Length; length += 3)
            {
                var result = new double[length];
                f.Span(column.AsSpan(start, length), result);
                for (int i = 0; i < length; i++)
                    Same(BitConverter.DoubleToInt64Bits(f.Scalar(column[start + i])), result[i], column[start + i], $"span [{start}, +{length})");
            }
        void Same(long expected, double actual, double x, string form)
        {
            if (expected != BitConverter.DoubleToInt64Bits(actual))
                Assert.Fail($"{name}({x:R}): scalar {BitConverter.Int64BitsToDouble(expected):R}, {form} {actual:R}.");
        }
    }

    // log's and log1p's short paths, taken when every element is in range (ends included), and the values
    // that send a vector down the general path.
    private static readonly Dictionary<string, (Func<Random, double> InRange, double[] Ends, double[] Specials)> ShortPaths = new()
    {
        ["log"] = (r => Math.Exp((r.NextDouble() * 2 - 1) * 709), [2.2250738585072014e-308, double.MaxValue],
            [0.0, -0.0, double.Epsilon, 2.225073858507201e-308, -1.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN]),
        ["log1p"] = (r => r.Next(2) == 0 ? r.NextDouble() * 2 - 1 : Math.Exp((r.NextDouble() * 2 - 1) * 709), [-0.9999999999999999, double.MaxValue, 0.0, -0.0],
            [-1.0, -1.0000000000000002, -2.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN]),
    };

    public static IEnumerable<object[]> ShortPathFunctions => ShortPaths.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(ShortPathFunctions))]
    public void A_short_path_gives_each_element_the_bits_the_general_path_gives_it(string name)
    {
        var f = All[name];
        var (inRange, ends, specials) = ShortPaths[name];
        var rng = new Random(14);
        for (int trial = 0; trial < 2_000; trial++)
        {
            var x = new double[8];
            for (int i = 0; i < 8; i++) x[i] = inRange(rng);
            if (trial % 2 == 0) x[rng.Next(8)] = ends[rng.Next(ends.Length)];
            var shortPath4 = f.V256(Vector256.Create(x.AsSpan(0, 4)));
            var shortPath8 = f.V512(Vector512.Create(x));
            for (int i = 0; i < 8; i++)
            {
                long scalar = BitConverter.DoubleToInt64Bits(f.Scalar(x[i]));
                Assert.Equal(scalar, BitConverter.DoubleToInt64Bits(shortPath8.GetElement(i)));
                if (i < 4) Assert.Equal(scalar, BitConverter.DoubleToInt64Bits(shortPath4.GetElement(i)));
            }
            // One special lane: the others keep their short-path bits.
            var mixed = (double[])x.Clone();
            int lane = rng.Next(4);
            mixed[lane] = specials[trial % specials.Length];
            var general4 = f.V256(Vector256.Create(mixed.AsSpan(0, 4)));
            var general8 = f.V512(Vector512.Create(mixed));
            for (int i = 0; i < 8; i++)
            {
                long expected = BitConverter.DoubleToInt64Bits(i == lane ? f.Scalar(mixed[i]) : shortPath8.GetElement(i));
                Assert.Equal(expected, BitConverter.DoubleToInt64Bits(general8.GetElement(i)));
                if (i < 4) Assert.Equal(expected, BitConverter.DoubleToInt64Bits(general4.GetElement(i)));
            }
        }
    }

    [Fact]
    public void Apply_runs_each_primitives_span_form_and_refuses_a_primitive_without_one()
    {
        var ops = new Dictionary<string, Op>
        {
            ["exp"] = Op.Exp, ["expm1"] = Op.Expm1, ["log"] = Op.Log, ["log1p"] = Op.Log1p, ["tanh"] = Op.Tanh,
            ["sigmoid"] = Op.Sigmoid, ["softplus"] = Op.Softplus, ["erf"] = Op.Erf, ["sin"] = Op.Sin, ["cos"] = Op.Cos,
        };
        var x = ElementwiseAccuracyTests.Edges.Concat(Enumerable.Range(0, 21).Select(i => i * 0.7 - 7)).ToArray();
        foreach (var (name, op) in ops)
        {
            Assert.True(Elementwise.HasSpanForm(op), name);
            var expected = new double[x.Length];
            var actual = new double[x.Length];
            All[name].Span(x, expected);
            Elementwise.Apply(op, x, actual);
            Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), actual.Select(BitConverter.DoubleToInt64Bits));
        }
        Assert.Equal(ops.Count, Enum.GetValues<Op>().Count(Elementwise.HasSpanForm));
        var ex = Assert.Throws<ArgumentException>(() => Elementwise.Apply(Op.Atan, x, new double[x.Length]));
        Assert.Contains("Expected a primitive with a span form", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_span_form_may_write_over_its_input_but_not_take_a_shorter_result()
    {
        var x = new[] { 0.5, -1.0, 3.0, 1e-9, -700.0, 2.0 };
        var expected = x.Select(Elementwise.Tanh).ToArray();
        Elementwise.Tanh(x, x);
        Assert.Equal(expected, x);
        var e = Assert.Throws<ArgumentException>(() => Elementwise.Exp(new double[5], new double[4]));
        Assert.Contains("(5), got 4", e.Message);
    }

    [Fact]
    public void One_pass_activation_derivatives_share_the_exp_and_match_the_separate_kernels()
    {
        var x = Enumerable.Range(0, 41).Select(i => (i - 20) * 0.37).Append(double.NaN).Append(800).Append(-800).ToArray();
        var (v, d1, d2) = (new double[x.Length], new double[x.Length], new double[x.Length]);
        Elementwise.TanhDerivatives(x, v, d1, d2);
        for (int i = 0; i < x.Length; i++)
        {
            double t = Elementwise.Tanh(x[i]);
            Assert.Equal([t, 1 - t * t, -2 * t * (1 - t * t)], new[] { v[i], d1[i], d2[i] });
        }
        Elementwise.SigmoidDerivatives(x, v, d1, d2);
        for (int i = 0; i < x.Length; i++)
        {
            double s = Elementwise.Sigmoid(x[i]);
            Assert.Equal([s, s * (1 - s), s * (1 - s) * (1 - 2 * s)], new[] { v[i], d1[i], d2[i] });
        }
        Elementwise.SoftplusDerivatives(x, v, d1, d2);
        for (int i = 0; i < x.Length; i++)
        {
            double s = Elementwise.Sigmoid(x[i]);
            Assert.Equal([Elementwise.Softplus(x[i]), s, s * (1 - s)], new[] { v[i], d1[i], d2[i] });
        }
    }
}

using TapeAD.Nn;
using TapeAD.Tape;
using Xunit;

namespace TapeAD.Tests;

public class ActivationTests
{
    private static readonly double[] Special =
    [
        0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1e-300, -1e-300, double.Epsilon, -double.Epsilon,
        3.0, -3.0, 20.0, -20.0, 37.0, -37.0, 700.0, -700.0, 710.0, -710.0, 1e154, -1e154, 1e300, -1e300,
        double.MaxValue, double.MinValue, double.PositiveInfinity, double.NegativeInfinity, double.NaN,
    ];

    public static TheoryData<Activation> All => new(Enum.GetValues<Activation>());

    [Theory]
    [MemberData(nameof(All))]
    public void Apply_matches_the_interpreter_bit_for_bit(Activation activation)
    {
        var f = TapeFunction.Record(1, x => Activations.Record(activation, x[0]), Activations.NameOf(activation));
        var rng = new Random(7);
        var points = Special.Concat(Enumerable.Range(0, 200).Select(_ => (rng.NextDouble() - 0.5) * 20));
        foreach (double x in points)
            NnAssert.SameBits([Activations.Apply(activation, x)], f.Evaluate([x]), $"{activation}({x:R})");
    }

    [Theory]
    [InlineData(Activation.Identity, -2.5, -2.5)]
    [InlineData(Activation.Relu, -2.0, 0.0)]
    [InlineData(Activation.Relu, 2.0, 2.0)]
    [InlineData(Activation.LeakyRelu, -2.0, -0.02)]
    [InlineData(Activation.LeakyRelu, 2.0, 2.0)]
    [InlineData(Activation.Elu, -1.0, -0.6321205588285577)]
    [InlineData(Activation.Elu, 1.5, 1.5)]
    [InlineData(Activation.Tanh, 1.0, 0.7615941559557649)]
    [InlineData(Activation.Sigmoid, 0.0, 0.5)]
    [InlineData(Activation.Softplus, 0.0, 0.6931471805599453)]
    [InlineData(Activation.Gelu, 1.0, 0.8411919906082768)]
    [InlineData(Activation.Silu, 1.0, 0.7310585786300049)]
    [InlineData(Activation.Sin, 1.0, 0.8414709848078965)]
    public void Apply_has_the_documented_values(Activation activation, double x, double expected) =>
        Assert.Equal(expected, Activations.Apply(activation, x), 1e-14);

    [Theory]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.LeakyRelu)]
    [InlineData(Activation.Elu)]
    public void Piecewise_activations_propagate_NaN(Activation activation) =>
        Assert.True(double.IsNaN(Activations.Apply(activation, double.NaN)));

    [Fact]
    public void Names_round_trip_in_the_documented_spelling()
    {
        Assert.Equal(["identity", "relu", "leaky_relu", "elu", "tanh", "sigmoid", "softplus", "gelu", "silu", "sin",
                "softsign", "hardtanh", "relu6", "hardsigmoid", "hardswish", "mish", "tanhshrink"],
            Enum.GetValues<Activation>().Select(Activations.NameOf));
        foreach (var a in Enum.GetValues<Activation>())
        {
            Assert.Equal(a, Activations.Parse(Activations.NameOf(a)));
            Assert.Equal(a, Activations.Parse(Activations.NameOf(a).ToUpperInvariant()));
        }
    }

    [Fact]
    public void Unknown_name_lists_the_valid_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => Activations.Parse("swish"));
        Assert.Contains("\"swish\"", e.Message);
        foreach (string name in Activations.Names) Assert.Contains(name, e.Message);
        Assert.False(Activations.TryParse(null, out _));
    }

    [Fact]
    public void Undefined_enum_value_is_rejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Activations.NameOf((Activation)99));
}

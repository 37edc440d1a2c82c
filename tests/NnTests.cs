using FsCheck.Xunit;
using TapeAD.Nn;
using Xunit;

namespace TapeAD.Tests;

public class NnTests
{
    private static readonly double[] SpecialInputs = [0.0, -0.0, 1e300, -1e300, 1e-300, double.MaxValue, double.MinValue, double.NaN, 700, -700];

    [Fact]
    public void Dense_computes_the_affine_map_then_the_activation()
    {
        var layer = new Dense(2, 2, Activation.Relu, [2, 3, -1, -1], [1, 0.5]);
        Assert.Equal([6.0, 0.0], Eval(layer, [1, 1]));
        Assert.Equal([0.0, 2.5], Eval(layer, [-1, -1]));
    }

    [Fact]
    public void Dense_copies_its_parameters()
    {
        double[] w = [1, 2], b = [3];
        var layer = new Dense(2, 1, Activation.Identity, w, b);
        w[0] = 100; b[0] = 100;
        Assert.Equal([1.0, 2.0], layer.Weights.ToArray());
        Assert.Equal([3.0], layer.Bias.ToArray());
    }

    [Fact]
    public void Dense_rejects_wrong_sizes_naming_expected_and_got()
    {
        var w = Assert.Throws<ArgumentException>(() => new Dense(5, 3, Activation.Elu, new double[14], new double[3]));
        Assert.Contains("15", w.Message);
        Assert.Contains("14", w.Message);
        Assert.Equal("weights", w.ParamName);
        var b = Assert.Throws<ArgumentException>(() => new Dense(5, 3, Activation.Elu, new double[15], new double[2]));
        Assert.Contains("3", b.Message);
        Assert.Contains("got 2", b.Message);
        Assert.Equal("bias", b.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dense(0, 3, Activation.Elu, [], new double[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dense(1, 1, (Activation)42, [1], [1]));
        var nan = Assert.Throws<ArgumentException>(() => new Dense(2, 1, Activation.Elu, [1, double.NaN], [0]));
        Assert.Contains("index 1", nan.Message);
    }

    [Fact]
    public void Dense_rejects_wrong_call_lengths()
    {
        var layer = Dense.Create(3, 2, Activation.Tanh, new Random(1));
        var x = Assert.Throws<ArgumentException>(() => layer.Evaluate(new double[4], new double[2]));
        Assert.Contains("Expected 3 inputs, got 4", x.Message);
        Assert.Throws<ArgumentException>(() => layer.Evaluate(new double[3], new double[3]));
    }

    [Fact]
    public void Initialisation_is_deterministic_for_a_seed()
    {
        var a = Chain.Random("a", new Random(11), 4, (8, Activation.Relu), (2, Activation.Tanh));
        var b = Chain.Random("b", new Random(11), 4, (8, Activation.Relu), (2, Activation.Tanh));
        var c = Chain.Random("c", new Random(12), 4, (8, Activation.Relu), (2, Activation.Tanh));
        Assert.Equal(NnAssert.ParameterBits(a), NnAssert.ParameterBits(b));
        Assert.NotEqual(NnAssert.ParameterBits(a), NnAssert.ParameterBits(c));
        Assert.Equal(NnAssert.ParameterBits(BuiltinModels.Seed()), NnAssert.ParameterBits(BuiltinModels.Get("seed")));
    }

    [Theory]
    [InlineData(Activation.Relu, 400, 100, 2.0 / 400)]
    [InlineData(Activation.Gelu, 400, 100, 2.0 / 400)]
    [InlineData(Activation.Tanh, 400, 100, 2.0 / 500)]
    [InlineData(Activation.Identity, 400, 100, 2.0 / 500)]
    public void Initialisation_uses_He_or_Glorot_variance(Activation activation, int inputs, int outputs, double variance)
    {
        var layer = Dense.Create(inputs, outputs, activation, new Random(3));
        var w = layer.Weights.ToArray();
        double mean = w.Average();
        double measured = w.Select(v => (v - mean) * (v - mean)).Average();
        Assert.InRange(measured, 0.95 * variance, 1.05 * variance);
        Assert.All(w, v => Assert.InRange(Math.Abs(v), 0, Math.Sqrt(3 * variance)));
        var bias = layer.Bias.ToArray();
        Assert.All(bias, v => Assert.InRange(v, -0.1, 0.1));
        Assert.True(bias.Distinct().Count() > outputs / 2, "biases should differ from each other");
    }

    [Fact]
    public void Chain_checks_that_consecutive_sizes_match()
    {
        var e = Assert.Throws<ArgumentException>(() => new Chain(
            Dense.Create(5, 3, Activation.Elu, new Random(1)), Dense.Create(4, 3, Activation.Identity, new Random(1))));
        Assert.Contains("Layer 1", e.Message);
        Assert.Contains("takes 4 inputs", e.Message);
        Assert.Contains("layer 0", e.Message);
        Assert.Contains("gives 3 outputs", e.Message);
        Assert.Throws<ArgumentException>(() => new Chain());
        Assert.Throws<ArgumentException>(() => new Chain(" ", [Dense.Create(1, 1, Activation.Sin, new Random(1))]));
    }

    [Fact]
    public void Chain_layers_cannot_be_replaced_through_the_list()
    {
        var seed = BuiltinModels.Seed();
        Assert.False(seed.Layers is Dense[]);
        Assert.False(Activations.Names is string[]);
        Assert.False(BuiltinModels.Names is string[]);
    }

    [Fact]
    public void Chain_rejects_wrong_call_lengths_with_its_name()
    {
        var seed = BuiltinModels.Seed();
        var e = Assert.Throws<ArgumentException>(() => seed.Evaluate(new double[4]));
        Assert.Contains("seed: expected 5 inputs, got 4", e.Message);
        Assert.Throws<ArgumentException>(() => seed.Evaluate(new double[5], new double[2]));
    }

    [Fact]
    public void Builtin_models_have_the_documented_shapes()
    {
        Assert.Equal(["seed", "small-deep", "pinn", "wide"], BuiltinModels.Names);
        Assert.Equal("seed: 5 -> 3 elu -> 3 identity", BuiltinModels.Seed().ToString());
        Assert.Equal("small-deep: 3 -> 16 sigmoid -> 16 elu -> 16 tanh -> 4 identity", BuiltinModels.Get("small-deep").ToString());
        Assert.Equal("pinn: 8 -> 64 tanh -> 64 tanh -> 64 tanh -> 1 identity", BuiltinModels.Get("pinn").ToString());
        Assert.Equal("wide: 16 -> 128 softplus -> 128 softplus -> 16 identity", BuiltinModels.Get("wide").ToString());
        var e = Assert.Throws<ArgumentException>(() => BuiltinModels.Get("resnet"));
        Assert.Contains("resnet", e.Message);
        foreach (string name in BuiltinModels.Names) Assert.Contains(name, e.Message);
    }

    [Theory]
    [InlineData("seed")]
    [InlineData("small-deep")]
    [InlineData("pinn")]
    [InlineData("wide")]
    public void Builtin_models_evaluate_like_their_tape(string name)
    {
        var chain = BuiltinModels.Get(name);
        var f = chain.ToFunction();
        Assert.Equal(name, f.Description);
        var rng = new Random(5);
        for (int trial = 0; trial < 5; trial++)
        {
            var x = Enumerable.Range(0, chain.InputLength).Select(_ => rng.NextDouble() * 4 - 2).ToArray();
            NnAssert.SameBits(chain.Evaluate(x), f.Evaluate(x), name);
            var y = new double[chain.OutputLength];
            chain.Evaluate(x, y);
            Assert.Equal(chain.Evaluate(x), y);
        }
    }

    [Fact]
    public void Seed_model_gives_the_hand_computed_value()
    {
        var seed = BuiltinModels.Seed();
        double[] x = [0.3, -0.7, 1.1, 0.05, -2.0];
        var hidden = Enumerable.Range(0, 3).Select(i =>
        {
            double s = Enumerable.Range(0, 5).Sum(j => seed.Layers[0].Weights[i * 5 + j] * x[j]) + seed.Layers[0].Bias[i];
            return s > 0 ? s : Math.Exp(s) - 1;
        }).ToArray();
        var expected = Enumerable.Range(0, 3).Select(i =>
            Enumerable.Range(0, 3).Sum(j => seed.Layers[1].Weights[i * 3 + j] * hidden[j]) + seed.Layers[1].Bias[i]);
        Assert.Equal(expected, seed.Evaluate(x), (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Property(MaxTest = 300)]
    public void Random_chains_evaluate_like_their_tape_bit_for_bit(int seed)
    {
        var rng = new Random(seed);
        var chain = RandomChain(rng);
        var x = Enumerable.Range(0, chain.InputLength)
            .Select(_ => rng.Next(3) == 0 ? SpecialInputs[rng.Next(SpecialInputs.Length)] : (rng.NextDouble() - 0.5) * 8)
            .ToArray();
        NnAssert.PlainMatchesTape(chain, x);
    }

    [Fact]
    public void Every_activation_in_a_chain_matches_the_tape_on_special_inputs()
    {
        foreach (var act in Enum.GetValues<Activation>())
        {
            var chain = Chain.Random(act.ToString(), new Random(9), 3, (4, act), (2, act));
            foreach (double v in SpecialInputs)
                NnAssert.PlainMatchesTape(chain, [v, 0.25, -v]);
        }
    }

    /// <summary>
    /// Parameters include 0, ±1 and -0, which the tape's simplifier rewrites
    /// (<c>1*x</c>, <c>-1*x</c>, <c>s+0</c>); the plain path must still agree.
    /// </summary>
    private static Chain RandomChain(Random rng)
    {
        var acts = Enum.GetValues<Activation>();
        int inputs = rng.Next(1, 6);
        var layers = new Dense[rng.Next(1, 5)];
        for (int k = 0; k < layers.Length; k++)
        {
            int outputs = rng.Next(1, 6);
            var w = Enumerable.Range(0, inputs * outputs).Select(_ => Parameter(rng)).ToArray();
            var b = Enumerable.Range(0, outputs).Select(_ => Parameter(rng)).ToArray();
            layers[k] = new Dense(inputs, outputs, acts[rng.Next(acts.Length)], w, b);
            inputs = outputs;
        }
        return new Chain("random", layers);
    }

    private static double Parameter(Random rng) => rng.Next(6) switch
    {
        0 => 0.0,
        1 => -0.0,
        2 => 1.0,
        3 => -1.0,
        _ => (rng.NextDouble() - 0.5) * 3,
    };

    private static double[] Eval(Dense layer, double[] x)
    {
        var y = new double[layer.Outputs];
        layer.Evaluate(x, y);
        return y;
    }
}

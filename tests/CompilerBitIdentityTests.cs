using FsCheck.Xunit;
using TapeAD.Compiler;
using TapeAD.Tape;
using Xunit;
using static TapeAD.Tests.CompilerTestSupport;

namespace TapeAD.Tests;

/// <summary>Every backend gives the interpreter's bits: on random graphs over every primitive, with
/// NaN and infinite inputs, and on the derivative queries.</summary>
public class CompilerBitIdentityTests
{
    [Property(MaxTest = 150)]
    public void Random_graphs_match_the_interpreter_on_every_backend(int seed)
    {
        var f = RandomFunction(seed);
        var rng = new Random(seed);
        foreach (var options in EveryBackend)
        {
            var c = CompileFast(f, options);
            for (int trial = 0; trial < 4; trial++) AssertSameBits(f, c, RandomInputs(rng, f.InputLength));
        }
    }

    [Fact]
    public void Random_graphs_are_mostly_finite_so_the_comparisons_mean_something()
    {
        int finite = 0, total = 0;
        for (int seed = 0; seed < 100; seed++)
        {
            var f = RandomFunction(seed);
            var y = f.Evaluate(RandomInputs(new Random(seed), f.InputLength, specialRate: 0));
            finite += y.Count(double.IsFinite);
            total += y.Length;
        }
        Assert.True(finite > total / 3, $"only {finite} of {total} random results are finite");
    }

    [Fact]
    public void Every_primitive_is_compiled_bit_for_bit_at_special_values()
    {
        double[] values = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, 1e-310, -2.5, 0.7, 3.0, 710.0, -745.0, 1e308];
        foreach (var op in Enum.GetValues<Op>().Where(op => op is not (Op.Constant or Op.Input)))
        {
            int arity = Primitives.ArityOf(op);
            foreach (double k in new[] { 0.5, 3.0, -1.5, 0.0 })
            {
                var g = new Graph();
                int node = g.Apply(op, g.Input(0), arity >= 2 ? g.Input(1) : -1, arity >= 3 ? g.Input(2) : -1, k);
                var f = new TapeFunction(g, [node], 3, description: $"{op} ^{k}");
                foreach (var options in EveryBackend)
                {
                    var c = CompileFast(f, options);
                    foreach (double a in values)
                        foreach (double b in values)
                            AssertSameBits(f, c, [a, b, values[(int)((uint)BitConverter.DoubleToInt64Bits(a + b) % (uint)values.Length)]]);
                }
                if (op != Op.PowConst) break;
            }
        }
    }

    public static TheoryData<string> Activations() => ["elu", "relu", "leaky", "gelu", "silu", "softplus", "sigmoid", "tanh"];

    private static Func<Var, Var> Activation(string name) => name switch
    {
        "elu" => v => VarMath.Elu(v),
        "relu" => VarMath.Relu,
        "leaky" => v => VarMath.LeakyRelu(v),
        "gelu" => VarMath.Gelu,
        "silu" => VarMath.Silu,
        "softplus" => VarMath.Softplus,
        "sigmoid" => VarMath.Sigmoid,
        _ => VarMath.Tanh,
    };

    [Theory]
    [MemberData(nameof(Activations))]
    public void Derivative_queries_match_the_interpreter(string activation)
    {
        var net = SeedNetwork(Activation(activation));
        TapeFunction[] queries =
        [
            net,
            net.Gradient(1),
            net.Jacobian(),
            net.Hessian(SecondOrderMode.ForwardOverForward),
            net.Hessian(SecondOrderMode.ForwardOverReverse),
            net.SecondOrderJacobian(),
            net.HessianVectorProduct(),
            net.HessianVectorProduct(2),
            net.Laplacian(),
        ];
        var rng = new Random(7);
        foreach (var f in queries)
        {
            foreach (var options in EveryBackend)
            {
                var c = CompileFast(f, options);
                Assert.Equal(f.Shape, c.Shape);
                for (int trial = 0; trial < 5; trial++) AssertSameBits(f, c, RandomInputs(rng, f.InputLength, specialRate: trial == 4 ? 0.5 : 0));
            }
        }
    }

    [Fact]
    public void Inputs_that_overlap_the_result_are_read_before_results_are_written()
    {
        var f = TapeFunction.Record(2, x => new[] { x[1] * 2.0, x[0] + x[1], x[0] * x[0] });
        var c = CompileFast(f);
        var expected = f.Evaluate(new[] { 3.0, 5.0 });
        var buffer = new[] { 3.0, 5.0, 0.0 };
        c.Evaluate(buffer.AsSpan(0, 2), buffer);
        Assert.Equal(expected, buffer);
    }
}

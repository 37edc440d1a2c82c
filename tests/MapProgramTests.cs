using TapeAD.Layers;
using TapeAD.Nn;
using TapeAD.Tape;
using TapeAD.Tests.Properties;
using Xunit;

namespace TapeAD.Tests;

/// <summary>
/// <see cref="MapProgram"/> against the map's column program: a map of one primitive with a span kernel
/// runs that kernel (σ′ and σ″ from the one-pass forms of tanh, the sigmoid and softplus), every other
/// map its column program; values keep the column program's bits, derivatives agree to the last bits,
/// and a lane's bits never depend on how many lanes share the run.
/// </summary>
public class MapProgramTests
{
    private static readonly double[] Edges =
        [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 19.0, -19.0, 23.0, -23.0, 710.0, -746.0, 1000.0, -1000.0, 1e-10, -1e-10,
         double.Epsilon, -double.Epsilon, 2.2250738585072014E-308, 1e308, -1e308,
         double.PositiveInfinity, double.NegativeInfinity, double.NaN];

    public static TheoryData<Activation, int> EveryActivationAndOrder()
    {
        var data = new TheoryData<Activation, int>();
        foreach (var a in Enum.GetValues<Activation>())
            for (int order = 0; order <= 2; order++) data.Add(a, order);
        return data;
    }

    private static ElementMap Map(Activation a) => new(Activations.NameOf(a), v => Activations.Record(a, v));

    private static double[] Inputs(int seed)
    {
        var rng = new Random(seed);
        return [.. Edges, .. Enumerable.Range(0, 61).Select(_ => 8 * rng.NextDouble() - 4)];
    }

    [Theory]
    [InlineData(Activation.Tanh, 0, false)]
    [InlineData(Activation.Tanh, 2, false)]
    [InlineData(Activation.Sigmoid, 1, false)]
    [InlineData(Activation.Softplus, 2, false)]
    [InlineData(Activation.Sin, 0, false)]
    [InlineData(Activation.Sin, 1, true)]
    [InlineData(Activation.Elu, 0, false)]
    [InlineData(Activation.Elu, 2, false)]
    [InlineData(Activation.LeakyRelu, 1, true)]
    [InlineData(Activation.Silu, 0, true)]
    [InlineData(Activation.Identity, 0, true)]
    public void One_primitive_with_a_kernel_for_the_order_skips_the_column_program(Activation a, int order, bool columnProgram) =>
        Assert.Equal(columnProgram, Map(a).Program(order).RunsColumnProgram);

    [Theory]
    [MemberData(nameof(EveryActivationAndOrder))]
    public void Values_have_the_column_programs_bits_and_derivatives_agree_to_the_last_bits(Activation a, int order)
    {
        var map = Map(a);
        var x = Inputs(31 * (int)a + order);
        int lanes = x.Length;
        var expected = Run(map.BuildColumnProgram(order), x, order);
        var actual = Run(map.Program(order), x, order);
        Bits.SameResults(expected[..lanes], actual[..lanes], $"{a}, order {order}: σ");
        for (int i = lanes; i < expected.Length; i++)
        {
            double e = expected[i], g = actual[i];
            string what = $"{a}, order {order}: derivative {i / lanes} at {Bits.Show(x[i % lanes])}: column program {Bits.Show(e)}, kernel {Bits.Show(g)}";
            if (double.IsNaN(e) || double.IsNaN(g)) Assert.True(double.IsNaN(e) && double.IsNaN(g), what);
            else if (double.IsInfinity(e) || double.IsInfinity(g)) Assert.Equal(e, g);
            else Assert.True(Math.Abs(e - g) <= 1e-15 * (1 + Math.Abs(e)), what);
        }
    }

    // The ELU family as the front ends record it: ELU with several alphas (a model file's, ONNX's attribute), SELU.
    public static TheoryData<string, int> EluFamilyAndOrder()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in EluFamily.Keys)
            for (int order = 0; order <= 2; order++) data.Add(name, order);
        return data;
    }

    private static readonly Dictionary<string, Func<Var, Var>> EluFamily = new()
    {
        ["elu"] = v => VarMath.Elu(v), ["elu(0.5)"] = v => VarMath.Elu(v, 0.5), ["elu(2.75)"] = v => VarMath.Elu(v, 2.75),
        ["elu(1e-300)"] = v => VarMath.Elu(v, 1e-300), ["selu"] = VarMath.Selu,
    };

    [Theory]
    [MemberData(nameof(EluFamilyAndOrder))]
    public void The_elu_family_runs_its_kernel_with_the_column_programs_bits_derivatives_included(string name, int order)
    {
        var map = new ElementMap(name, EluFamily[name]);
        var program = map.Program(order);
        Assert.True(program.Fused, $"{name} runs in registers");
        var x = Inputs(name.Length * 3 + order);
        Bits.SameResults(Run(map.BuildColumnProgram(order), x, order), Run(program, x, order), $"{name}, order {order}");
    }

    [Fact]
    public void A_map_close_to_elu_but_recorded_otherwise_keeps_its_column_program()
    {
        // The same values as ELU, through expm1: not the graph ELU records, so not its kernel's bits.
        var viaExpm1 = new ElementMap("elu via expm1", v => VarMath.Select(VarMath.Greater(v, v.Const(0)), v, VarMath.Expm1(VarMath.Min(v, 0.0))));
        // ELU's shape with another positive branch.
        var scaledOnlyLeft = new ElementMap("2x | elu", v => VarMath.Select(VarMath.Greater(v, v.Const(0)), 2.0 * v, VarMath.Elu(v)));
        foreach (var map in new[] { viaExpm1, scaledOnlyLeft })
            for (int order = 0; order <= 2; order++)
                Assert.True(map.Program(order).RunsColumnProgram, $"{map.Key}, order {order}");
    }

    // The unary operators a model file or an ONNX graph maps over a vector, one primitive each.
    private static readonly Dictionary<string, Func<Var, Var>> OnePrimitiveMaps = new()
    {
        ["exp"] = VarMath.Exp, ["expm1"] = VarMath.Expm1, ["log"] = VarMath.Log, ["log1p"] = VarMath.Log1p,
        ["erf"] = VarMath.Erf, ["cos"] = VarMath.Cos, ["sqrt"] = VarMath.Sqrt, ["abs"] = VarMath.Abs,
    };

    public static TheoryData<string, int> EveryPrimitiveAndOrder()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in OnePrimitiveMaps.Keys)
            for (int order = 0; order <= 2; order++) data.Add(name, order);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPrimitiveAndOrder))]
    public void Maps_of_one_primitive_keep_the_column_programs_values_at_every_order(string name, int order)
    {
        var map = new ElementMap(name, OnePrimitiveMaps[name]);
        var x = Inputs(name.Length + order);
        var expected = Run(map.BuildColumnProgram(order), x, order);
        var actual = Run(map.Program(order), x, order);
        Bits.SameResults(expected[..x.Length], actual[..x.Length], $"{name}, order {order}: σ");
        // No one-pass derivative form for these: their derivatives are the column program's own.
        if (order > 0) Bits.SameResults(expected, actual, $"{name}, order {order}");
    }

    [Theory]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.Softplus)]
    [InlineData(Activation.Sin)]
    [InlineData(Activation.Elu)]
    public void A_lanes_bits_do_not_depend_on_how_many_lanes_share_the_run(Activation a)
    {
        var map = Map(a);
        var x = Inputs(5 + (int)a)[..41];
        for (int order = 0; order <= 2; order++)
        {
            var program = map.Program(order);
            var all = Run(program, x, order);
            foreach (int lanes in new[] { 1, 2, 3, 4, 5, 7, 8, 9, 13, 17 })
                for (int start = 0; start + lanes <= x.Length; start += lanes)
                {
                    var part = Run(program, x[start..(start + lanes)], order);
                    for (int r = 0; r <= order; r++)
                        Bits.SameResults(all[(r * x.Length + start)..(r * x.Length + start + lanes)], part[(r * lanes)..((r + 1) * lanes)],
                            $"{a}, order {order}, row {r}, lanes {start}..{start + lanes}");
                }
        }
    }

    // A fused map runs as the executor runs it, one row of every lane (σ″ into a scratch row at order 1).
    private static unsafe double[] Run(MapProgram program, double[] x, int order)
    {
        var outputs = new double[(order + 1) * x.Length];
        if (!program.Fused)
        {
            program.Run(x, outputs, new double[program.ScratchLength(x.Length)], x.Length);
            return outputs;
        }
        var scratch = new double[x.Length];
        int lanes = x.Length;
        fixed (double* u = x)
        fixed (double* y = outputs)
        fixed (double* z = scratch)
            program.Forward(new MapRowsCall
            {
                Source = u, Target = y, Count = 1, Stride = lanes, Width = lanes, Derivatives = order > 0,
                First = y + lanes, Second = order > 1 ? y + 2 * lanes : z,
            });
        return outputs;
    }

    private static double[] Run(TapeAD.Compiler.ColumnProgram program, double[] x, int order)
    {
        var outputs = new double[(order + 1) * x.Length];
        program.Run(x, outputs, new double[program.ScratchLength(x.Length)], x.Length);
        return outputs;
    }
}

using TapeAD.Compiler;
using TapeAD.Tape;
using TapeAD.Testing;
using Xunit;

namespace TapeAD.Tests;

/// <summary>
/// Every <see cref="Op"/> is complete in every consumer: its table entry (name, arity, value method,
/// derivative rule, rounding), the compiler's fast path, the interpreted backend, the column program
/// of the tensor level, and the derivative checker (rounding model, kinks, finite differences). The
/// theories iterate over the enum, so a primitive added to <see cref="Op"/> alone fails here.
/// </summary>
public class PrimitiveTableTests
{
    public static TheoryData<Op> AllOps => new(Enum.GetValues<Op>());

    // Where each primitive is checked against finite differences: inside its domain, off its kinks.
    // A new Op needs an entry (Every_op_is_complete_in_the_table fails without one).
    private static readonly Dictionary<Op, double[][]> SmoothPoints = new()
    {
        [Op.Constant] = [[0.3, -0.7]],
        [Op.Input] = [[0.3, -0.7]],
        [Op.Add] = [[0.3, -0.7], [2.5, 1.5]],
        [Op.Sub] = [[0.3, -0.7], [2.5, 1.5]],
        [Op.Mul] = [[0.3, -0.7], [2.5, 1.5]],
        [Op.Div] = [[0.3, -0.7], [2.5, 1.5]],
        [Op.Neg] = [[0.3, -0.7]],
        [Op.Exp] = [[0.3, 0], [-2, 0], [5, 0]],
        [Op.Log] = [[0.3, 0], [5, 0], [1e-3, 0]],
        [Op.Sqrt] = [[0.3, 0], [4, 0], [1e-2, 0]],
        [Op.PowConst] = [[0.3, 0], [3, 0]],
        [Op.Tanh] = [[0.3, 0], [-2, 0], [4, 0]],
        [Op.Sigmoid] = [[0.3, 0], [-2, 0], [4, 0]],
        [Op.Softplus] = [[0.3, 0], [-2, 0], [4, 0]],
        [Op.Sin] = [[0.3, 0], [-2, 0], [4, 0]],
        [Op.Cos] = [[0.3, 0], [-2, 0], [4, 0]],
        [Op.Greater] = [[0.3, -0.7], [-0.3, 0.7]],
        [Op.Select] = [[0.3, -0.7], [-0.3, 0.7]],
        [Op.Erf] = [[0.3, 0], [-1.5, 0], [2.5, 0]],
        [Op.Abs] = [[0.3, 0], [-0.7, 0]],
        [Op.Sign] = [[0.3, 0], [-0.7, 0]],
        [Op.Pow] = [[0.7, 1.3], [2.0, -0.5], [0.5, 3]],
        [Op.Log1p] = [[1e-10, 0], [0.5, 0], [-0.9, 0]],
        [Op.Expm1] = [[1e-10, 0], [0.5, 0], [-3, 0]],
        [Op.Tan] = [[0.3, 0], [-1.2, 0]],
        [Op.Atan] = [[0.3, 0], [-5, 0], [100, 0]],
        [Op.Atan2] = [[0.3, -0.7], [-1, 2], [1e-3, 1]],
        [Op.Asin] = [[0.3, 0], [-0.9, 0], [0.99, 0]],
        [Op.Acos] = [[0.3, 0], [-0.9, 0], [0.99, 0]],
        [Op.Sinh] = [[0.3, 0], [-3, 0], [10, 0]],
        [Op.Cosh] = [[0.3, 0], [-3, 0], [10, 0]],
        [Op.Asinh] = [[0.3, 0], [-3, 0], [1e3, 0]],
        [Op.Atanh] = [[0.3, 0], [-0.9, 0], [0.99, 0]],
    };

    // ±0, ±Inf, NaN, subnormal, huge, and the edges of the domains (±1, near 0).
    private static readonly double[] Edges =
        [0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN, 5e-324, -1e-310, 1e308, -1e300,
         1.0, -1.0, 0.5, -3.0, 1e-9, 0.999999, 710.0];

    private const double Exponent = 2.5;

    /// <summary>A function of two inputs that is the primitive applied once (Select on a comparison).</summary>
    internal static TapeFunction OneNode(Op op)
    {
        var g = new Graph();
        int x = g.Input(0), y = g.Input(1);
        int node = op switch
        {
            Op.Constant => g.Constant(0.75),
            Op.Input => x,
            Op.Select => g.Select(g.Greater(x, y), g.Mul(x, y), g.Sub(y, x)),
            Op.PowConst => g.PowConst(x, Exponent),
            _ when Primitives.ArityOf(op) == 1 => g.Unary(op, x),
            _ => g.Apply(op, x, y),
        };
        return new TapeFunction(g, [node], 2, description: Primitives.NameOf(op));
    }

    [Theory]
    [MemberData(nameof(AllOps))]
    public void Every_op_is_complete_in_the_table(Op op)
    {
        Assert.False(string.IsNullOrWhiteSpace(Primitives.NameOf(op)));
        // Names may repeat only with different arities (pow with a constant or a traced exponent).
        Assert.Single(Enum.GetValues<Op>(), o => Primitives.NameOf(o) == Primitives.NameOf(op) && Primitives.ArityOf(o) == Primitives.ArityOf(op));
        bool leaf = op is Op.Constant or Op.Input;
        Assert.Equal(leaf, Primitives.ArityOf(op) == 0);
        Assert.InRange(Primitives.ArityOf(op), 0, 3);
        var method = Primitives.MethodOf(op);
        Assert.Equal(leaf, method == null);
        if (method != null)
        {
            Assert.Equal(typeof(Primitives), method.DeclaringType);
            Assert.Equal(Primitives.ArityOf(op) + (op == Op.PowConst ? 1 : 0), method.GetParameters().Length);
        }
        Assert.Equal(!leaf && op != Op.Select, Primitives.HasPartials(op));
        Assert.True(double.IsFinite(Primitives.RoundingUlpsOf(op)) && Primitives.RoundingUlpsOf(op) >= 0);
        Assert.True(SmoothPoints.ContainsKey(op), $"{op} needs smooth points in this test.");
    }

    [Theory]
    [MemberData(nameof(AllOps))]
    public void Every_op_compiles_on_the_fast_path_to_the_interpreters_bits_at_the_edges(Op op)
    {
        var f = OneNode(op);
        var queries = new[] { f, f.Jacobian(), f.Hessian() };
        foreach (var q in queries)
            foreach (var options in CompilerTestSupport.EveryBackend)
            {
                var c = CompilerTestSupport.CompileFast(q, options);
                foreach (double a in Edges)
                    foreach (double b in Edges)
                        CompilerTestSupport.AssertSameBits(q, c, [a, b]);
            }
    }

    [Theory]
    [MemberData(nameof(AllOps))]
    public void Every_op_runs_in_a_column_program_like_the_interpreter(Op op)
    {
        var f = OneNode(op).Jacobian();
        var program = new ColumnProgram(f);
        int lanes = Edges.Length * Edges.Length;
        var inputs = new double[2 * lanes];
        for (int l = 0; l < lanes; l++)
        {
            inputs[l] = Edges[l / Edges.Length];
            inputs[lanes + l] = Edges[l % Edges.Length];
        }
        var outputs = new double[f.OutputLength * lanes];
        program.Run(inputs, outputs, new double[program.ScratchLength(lanes)], lanes);
        for (int l = 0; l < lanes; l++)
        {
            var expected = f.Evaluate([inputs[l], inputs[lanes + l]]);
            for (int i = 0; i < expected.Length; i++)
            {
                double got = outputs[i * lanes + l];
                string where = $"{op}: output {i} at ({inputs[l]:R}, {inputs[lanes + l]:R}) is {got:R}, the interpreter gives {expected[i]:R}";
                if (double.IsNaN(expected[i]) || double.IsNaN(got)) Assert.True(double.IsNaN(expected[i]) && double.IsNaN(got), where);
                else if (ColumnProgram.UsesVectorKernel(op)) Assert.True(expected[i] == got || Math.Abs(expected[i] - got) <= 1e-11 * Math.Abs(expected[i]), where);
                else Assert.True(BitConverter.DoubleToInt64Bits(expected[i]) == BitConverter.DoubleToInt64Bits(got), where);
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllOps))]
    public void Every_op_passes_the_derivative_checker_with_finite_differences(Op op)
    {
        var checker = new DerivativeChecker(OneNode(op));
        foreach (var x in SmoothPoints[op])
        {
            var report = checker.Check(x);
            Assert.True(report.Passed, report.ToString());
            if (op is not (Op.Constant or Op.Greater or Op.Sign)) Assert.True(report.Compared > 0, report.ToString());
        }
    }

    [Theory]
    [MemberData(nameof(AllOps))]
    public void Kinks_are_declared_exactly_where_the_derivative_jumps(Op op)
    {
        bool jumps = op is Op.Greater or Op.Abs or Op.Sign;
        Assert.Equal(jumps, Primitives.HasKink(op));
        // OneNode(Select) selects on a comparison, so its function has that comparison's kink.
        var gaps = new Kinks(OneNode(op)).At([0.25, -0.5]).Gaps;
        Assert.Equal(jumps || op == Op.Select ? 1 : 0, gaps.Length);
        if (gaps.Length == 1) Assert.Equal(op is Op.Greater or Op.Select ? 0.75 : 0.25, gaps[0]);
    }

    [Fact]
    public void Asking_for_a_rule_that_does_not_exist_names_the_node_kind()
    {
        var g = new Graph();
        int x = g.Input(0), select = g.Select(g.Greater(x, g.One), x, g.One);
        Assert.Contains("holds Select, which has none", Assert.Throws<ArgumentException>(() => Primitives.Partials(g, select)).Message);
        Assert.Contains("holds Input, which has none", Assert.Throws<ArgumentException>(() => Primitives.Partials(g, x)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Primitives.Partials(g, 99));
        Assert.Equal(-1, Primitives.KinkGap(g, g.Unary(Op.Tanh, x)));
    }

    [Fact]
    public void The_derivative_checker_handles_erf_as_onnx_gelu_writes_it()
    {
        var f = TapeFunction.Record(2, x => VarMath.GeluErf(x[0] * 0.8 - x[1]) * VarMath.Erf(x[1]));
        var report = DerivativeChecker.Check(f, [0.4, -1.1]);
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(0, report.Skipped);
    }
}

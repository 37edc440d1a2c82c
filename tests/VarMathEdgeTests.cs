using TapeAD.Tape;
using TapeAD.Testing;
using Xunit;
using static TapeAD.Tape.VarMath;

namespace TapeAD.Tests;

/// <summary>Every VarMath function at its edges: the derivative checker at kinks, ties and domain
/// boundaries (finite points), and compiled against interpreted bits at ±0, ±Inf, NaN, subnormal and huge.</summary>
public class VarMathEdgeTests
{
    private static readonly Dictionary<string, Func<Var[], Var[]>> Functions = new()
    {
        ["abs"] = x => [Abs(x[0]) * x[1]],
        ["sign"] = x => [Sign(x[0]) * x[1]],
        ["max"] = x => [Max(x[0], x[1]) * x[1]],
        ["min"] = x => [Min(x[0], x[1]) * x[0]],
        ["clamp"] = x => [Clamp(x[0], -1, 2) * x[1], Clamp(x[1], x[0], x[0] + 1)],
        ["hardtanh"] = x => [Hardtanh(x[0]) * x[1], Relu6(x[1])],
        ["hardsigmoid and hardswish"] = x => [Hardsigmoid(x[0]) * x[1], Hardswish(x[1])],
        ["softsign, mish, tanhshrink"] = x => [Softsign(x[0]) * x[1], Mish(x[1]), Tanhshrink(x[0] * x[1])],
        ["pow"] = x => [Pow(x[0], x[1]), Pow(2.5, x[0] * x[1])],
        ["atan2"] = x => [Atan2(x[0], x[1])],
        ["inverse trigonometric"] = x => [Asin(x[0]) * x[1], Acos(x[0]) + x[1], Atan(x[0] * x[1]), Tan(x[1])],
        ["hyperbolic"] = x => [Sinh(x[0]) * x[1], Cosh(x[1]), Asinh(x[0] * x[1]), Atanh(x[0]) * x[1]],
        ["log1p and expm1"] = x => [Log1p(x[0]) * x[1], Expm1(x[1] * x[0])],
        ["comparisons"] = x => [Less(x[0], x[1]) * x[0], GreaterOrEqual(x[0], x[1]) * x[1], Equal(x[0], x[1]) + x[0]],
        ["vectors"] = x => [Sum(x), Mean(x), Prod(x), Dot(x, x), Norm(x), LogSumExp(x), .. Softmax(x), .. LogSoftmax(x)],
    };

    // Points at each function's kinks, ties and domain edges.
    private static readonly (string Function, double[] Point)[] KinkPoints =
    [
        ("abs", [0, 0.7]), ("sign", [0, 0.7]), ("max", [1.5, 1.5]), ("max", [0.3, -0.2]), ("min", [1.5, 1.5]),
        ("clamp", [-1, 0.5]), ("clamp", [2, -1]), ("clamp", [0.5, 0.5]), ("clamp", [0.5, 1.5]),
        ("hardtanh", [1, 6]), ("hardtanh", [-1, 0]), ("hardsigmoid and hardswish", [3, -3]), ("hardsigmoid and hardswish", [-3, 3]),
        ("softsign, mish, tanhshrink", [0, 0]), ("softsign, mish, tanhshrink", [-30, 30]),
        ("pow", [0.5, 2]), ("pow", [3, 0]), ("atan2", [1e-8, -1]), ("atan2", [-2, 1e-300]),
        ("inverse trigonometric", [0.999999, 1.5]), ("inverse trigonometric", [-0.999999, 0.2]), ("inverse trigonometric", [5e-324, 1e-300]),
        ("hyperbolic", [0.999999, 3]), ("hyperbolic", [-0.5, 700]), ("hyperbolic", [1e-300, 3]),
        ("log1p and expm1", [1e-300, 5e-324]), ("log1p and expm1", [-0.999999, 1e-12]), ("log1p and expm1", [1e6, 1e-4]),
        ("comparisons", [1, 1]), ("comparisons", [1, 2]),
        ("vectors", [1000, 1001]), ("vectors", [0, 0]), ("vectors", [-745, 3]), ("vectors", [1e-300, -1e-300]),
    ];

    private static readonly double[] Edges =
        [0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN, 5e-324, -1e-310, 1e308, -1e300, 1.0, -1.0, 0.999999, 710.0, -3.0, 6.0];

    public static TheoryData<string, double[]> Kinks
    {
        get
        {
            var data = new TheoryData<string, double[]>();
            foreach (var (f, x) in KinkPoints) data.Add(f, x);
            return data;
        }
    }

    public static TheoryData<string> Names => new(Functions.Keys);

    private static TapeFunction Record(string name) => TapeFunction.Record(2, Functions[name], name);

    [Theory]
    [MemberData(nameof(Kinks))]
    public void The_derivative_checker_passes_at_kinks_ties_and_domain_edges(string function, double[] point)
    {
        var report = DerivativeChecker.Check(Record(function), point);
        Assert.True(report.Passed, report.ToString());
        Assert.True(report.Compared > 0, report.ToString());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Compiled_values_and_derivatives_give_the_interpreters_bits_at_extreme_inputs(string function)
    {
        var f = Record(function);
        foreach (var q in new[] { f, f.Jacobian(), f.Hessian(), f.SecondOrderJacobian() })
        {
            var compiled = CompilerTestSupport.CompileFast(q);
            foreach (double a in Edges)
                foreach (double b in Edges)
                    CompilerTestSupport.AssertSameBits(q, compiled, [a, b]);
        }
    }

    [Fact]
    public void Every_point_of_the_edge_table_names_a_recorded_function() =>
        Assert.All(KinkPoints, k => Assert.True(Functions.ContainsKey(k.Function), k.Function));
}

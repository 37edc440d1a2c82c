using TapeAD.Tape;
using TapeAD.Testing;
using Xunit;
using F = TapeAD.Tests.DiffTestsFunctions;

namespace TapeAD.Tests;

/// <summary>Every DiffTests.jl function, checked by <see cref="DerivativeChecker"/> (every query, all
/// modes, finite differences) and compiled on the fast path to the interpreter's bits.</summary>
public class DiffTestsPortTests
{
    // As DiffTests' own test set draws them: 1 + rand() for numbers and vectors, 1 .+ rand(n, n) for matrices
    // (fixed here; the 3×3 matrix has non-zero leading minors for the pivot-free det and inv).
    private const double N = 1.37;
    private static readonly double[] Y = [1.31, 1.72, 1.13, 1.94, 1.45];
    private static readonly double[] X = [1.9, 1.1, 1.5, 1.2, 1.8, 1.05, 1.4, 1.3, 1.7];
    private static readonly double[] A = [1.6, 1.2, 1.1, 1.9];
    private static readonly double[] B = [1.3, 1.05, 1.25, 1.7];

    private static readonly Dictionary<string, (Func<TapeFunction> Function, double[] Point)> Cases = new()
    {
        ["num2num_1"] = (() => Scalar(F.Num2Num1), [N]),
        ["num2num_2"] = (() => Scalar(F.Num2Num2), [N]),
        ["num2num_3"] = (() => Scalar(F.Num2Num3), [N]),
        ["num2num_4"] = (() => Scalar(F.Num2Num4), [N]),
        ["num2num_5"] = (() => Scalar(F.Num2Num5), [N]),
        ["identity"] = (() => Scalar(x => x), [N]),
        ["num2arr_1"] = (() => TapeFunction.Record(1, x => F.Num2Arr1(x[0]), "num2arr_1"), [N]),
        ["num2arr_1!"] = (() => TapeFunction.Record(1, x => F.Num2Arr1InPlace(x[0], 8), "num2arr_1!"), [N]),
        ["vec2num_1"] = (() => Vector(F.Vec2Num1, Y.Length), Y),
        ["vec2num_2"] = (() => Vector(F.Vec2Num2, Y.Length), Y),
        ["vec2num_3"] = (() => Vector(F.Vec2Num3, Y.Length), Y),
        ["vec2num_4"] = (() => Vector(F.Vec2Num4, Y.Length), Y),
        ["vec2num_5"] = (() => Vector(F.Vec2Num5, Y.Length), Y),
        ["vec2num_6"] = (() => Vector(F.Vec2Num6, Y.Length), [1.31, -1.72, 1.13, -1.94, 1.45]),
        ["vec2num_7"] = (() => Vector(F.Vec2Num7, Y.Length), Y),
        ["rosenbrock_1"] = (() => Vector(F.Rosenbrock1, Y.Length), Y),
        ["rosenbrock_2"] = (() => Vector(F.Rosenbrock2, Y.Length), Y),
        ["rosenbrock_3"] = (() => Vector(F.Rosenbrock3, Y.Length), Y),
        ["rosenbrock_4"] = (() => Vector(F.Rosenbrock4, Y.Length), Y),
        ["ackley"] = (() => Vector(F.Ackley, Y.Length), Y),
        ["self_weighted_logit"] = (() => Vector(F.SelfWeightedLogit, Y.Length), [0.31, -0.72, 0.13, 0.4, -0.25]),
        ["first"] = (() => Vector(x => x[0], Y.Length), Y),
        ["det"] = (() => Vector(F.Det, X.Length), X),
        ["mat2num_1"] = (() => Vector(F.Mat2Num1, X.Length), X),
        ["mat2num_2"] = (() => Vector(F.Mat2Num2, X.Length), X),
        ["mat2num_3"] = (() => Vector(F.Mat2Num3, X.Length), X),
        ["mat2num_4"] = (() => Vector(F.Mat2Num4, X.Length), X),
        ["softmax"] = (() => Vector(F.Softmax2, X.Length), X),
        ["neural_step"] = (() => TapeFunction.Record(15, x => F.NeuralStep(x[..3], x[3..12], x[12..]), "neural_step"),
            [0.5, -0.3, 0.8, 0.2, -0.4, 0.6, 0.1, 0.3, -0.5, 0.7, -0.2, 0.4, 0.9, -0.6, 0.35]),
        ["chebyquad"] = (() => Array(F.Chebyquad, Y.Length), Y),
        ["brown_almost_linear"] = (() => Array(F.BrownAlmostLinear, Y.Length), Y),
        ["trigonometric"] = (() => Array(F.Trigonometric, Y.Length), Y),
        ["mutation_test_1"] = (() => Array(F.MutationTest1, Y.Length), Y),
        ["mutation_test_2"] = (() => Array(F.MutationTest2, Y.Length), Y),
        ["arr2arr_1"] = (() => Array(F.Arr2Arr1, Y.Length), Y),
        ["arr2arr_2"] = (() => Array(F.Arr2Arr2, X.Length), X),
        ["-"] = (() => Array(F.Negate, Y.Length), Y),
        ["inv"] = (() => Array(F.Inv, X.Length), X),
        ["a + b"] = (() => Binary(F.Plus), [.. A, .. B]),
        ["a - b"] = (() => Binary(F.Minus), [.. A, .. B]),
        ["a * b"] = (() => Binary(F.Times), [.. A, .. B]),
        ["a / b"] = (() => Binary(F.RightDivide), [.. A, .. B]),
        ["a \\ b"] = (() => Binary(F.LeftDivide), [.. A, .. B]),
        ["a .+ b"] = (() => Binary(F.Plus), [.. A, .. B]),
        ["a .- b"] = (() => Binary(F.Minus), [.. A, .. B]),
        ["a .* b"] = (() => Binary(F.BroadcastTimes), [.. A, .. B]),
        ["a ./ b"] = (() => Binary(F.BroadcastDivide), [.. A, .. B]),
        ["a .\\ b"] = (() => Binary(F.BroadcastLeftDivide), [.. A, .. B]),
        ["a .^ b"] = (() => Binary(F.BroadcastPower), [.. A, .. B]),
        ["a * transpose(b)"] = (() => Binary(F.TimesTransposed), [.. A, .. B]),
        ["transpose(a) * b"] = (() => Binary(F.TransposedTimes), [.. A, .. B]),
        ["transpose(a) * transpose(b)"] = (() => Binary(F.TransposedTimesTransposed), [.. A, .. B]),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_derivative_of_the_function_is_right(string name)
    {
        var (function, point) = Cases[name];
        var f = function();
        var report = DerivativeChecker.Check(f, point);
        Assert.True(report.Passed, report.ToString());
        Assert.True(report.Compared > 0, report.ToString());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_compiled_hessian_gives_the_interpreters_bits(string name)
    {
        var (function, point) = Cases[name];
        var hessian = function().Hessian();
        CompilerTestSupport.AssertSameBits(hessian, CompilerTestSupport.CompileFast(hessian), point);
    }

    [Fact]
    public void Closed_forms_agree_where_they_are_short()
    {
        // d/dx tan²x = 2 tan x sec² x; det of the 3×3 matrix by its cofactors; rosenbrock's gradient.
        double t = Math.Tan(N);
        Assert.Equal(2 * t * (1 + t * t), Scalar(F.Num2Num1).Gradient(0).Evaluate([N])[0], 1e-12);
        double det = X[0] * (X[4] * X[8] - X[7] * X[5]) - X[3] * (X[1] * X[8] - X[7] * X[2]) + X[6] * (X[1] * X[5] - X[4] * X[2]);
        Assert.Equal(det, Vector(F.Det, 9).Evaluate(X)[0], 1e-13);
        double[] p = [1.2, 0.8];
        double dx = -2 * (1 - p[0]) - 400 * p[0] * (p[1] - p[0] * p[0]), dy = 200 * (p[1] - p[0] * p[0]);
        Assert.Equal([dx, dy], Vector(F.Rosenbrock1, 2).Gradient(0).Evaluate(p));
    }

    private static TapeFunction Scalar(Func<Var, Var> f) => TapeFunction.Record(1, x => f(x[0]));

    private static TapeFunction Vector(Func<Var[], Var> f, int length) => TapeFunction.Record(length, f);

    private static TapeFunction Array(Func<Var[], Var[]> f, int length) => TapeFunction.Record(length, f);

    private static TapeFunction Binary(Func<Var[], Var[], Var[]> f) => TapeFunction.Record(8, x => f(x[..4], x[4..]));
}

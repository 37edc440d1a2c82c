using System.Globalization;
using TapeAD.Cli;
using TapeAD.Compiler;
using TapeAD.Nn;
using TapeAD.Tape;
using Xunit;

namespace TapeAD.Tests;

/// <summary>
/// Deep chains whose weights multiply to a number far outside the double range while their
/// derivatives stay near 1: folding every weight into one constant overflowed it while the rest of
/// the product underflowed (issue 12, item 1). The references are hand-written Taylor recurrences.
/// </summary>
public sealed class DeepFoldingTests : IDisposable
{
    // tanh(10v + b) = v and tanh'(10v + b) = 1 - v² = 0.1: each layer multiplies the derivative by
    // 10 · 0.1 = 1, so dy/dx stays near 1 at any depth while 10^depth overflows past depth 308.
    private const double W = 10;
    private static readonly double V = 0.9486832980505138;
    private static readonly double B = Math.Atanh(V) - W * V;
    private static readonly double[] X = [V + 1e-9];

    private readonly string _dir = Directory.CreateTempSubdirectory("tapead-deep-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static TapeFunction Chain(int depth, double w, double b) => TapeFunction.Record(1, x =>
    {
        var t = x[0];
        for (int i = 0; i < depth; i++) t = VarMath.Tanh(t * w + b);
        return t;
    });

    /// <summary>y, dy/dx and d²y/dx² of the chain by second-order Taylor propagation in doubles.</summary>
    private static (double Y, double Dy, double Ddy) Taylor(int depth, double w, double b, double x)
    {
        double y = x, dy = 1, ddy = 0;
        for (int i = 0; i < depth; i++)
        {
            double u = y * w + b, du = w * dy, ddu = w * ddy;
            y = Math.Tanh(u);
            double s = 1 - y * y;
            (dy, ddy) = (s * du, s * ddu - 2 * y * s * du * du);
        }
        return (y, dy, ddy);
    }

    private static void AssertRelative(double expected, double actual, string what)
    {
        Assert.True(double.IsFinite(actual), $"{what}: expected {expected:R}, got {actual:R}");
        TapeQueryTests.AssertClose(expected, actual, 1e-9 * Math.Abs(expected), what);
    }

    public static TheoryData<int> Depths => new([300, 320, 400, 1000]);

    [Theory]
    [MemberData(nameof(Depths))]
    public void First_derivatives_of_a_chain_whose_weights_overflow_are_right_interpreted_and_compiled(int depth)
    {
        var f = Chain(depth, W, B);
        var (_, dy, _) = Taylor(depth, W, B, X[0]);
        var queries = new (string Name, TapeFunction Query)[]
        {
            ("gradient", f.Gradient(0)),
            ("jacobian forward", f.Jacobian(FirstOrderMode.Forward)),
            ("jacobian reverse", f.Jacobian(FirstOrderMode.Reverse)),
        };
        foreach (var (name, q) in queries)
        {
            AssertRelative(dy, q.Evaluate(X)[0], $"{name} at depth {depth}, interpreted");
            AssertRelative(dy, q.Compile().Evaluate(X)[0], $"{name} at depth {depth}, compiled");
        }
    }

    [Theory]
    [MemberData(nameof(Depths))]
    public void Second_derivatives_of_a_chain_whose_weights_overflow_are_right_interpreted_and_compiled(int depth)
    {
        var f = Chain(depth, W, B);
        var (_, _, ddy) = Taylor(depth, W, B, X[0]);
        var queries = new List<(string Name, TapeFunction Query, double[] Input)>
        {
            ("diag", f.SecondOrderJacobian(), X),
            ("laplacian", f.Laplacian(), X),
            ("hvp", f.HessianVectorProduct(), [X[0], 1.0]),
        };
        foreach (var mode in TapeQueryTests.ScalarSecondOrderModes)
            queries.Add(($"hessian {mode}", f.Hessian(mode), X));
        foreach (var (name, q, input) in queries)
        {
            AssertRelative(ddy, q.Evaluate(input)[0], $"{name} at depth {depth}, interpreted");
            AssertRelative(ddy, q.Compile().Evaluate(input)[0], $"{name} at depth {depth}, compiled");
        }
    }

    [Fact]
    public void The_reference_recurrence_agrees_with_finite_differences_of_the_recorded_chain()
    {
        // Guards the guard's reference: at depth 320 dy/dx is near 1, not an artefact of both sides.
        // A small step: the chain is strongly curved near its neutral fixed point (d²y/dx² ≈ -6000).
        const double h = 1e-8;
        var f = Chain(320, W, B);
        double fd = (f.Evaluate([X[0] + h])[0] - f.Evaluate([X[0] - h])[0]) / (2 * h);
        var (_, dy, _) = Taylor(320, W, B, X[0]);
        TapeQueryTests.AssertClose(fd, dy, 1e-5, "dy/dx against central differences");
        Assert.InRange(dy, 0.99, 1.01);
    }

    [Fact]
    public void A_100000_layer_chain_whose_derivative_underflows_gives_zero_not_NaN()
    {
        // Each layer scales the derivative by 2·tanh'(≈1.9) ≈ 0.17: the exact derivatives underflow
        // to 0, while 2^100000 overflows. Folded into one constant that was Inf · 0 = NaN.
        const int depth = 100_000;
        var chain = new Chain("deep", Enumerable.Range(0, depth).Select(_ => new Dense(1, 1, Activation.Tanh, [2.0], [0.0])));
        var f = chain.ToFunction();
        double[] x = [0.5];
        var (_, dy, ddy) = Taylor(depth, 2.0, 0.0, x[0]);
        Assert.Equal(0.0, dy);
        Assert.Equal(0.0, ddy);
        var gradient = f.Gradient(0);
        var diag = f.SecondOrderJacobian();
        Assert.Equal(0.0, gradient.Evaluate(x)[0]);
        Assert.Equal(0.0, gradient.Compile().Evaluate(x)[0]);
        Assert.Equal(0.0, diag.Evaluate(x)[0]);
        Assert.Equal(0.0, diag.Compile().Evaluate(x)[0]);
        Assert.Equal(0.0, f.Hessian().Evaluate(x)[0]);
        Assert.Equal(0.0, f.Laplacian().Evaluate(x)[0]);
    }

    [Theory]
    [InlineData("gradient")]
    [InlineData("jacobian")]
    [InlineData("diag")]
    [InlineData("hessian")]
    [InlineData("laplacian")]
    public void The_command_line_gives_finite_right_derivatives_of_a_320_layer_chain(string query)
    {
        const int depth = 320;
        var chain = new Chain("deep", Enumerable.Range(0, depth).Select(_ => new Dense(1, 1, Activation.Tanh, [W], [B])));
        string model = Path.Combine(_dir, "deep.json"), inputs = Path.Combine(_dir, "x.csv");
        ModelFile.Save(chain, model);
        File.WriteAllText(inputs, X[0].ToString("R", CultureInfo.InvariantCulture) + "\n");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CommandLine.Run(["derive", "--model", model, "--query", query, "--inputs", inputs], stdout, stderr);
        Assert.True(code == 0, stderr.ToString());

        var (_, dy, ddy) = Taylor(depth, W, B, X[0]);
        double expected = query is "gradient" or "jacobian" ? dy : ddy;
        double got = double.Parse(stdout.ToString().Trim(), CultureInfo.InvariantCulture);
        AssertRelative(expected, got, $"tapead derive --query {query}");
    }
}

using TapeAD.Compiler;
using TapeAD.Nn;
using TapeAD.Tape;
using Xunit;
using static TapeAD.Tests.CompilerTestSupport;

namespace TapeAD.Tests;

/// <summary>Emitted C# compiled by Roslyn against the base library alone gives the FEC delegate's
/// bits: every query of seed and small-deep, every primitive at special values, every constant.</summary>
public class SourceEmitterTests
{
    private static readonly CompilerOptions[] Layouts =
    [
        CompilerOptions.Default,
        new() { MaxStatementsPerMethod = 1, MaxInlineDepth = 0 },
        new() { MaxStatementsPerMethod = 7, MaxInlineDepth = 2 },
        new() { MaxStatementsPerMethod = 40, MaxInlineDepth = CompilerOptions.InlineDepthLimit },
    ];

    private static IEnumerable<TapeFunction> EveryQuery(TapeFunction f)
    {
        yield return f;
        yield return f.Gradient(f.OutputLength - 1);
        yield return f.Jacobian(FirstOrderMode.Forward);
        yield return f.Jacobian(FirstOrderMode.Reverse);
        yield return f.Hessian(SecondOrderMode.ForwardOverReverse);
        yield return f.Hessian(SecondOrderMode.ForwardOverForward);
        yield return f.HessianVectorProduct();
        yield return f.HessianVectorProduct(0);
        yield return f.SecondOrderJacobian();
        yield return f.Laplacian();
    }

    /// <summary>Emits each function (with each option set) as its own class in one compilation and
    /// compares each with its FEC delegate on <paramref name="inputs"/> per function.</summary>
    private static void AssertSameBitsAsDelegates(IReadOnlyList<(TapeFunction F, CompilerOptions Options)> cases, Func<TapeFunction, IEnumerable<double[]>> inputs)
    {
        var sources = cases.Select((c, i) => c.F.EmitCSharp(new SourceEmitterOptions { Namespace = "Emitted.Test", ClassName = $"Case{i}", Compiler = c.Options })).ToArray();
        var assembly = EmittedSource.Compile(sources);
        for (int i = 0; i < cases.Count; i++)
        {
            var (f, options) = cases[i];
            var compiled = CompileFast(f, options with { RequireFastCompiler = true });
            var emitted = EmittedSource.Evaluate(EmittedSource.Class(assembly, $"Emitted.Test.Case{i}"));
            var expected = new double[f.OutputLength];
            var actual = new double[f.OutputLength];
            foreach (var x in inputs(f))
            {
                compiled.Evaluate(x, expected);
                emitted(x, actual);
                for (int j = 0; j < expected.Length; j++)
                    if (BitConverter.DoubleToInt64Bits(expected[j]) != BitConverter.DoubleToInt64Bits(actual[j]) && !(double.IsNaN(expected[j]) && double.IsNaN(actual[j])))
                        Assert.Fail($"{f.Description} (max {options.MaxStatementsPerMethod} statements, inline depth {options.MaxInlineDepth}): emitted result {j} is {actual[j]:R}, the delegate gives {expected[j]:R} at x = [{string.Join(", ", x.Select(v => v.ToString("R")))}].");
            }
        }
    }

    private static IEnumerable<double[]> RandomPoints(TapeFunction f, int count, int seed)
    {
        var rng = new Random(seed);
        for (int n = 0; n < count; n++) yield return RandomInputs(rng, f.InputLength, specialRate: n < count / 2 ? 0 : 0.15);
    }

    [Fact]
    public void Every_query_of_the_seed_network_gives_the_delegates_bits_in_every_method_layout()
    {
        var seed = BuiltinModels.Seed().ToFunction();
        var cases = EveryQuery(seed).SelectMany(q => Layouts.Select(o => (q, o))).ToList();
        AssertSameBitsAsDelegates(cases, f => RandomPoints(f, 300, f.Graph.Count));
    }

    [Fact]
    public void Every_query_of_small_deep_gives_the_delegates_bits()
    {
        var f = BuiltinModels.Get("small-deep").ToFunction();
        // One mode per query: the seed test covers the modes; these graphs are chunked (thousands of nodes).
        TapeFunction[] queries = [f, f.Gradient(3), f.Jacobian(), f.Hessian(), f.HessianVectorProduct(), f.SecondOrderJacobian(), f.Laplacian()];
        AssertSameBitsAsDelegates(queries.Select(q => (q, CompilerOptions.Default)).ToList(), q => RandomPoints(q, 100, q.Graph.Count));
    }

    [Fact]
    public void Values_crossing_methods_beyond_the_stacks_scratch_go_through_a_per_thread_buffer()
    {
        // 1,100 values computed in the first method, all read by the second: more scratch cells than the stack holds.
        const int width = 1100;
        var g = new Graph();
        var terms = Enumerable.Range(0, width).Select(i => g.Unary(Op.Exp, g.Mul(g.Input(i % 3), g.Constant(1 + i * 1e-3)))).ToList();
        int sum = terms.Aggregate((a, b) => g.Add(a, b));
        var f = new TapeFunction(g, [sum, terms[^1]], 3, description: "wide sum");
        var options = new CompilerOptions { MaxStatementsPerMethod = width + 1, MaxInlineDepth = 0 };
        string source = f.EmitCSharp(new SourceEmitterOptions { Compiler = options });
        Assert.Contains("[ThreadStatic]", source);
        AssertSameBitsAsDelegates([(f, options)], q => RandomPoints(q, 20, 7));
    }

    [Fact]
    public void Every_primitive_gives_the_delegates_bits_at_special_values()
    {
        double[] values = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, 1e-310, -4.9e-324, -2.5, 0.7, 3.0, 710.0, -745.0, 1e308, -1e308, 0.5];
        var cases = new List<(TapeFunction, CompilerOptions)>();
        foreach (var op in Enum.GetValues<Op>().Where(op => op is not (Op.Constant or Op.Input)))
        {
            int arity = Primitives.ArityOf(op);
            foreach (double k in op == Op.PowConst ? new[] { 0.5, 3.0, -1.5, 0.0, -0.0, double.NaN, 1e-310 } : [0.0])
            {
                var g = new Graph();
                int node = g.Apply(op, g.Input(0), arity >= 2 ? g.Input(1) : -1, arity >= 3 ? g.Input(2) : -1, k);
                cases.Add((new TapeFunction(g, [node], 3, description: $"{op} ^{k}"), CompilerOptions.Default));
            }
        }
        IEnumerable<double[]> Grid(TapeFunction f) =>
            values.SelectMany(a => values.Select((b, i) => new[] { a, b, values[(i * 7 + 3) % values.Length] }));
        AssertSameBitsAsDelegates(cases, Grid);
    }

    [Fact]
    public void Constants_keep_their_bits_including_signed_zeros_infinities_nan_and_subnormals()
    {
        double[] constants = [0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, -double.Epsilon,
            2.2250738585072009e-308, double.MaxValue, double.MinValue, 0.1, 1.0 / 3, -123456789.0123456789, 1e22, 5e-324 * 3];
        var g = new Graph();
        var outputs = new List<int>();
        foreach (double c in constants)
        {
            outputs.Add(g.Constant(c));
            outputs.Add(g.Mul(g.Input(0), g.Constant(c)));
            outputs.Add(g.Sub(g.Constant(c), g.Input(0)));
        }
        var f = new TapeFunction(g, outputs, 1, description: "constants");
        var source = f.EmitCSharp(new SourceEmitterOptions { Namespace = "Emitted.Constants", ClassName = "Constants" });
        var evaluate = EmittedSource.Evaluate(EmittedSource.Class(EmittedSource.Compile(source), "Emitted.Constants.Constants"));
        var result = new double[f.OutputLength];
        evaluate([1.0], result);
        for (int i = 0; i < constants.Length; i++)
        {
            double c = constants[i];
            Assert.True(BitConverter.DoubleToInt64Bits(c) == BitConverter.DoubleToInt64Bits(result[3 * i]) || (double.IsNaN(c) && double.IsNaN(result[3 * i])),
                $"constant {c:R} came back as {result[3 * i]:R}");
        }
        AssertSameBitsAsDelegates([(f, CompilerOptions.Default)], _ => [[1.0], [-0.0], [double.NaN], [3e-310]]);
    }

    [Fact]
    public void A_batch_gives_each_rows_evaluate_bits_and_wrong_lengths_are_refused()
    {
        var f = BuiltinModels.Seed().ToFunction().Hessian();
        var type = EmittedSource.Class(EmittedSource.Compile(f.EmitCSharp()), "TapeAD.Generated.Model");
        var evaluate = EmittedSource.Evaluate(type);
        var batch = EmittedSource.EvaluateBatch(type);
        var inputs = RandomPoints(f, 9, 4).SelectMany(x => x).ToArray();
        var results = new double[9 * f.OutputLength];
        batch(inputs, results);
        var row = new double[f.OutputLength];
        for (int r = 0; r < 9; r++)
        {
            evaluate(inputs.AsSpan(r * f.InputLength, f.InputLength), row);
            Assert.Equal(row.Select(BitConverter.DoubleToInt64Bits), results.Skip(r * f.OutputLength).Take(f.OutputLength).Select(BitConverter.DoubleToInt64Bits));
        }

        var tooShort = Assert.Throws<ArgumentException>(() => evaluate(new double[4], row));
        Assert.Contains("Expected 5 inputs, got 4", tooShort.Message);
        Assert.Throws<ArgumentException>(() => evaluate(new double[5], new double[3]));
        var ragged = Assert.Throws<ArgumentException>(() => batch(new double[7], new double[f.OutputLength]));
        Assert.Contains("whole rows of 5 inputs", ragged.Message);
        Assert.Throws<ArgumentException>(() => batch(new double[10], new double[f.OutputLength]));
        Assert.Equal(75, (int)type.GetField("OutputLength")!.GetValue(null)!);
    }

    [Fact]
    public void The_entry_point_copies_inputs_that_share_cells_with_results()
    {
        var f = TapeFunction.Record(2, x => new[] { x[1] * 2, x[0] + x[1] });
        var evaluate = EmittedSource.Evaluate(EmittedSource.Class(EmittedSource.Compile(f.EmitCSharp()), "TapeAD.Generated.Model"));
        double[] cells = [3, 5];
        evaluate(cells, cells);
        Assert.Equal(new[] { 10.0, 8.0 }, cells);
    }

    [Fact]
    public void The_emitted_file_says_where_it_comes_from_and_splits_large_graphs_into_methods()
    {
        var f = BuiltinModels.Seed().ToFunction().Hessian();
        string one = f.EmitCSharp();
        Assert.Contains("// <auto-generated>", one);
        Assert.Contains(f.Description, one);
        Assert.Contains("private static void Method0(", one);
        Assert.DoesNotContain("Method1(", one);
        string split = f.EmitCSharp(new SourceEmitterOptions { Compiler = new CompilerOptions { MaxStatementsPerMethod = 20 } });
        int methods = split.Split("private static void Method").Length - 1;
        Assert.True(methods > 5, $"expected the Hessian split into many methods of 20 statements, got {methods}");
        Assert.Contains("stackalloc double[", split);
    }

    [Theory]
    [InlineData("Model", "class")]
    [InlineData("Model", "1st")]
    [InlineData("Model", "a-b")]
    [InlineData("Ns..Inner", "Model")]
    [InlineData("", "Model")]
    public void Names_that_are_not_identifiers_are_refused(string ns, string className)
    {
        var f = BuiltinModels.Seed().ToFunction();
        var e = Assert.Throws<ArgumentException>(() => f.EmitCSharp(new SourceEmitterOptions { Namespace = ns, ClassName = className }));
        Assert.Contains("Expected", e.Message);
    }
}

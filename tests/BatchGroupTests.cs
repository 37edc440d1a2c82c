using System.Runtime.Intrinsics;
using TapeAD.Compiler;
using TapeAD.Nn;
using TapeAD.Tape;
using TapeAD.Tests.Properties;
using Xunit;

namespace TapeAD.Tests;

/// <summary>
/// SIMD batches that interleave several groups of vectors per call (<see cref="CompilerOptions.BatchGroups"/>):
/// every group count at both vector widths gives each row <c>Evaluate</c>'s bits, whether the graph is one
/// method or chunked (values crossing methods in each group's own scratch), whatever the batch's length
/// (a last call filled in part), and the default count is the measured rule's.
/// </summary>
public class BatchGroupTests
{
    private static readonly double[] Hostile = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e308, -1e308, 1000, -1000, -0.0, 0.0, double.Epsilon];

    // Every kind of node the SIMD form has: arithmetic, the kernels' calls (exp and expm1 also in pairs),
    // comparisons and selects,
    // a lane-by-lane primitive (atan), constants (±0 among them) and results written straight from inputs.
    private static TapeFunction Mixed() => TapeFunction.Record(3, x =>
    {
        var u = x[0] * 0.75 - x[1] * -0.0 + x[2];
        var g = VarMath.Exp(u) + VarMath.Tanh(x[1]) * VarMath.Sigmoid(x[2]);
        var s = VarMath.Sin(x[0] * x[2]) - VarMath.Cos(u) / (1.5 + VarMath.Softplus(x[1]));
        var l = VarMath.Log(VarMath.Abs(x[0]) + 0.25) + VarMath.Sqrt(VarMath.Abs(u)) + VarMath.Erf(x[2]);
        return [g, s * l, VarMath.Elu(u) + VarMath.Atan(s), x[1], VarMath.Relu(x[0] - x[2]) * g + VarMath.Expm1(x[0] - u)];
    });

    private static IEnumerable<(TapeFunction Function, string Name)> Functions()
    {
        var seed = BuiltinModels.Seed().ToFunction();
        var mixed = Mixed();
        return [(mixed, "mixed"), (mixed.Jacobian(), "mixed jacobian"), (seed.Hessian(), "seed hessian"), (seed.HessianVectorProduct(), "seed hvp")];
    }

    [Fact]
    public void Every_group_count_at_both_widths_gives_each_row_the_bits_of_evaluate()
    {
        foreach (var (f, name) in Functions())
            foreach (var width in new[] { BatchVectorWidth.Vector256, BatchVectorWidth.Vector512 })
                for (int groups = 1; groups <= 4; groups++)
                {
                    var q = CompiledFunction.Compile(f, CompilerOptions.Default with { BatchVectorWidth = width, BatchGroups = groups });
                    Assert.Equal(groups, q.BatchGroups);
                    CheckRows(q, 45, $"{name}, {width}, {groups} groups");
                }
    }

    [Fact]
    public void Chunked_methods_pass_each_group_its_own_scratch_values()
    {
        // Three statements a method: nearly every value crosses into a later method through the scratch.
        foreach (var (f, name) in Functions().Take(2))
            for (int groups = 1; groups <= 4; groups++)
            {
                var q = CompiledFunction.Compile(f, CompilerOptions.Default with { MaxStatementsPerMethod = 3, BatchVectorWidth = BatchVectorWidth.Vector256, BatchGroups = groups });
                Assert.Equal(CompiledBackend.Chunked, q.Backend);
                CheckRows(q, 29, $"{name}, chunked, {groups} groups");
            }
    }

    [Fact]
    public void Every_primitive_batches_with_the_bits_of_evaluate_at_both_widths()
    {
        // One node per primitive, so each vector form (kernel call, inlined operation or lane by lane) is
        // what the batch runs; hostile rows share vectors with ordinary ones.
        foreach (var op in Enum.GetValues<Op>().Where(op => op is not (Op.Constant or Op.Input)))
        {
            int arity = Primitives.ArityOf(op);
            var g = new Graph();
            int node = g.Apply(op, g.Input(0), arity >= 2 ? g.Input(1) : -1, arity >= 3 ? g.Input(2) : -1, 3.0);
            var f = new TapeFunction(g, [node], 3, description: op.ToString());
            foreach (var width in new[] { BatchVectorWidth.Vector256, BatchVectorWidth.Vector512 })
                CheckRows(CompiledFunction.Compile(f, CompilerOptions.Default with { BatchVectorWidth = width }), 37, $"{op}, {width}");
        }
    }

    [Fact]
    public void Selects_on_a_comparison_give_each_row_the_bits_of_evaluate_on_hostile_operands()
    {
        // The SIMD form steers these selects by the comparison's bits (1, +0 or NaN), not by comparing
        // the condition again: NaN and signed-zero operands on either side, branches that are NaN,
        // infinite or -0, a comparison also used as a number, and selects nested on one condition.
        var g = new Graph();
        int a = g.Input(0), b = g.Input(1), c = g.Input(2), above = g.Greater(a, b);
        int[] outputs =
        [
            g.Select(above, c, a), g.Select(above, g.Constant(-0.0), c), g.Select(above, g.Constant(double.NaN), g.Constant(double.PositiveInfinity)),
            g.Add(g.Mul(above, c), g.Select(above, g.One, b)), g.Select(g.Greater(c, g.Constant(0.0)), g.Select(above, b, c), g.Neg(a)),
        ];
        var f = new TapeFunction(g, outputs, 3, description: "selects on comparisons");
        foreach (var width in new[] { BatchVectorWidth.Vector256, BatchVectorWidth.Vector512 })
            for (int groups = 1; groups <= BatchGroups.Most; groups++)
                CheckRows(CompiledFunction.Compile(f, CompilerOptions.Default with { BatchVectorWidth = width, BatchGroups = groups }), 203,
                    $"selects, {width}, {groups} groups");
        // The blends read the indicator's sign bit: Greater's NaN must have it set.
        var nan = VectorOps256.Greater(Vector256.Create(double.NaN), Vector256<double>.Zero).GetElement(0);
        Assert.True(double.IsNaN(nan) && double.IsNegative(nan), "Greater's NaN has its sign bit set");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(33)]
    public void A_batch_filling_its_last_call_in_part_gives_every_row_its_bits(int rows)
    {
        var q = CompiledFunction.Compile(Mixed(), CompilerOptions.Default with { BatchVectorWidth = BatchVectorWidth.Vector256, BatchGroups = 3 });
        CheckRows(q, rows, $"{rows} rows, 3 groups of 4");
    }

    [Fact]
    public void By_default_a_call_interleaves_four_groups_on_small_graphs_and_two_on_larger_ones()
    {
        var seed = BuiltinModels.Seed().ToFunction();
        var deep = BuiltinModels.Get("small-deep").ToFunction();
        foreach (var (f, groups) in new[] { (seed, 4), (seed.Jacobian(), 4), (seed.Hessian(), 2), (deep, 2) })
        {
            var q = CompiledFunction.Compile(f, CompilerOptions.Default with { BatchVectorWidth = BatchVectorWidth.Vector256 });
            Assert.Equal(groups, q.BatchGroups);
            Assert.Equal(groups == 4, q.NodeCount <= 256);
        }
    }

    [Theory]
    [InlineData(BatchGroups.FourGroupsUpToNodes, 4)]
    [InlineData(BatchGroups.FourGroupsUpToNodes + 1, 2)]
    public void The_group_rule_counts_live_nodes_up_to_its_bound(int live, int groups)
    {
        // A chain of additions: the input, then live - 1 sums, every one read by the next or written out.
        var g = new Graph();
        int v = g.Input(0);
        for (int i = 1; i < live; i++) v = g.Add(v, v);
        var plan = new UsePlan(g, [v]);
        Assert.Equal(live, plan.LiveCount);
        Assert.Equal(groups, BatchGroups.For(plan, CompilerOptions.Default));
        Assert.Equal(3, BatchGroups.For(plan, CompilerOptions.Default with { BatchGroups = 3 }));
    }

    [Fact]
    public void A_batch_run_row_by_row_reports_one_group()
    {
        var q = CompiledFunction.Compile(Mixed(), CompilerOptions.Default with { BatchVectorWidth = BatchVectorWidth.None, BatchGroups = 3 });
        Assert.Equal(1, q.BatchGroups);
        Assert.Equal(1, q.BatchLanes);
        CheckRows(q, 9, "row by row");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(5)]
    public void Group_counts_outside_zero_to_four_are_refused(int groups)
    {
        var ex = Assert.Throws<ArgumentException>(() => CompiledFunction.Compile(Mixed(), CompilerOptions.Default with { BatchGroups = groups }));
        Assert.Contains($"Expected BatchGroups from 0 (the measured rule's count) to 4, got {groups}", ex.Message, StringComparison.Ordinal);
    }

    private static void CheckRows(CompiledFunction q, int rows, string what)
    {
        var rng = new Random(rows * 7 + q.OutputLength);
        var x = new double[rows * q.InputLength];
        for (int k = 0; k < x.Length; k++) x[k] = rng.Next(5) == 0 ? Hostile[rng.Next(Hostile.Length)] : 4 * rng.NextDouble() - 2;
        var y = new double[rows * q.OutputLength];
        Array.Fill(y, 12345.0);
        q.EvaluateBatch(x, y, 1);
        var one = new double[q.OutputLength];
        for (int r = 0; r < rows; r++)
        {
            q.Evaluate(x.AsSpan(r * q.InputLength, q.InputLength), one);
            Bits.SameResults(one, y.AsSpan(r * q.OutputLength, q.OutputLength).ToArray(), $"{what}: row {r} of {rows}");
        }
    }
}

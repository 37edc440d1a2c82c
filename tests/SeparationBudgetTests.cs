using TapeAD.Tape;
using Xunit;

namespace TapeAD.Tests;

/// <summary>
/// The rule behind <see cref="Graph.Optimize"/>: every value the optimised graph computes lies
/// within a factor <c>2^MaxSeparation</c> of a value the literal graph computes at the same input.
/// </summary>
public class SeparationBudgetTests
{
    [Fact]
    public void Every_value_of_an_optimised_graph_stays_within_the_budget_of_a_literal_value()
    {
        var rng = new Random(20261201);
        int pulledSomewhere = 0, checkedGraphs = 0;
        for (int trial = 0; trial < 400; trial++)
        {
            var (g, outputs, x) = RandomProducts(rng);
            var literal = Values(g, x);
            // The invariant compares with the literal values; a literal that itself overflowed or
            // came near the limits has no computed value to compare with.
            if (literal.Any(v => double.IsNaN(v) || double.IsInfinity(v) || (v != 0 && Math.Abs(Math.Log2(Math.Abs(v))) > 900))) continue;
            checkedGraphs++;
            var optimized = g.Optimize(outputs);
            var rewritten = Values(optimized, x);
            var logs = literal.Where(IsRegular).Select(v => Math.Log2(Math.Abs(v))).Order().ToArray();
            for (int i = 0; i < rewritten.Length; i++)
            {
                // Constants are exact numbers, not results: a folded one only has to be normal.
                double v = rewritten[i];
                if (optimized.OpOf(i) == Op.Constant)
                {
                    Assert.True(double.IsNormal(v) || v is 0 or 1, $"trial {trial}: constant {v:R}");
                    continue;
                }
                if (!IsRegular(v)) continue;
                double log = Math.Log2(Math.Abs(v)), nearest = logs.Min(l => Math.Abs(l - log));
                Assert.True(nearest <= Graph.MaxSeparation + 0.01,
                    $"trial {trial}: node {i} = {v:R} is 2^{nearest:F1} from every literal value\n{optimized}");
            }
            if (optimized.Count < g.Count) pulledSomewhere++;
        }
        Assert.True(checkedGraphs > 300 && pulledSomewhere > 100, $"only {checkedGraphs} of 400 graphs in range, {pulledSomewhere} rewritten");
    }

    [Fact]
    public void A_chain_of_large_weights_folds_in_segments_that_never_overflow()
    {
        // y = x·(k·(x·(k·(…)))) with k = 2^40: 60 weights make 2^2400, the literal values stay near 1.
        var g = new Graph();
        int x = g.Input(0), y = x;
        for (int i = 0; i < 60; i++) y = g.Mul(g.Constant(Math.ScaleB(1, 40)), g.Mul(x, y));
        int[] outputs = [y];
        var optimized = g.Optimize(outputs);
        double input = Math.ScaleB(1, -40);
        var literal = new double[1];
        Interpreter.Run(g, [y], [input], literal);
        var rewritten = new double[1];
        Interpreter.Run(optimized, outputs, [input], rewritten);
        Assert.Equal(input, literal[0]);
        TapeQueryTests.AssertClose(literal[0], rewritten[0], 1e-14 * Math.Abs(literal[0]), "x·(k·(x·(k·…)))");
        // Still folded: fewer constants than weights.
        int constants = Enumerable.Range(0, optimized.Count).Count(i => optimized.OpOf(i) == Op.Constant);
        Assert.InRange(constants, 2, 40);
    }

    private static bool IsRegular(double v) => double.IsFinite(v) && v != 0;

    private static double[] Values(Graph g, double[] x)
    {
        var all = Enumerable.Range(0, g.Count).ToArray();
        var result = new double[all.Length];
        Interpreter.Run(g, all, x, result);
        return result;
    }

    // Products of inputs near 1 and constants up to 2^±30, negations and one-sided selects: the
    // shapes Optimize regroups.
    private static (Graph, int[], double[]) RandomProducts(Random rng)
    {
        var g = new Graph();
        var x = new double[3];
        var nodes = new List<int>();
        for (int j = 0; j < 3; j++)
        {
            x[j] = (rng.Next(2) == 0 ? -1 : 1) * (0.5 + 1.5 * rng.NextDouble());
            nodes.Add(g.Input(j));
        }
        int Pick() => nodes[nodes.Count - 1 - rng.Next(Math.Min(nodes.Count, 4))];
        double Weight() => (rng.Next(2) == 0 ? -1 : 1) * Math.ScaleB(1 + rng.NextDouble(), rng.Next(-30, 31));
        for (int n = 0; n < 40; n++)
        {
            nodes.Add(rng.Next(6) switch
            {
                0 or 1 => g.Mul(g.Constant(Weight()), Pick()),
                2 => g.Mul(Pick(), Pick()),
                3 => g.Neg(Pick()),
                4 => g.Select(g.Greater(Pick(), g.Constant(0)), Pick(), g.Constant(0)),
                _ => g.Mul(Pick(), g.Mul(g.Constant(Weight()), Pick())),
            });
        }
        return (g, [nodes[^1], nodes[^2], nodes[^3]], x);
    }
}

using System.Globalization;
using TapeAD.Compiler;
using TapeAD.Tape;
using Xunit;

namespace TapeAD.Tests;

/// <summary>
/// Every rewrite of <c>Graph.Simplify</c> and <c>Graph.Optimize</c>, one table row each, on the
/// constants that break careless rules (±0, ±1, ±Inf, NaN, subnormal, huge): the rewritten graph's
/// value is compared with the un-rewritten expression evaluated by IEEE arithmetic, as exactly as
/// the rule promises (issue 12, item 2).
/// </summary>
public class SimplifierRuleTableTests
{
    private const double Subnormal = 2.2250738585072014E-309;

    private static readonly double[] Values =
    [
        0.0, -0.0, 1.0, -1.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN,
        double.Epsilon, -Subnormal, 1e300, -double.MaxValue, 0.3, -3.0, 1e-300, 7.5e15,
    ];

    // Select conditions: true, false (both zeros), NaN, and values that are neither 1 nor 0.
    private static readonly double[] Conditions = [1.0, 0.0, -0.0, double.NaN, -1.0, 0.5];

    /// <summary>What a rule promises about its result.</summary>
    public enum Promise
    {
        /// <summary>The same bits (any NaN matches any NaN: IEEE leaves sign and payload open).</summary>
        Exact,
        /// <summary>The same bits except that a zero result may change sign.</summary>
        ExactUpToZeroSign,
        /// <summary>
        /// A product regrouped: a few ulps apart where no literal value comes within 2^64 of the
        /// double range's limits, and the same NaN-ness wherever no literal product leaves the range.
        /// </summary>
        Rounding,
    }

    private enum Slot { Input, Constant, Condition }

    private sealed record Rule(
        string Name, bool Optimized, Slot[] Slots, Promise Promise, string Shape, double[] Ordinary,
        Func<Graph, int[], int> Build, Func<IeeeTrace, double[], double> Literal);

    private static Rule R(string name, bool optimized, string slots, Promise promise, string shape, double[] ordinary,
        Func<Graph, int[], int> build, Func<IeeeTrace, double[], double> literal) =>
        new(name, optimized, slots.Select(c => c switch { 'x' => Slot.Input, 'k' => Slot.Constant, _ => Slot.Condition }).ToArray(),
            promise, shape, ordinary, build, literal);

    // Slots: x = an input (a value known only at run time), k = a graph constant, c = a select condition input.
    // Shape: the rewritten graph with inputs x0, x1, ... (named by slot) and the constants in Ordinary,
    // so each row is known to exercise its rule.
    private static readonly Rule[] Rules =
    [
        R("x + 0 → x", false, "xk", Promise.ExactUpToZeroSign, "x0", [0], (g, n) => g.Add(n[0], n[1]), (t, v) => v[0] + v[1]),
        R("0 + x → x", false, "kx", Promise.ExactUpToZeroSign, "x1", [0], (g, n) => g.Add(n[0], n[1]), (t, v) => v[0] + v[1]),
        R("select(c, a, b) + select(c, d, e) → select(c, a + d, b + e)", false, "cxxxx", Promise.Exact,
            "select(x0, add(x1, x3), add(x2, x4))", [3],
            (g, n) => g.Add(g.Select(n[0], n[1], n[2]), g.Select(n[0], n[3], n[4])),
            (t, v) => Primitives.Select(v[0], v[1], v[2]) + Primitives.Select(v[0], v[3], v[4])),
        R("a + (-x) → a - x", false, "xx", Promise.Exact, "sub(x0, x1)", [3], (g, n) => g.Add(n[0], g.Neg(n[1])), (t, v) => v[0] + -v[1]),
        R("(-x) + b → b - x", false, "xx", Promise.Exact, "sub(x1, x0)", [3], (g, n) => g.Add(g.Neg(n[0]), n[1]), (t, v) => -v[0] + v[1]),
        R("a - 0 → a", false, "xk", Promise.ExactUpToZeroSign, "x0", [0], (g, n) => g.Sub(n[0], n[1]), (t, v) => v[0] - v[1]),
        R("0 - b → -b", false, "kx", Promise.ExactUpToZeroSign, "neg(x1)", [0], (g, n) => g.Sub(n[0], n[1]), (t, v) => v[0] - v[1]),
        R("a - (-x) → a + x", false, "xx", Promise.Exact, "add(x0, x1)", [3], (g, n) => g.Sub(n[0], g.Neg(n[1])), (t, v) => v[0] - -v[1]),
        R("1·b → b, -1·b → -b", false, "kx", Promise.Exact, "x1", [1], (g, n) => g.Mul(n[0], n[1]), (t, v) => v[0] * v[1]),
        R("b·1 → b, b·-1 → -b", false, "xk", Promise.Exact, "neg(x0)", [-1], (g, n) => g.Mul(n[0], n[1]), (t, v) => v[0] * v[1]),
        R("(-x)·(-y) → x·y", false, "xx", Promise.Exact, "mul(x0, x1)", [3], (g, n) => g.Mul(g.Neg(n[0]), g.Neg(n[1])), (t, v) => -v[0] * -v[1]),
        R("(-x)·b → -(x·b)", false, "xx", Promise.Exact, "neg(mul(x0, x1))", [3], (g, n) => g.Mul(g.Neg(n[0]), n[1]), (t, v) => -v[0] * v[1]),
        R("a·(-y) → -(a·y)", false, "xx", Promise.Exact, "neg(mul(x0, x1))", [3], (g, n) => g.Mul(n[0], g.Neg(n[1])), (t, v) => v[0] * -v[1]),
        R("a/1 → a, a/-1 → -a", false, "xk", Promise.Exact, "neg(x0)", [-1], (g, n) => g.Div(n[0], n[1]), (t, v) => v[0] / v[1]),
        R("(-x)/b → -(x/b)", false, "xx", Promise.Exact, "neg(div(x0, x1))", [3], (g, n) => g.Div(g.Neg(n[0]), n[1]), (t, v) => -v[0] / v[1]),
        R("-(-x) → x", false, "x", Promise.Exact, "x0", [3], (g, n) => g.Neg(g.Neg(n[0])), (t, v) => -(-v[0])),
        R("x^1 → x", false, "x", Promise.Exact, "x0", [3], (g, n) => g.PowConst(n[0], 1), (t, v) => Math.Pow(v[0], 1)),
        R("x^0 → 1", false, "x", Promise.Exact, "1", [3], (g, n) => g.PowConst(n[0], 0), (t, v) => Math.Pow(v[0], 0)),
        R("x^2 → x·x", false, "x", Promise.Exact, "mul(x0, x0)", [3], (g, n) => g.PowConst(n[0], 2), (t, v) => Math.Pow(v[0], 2)),
        R("x^-1 → 1/x", false, "x", Promise.Exact, "div(1, x0)", [3], (g, n) => g.PowConst(n[0], -1), (t, v) => Math.Pow(v[0], -1)),
        R("select(c, x, x) stays: a NaN condition gives NaN", false, "cx", Promise.Exact, "select(x0, x1, x1)", [3], (g, n) => g.Select(n[0], n[1], n[1]), (t, v) => Primitives.Select(v[0], v[1], v[1])),
        R("select(k, a, b) → a or b", false, "kxx", Promise.Exact, "x1", [1], (g, n) => g.Select(n[0], n[1], n[2]), (t, v) => Primitives.Select(v[0], v[1], v[2])),
        R("x·(k·y) → k·(x·y)", true, "xkx", Promise.Rounding, "mul(3, mul(x0, x2))", [3],
            (g, n) => g.Mul(n[0], g.Mul(n[1], n[2])), (t, v) => t.Mul(v[0], t.Mul(v[1], v[2]))),
        R("(k·y)·x → k·(y·x)", true, "kxx", Promise.Rounding, "mul(3, mul(x1, x2))", [3],
            (g, n) => g.Mul(g.Mul(n[0], n[1]), n[2]), (t, v) => t.Mul(t.Mul(v[0], v[1]), v[2])),
        R("(k·x)·(k·y) → k²·(x·y)", true, "kxx", Promise.Rounding, "mul(9, mul(x1, x2))", [3],
            (g, n) => g.Mul(g.Mul(n[0], n[1]), g.Mul(n[0], n[2])), (t, v) => t.Mul(t.Mul(v[0], v[1]), t.Mul(v[0], v[2]))),
        R("k₁·(k₂·x) → (k₁k₂)·x", true, "kkx", Promise.Rounding, "mul(15, x2)", [3, 5],
            (g, n) => g.Mul(n[0], g.Mul(n[1], n[2])), (t, v) => t.Mul(v[0], t.Mul(v[1], v[2]))),
        R("k·(-x) → (-k)·x", true, "kx", Promise.Exact, "mul(-3, x1)", [3], (g, n) => g.Mul(n[0], g.Neg(n[1])), (t, v) => v[0] * -v[1]),
        R("-(k·y) → (-k)·y", true, "kx", Promise.Exact, "mul(-3, x1)", [3], (g, n) => g.Neg(g.Mul(n[0], n[1])), (t, v) => -(v[0] * v[1])),
        R("select(c, k·x, 0) → k·select(c, x, 0)", true, "ckxk", Promise.ExactUpToZeroSign, "mul(3, select(x0, x2, 0))", [3, 0],
            (g, n) => g.Select(n[0], g.Mul(n[1], n[2]), n[3]), (t, v) => Primitives.Select(v[0], v[1] * v[2], v[3])),
        R("select(c, 0, k·x) → k·select(c, 0, x)", true, "ckkx", Promise.ExactUpToZeroSign, "mul(5, select(x0, 0, x3))", [0, 5],
            (g, n) => g.Select(n[0], n[1], g.Mul(n[2], n[3])), (t, v) => Primitives.Select(v[0], v[1], v[2] * v[3])),
        R("select(c, k, 0) → k·select(c, 1, 0)", true, "ckk", Promise.ExactUpToZeroSign, "mul(3, select(x0, 1, 0))", [3, 0],
            (g, n) => g.Select(n[0], n[1], n[2]), (t, v) => Primitives.Select(v[0], v[1], v[2])),
        R("select(c, select(c, x, y), z) → select(c, x, z)", true, "cxxx", Promise.Exact, "select(x0, x1, x3)", [],
            (g, n) => g.Select(n[0], g.Select(n[0], n[1], n[2]), n[3]),
            (t, v) => Primitives.Select(v[0], Primitives.Select(v[0], v[1], v[2]), v[3])),
        R("select(c, x, select(c, y, z)) → select(c, x, z)", true, "cxxx", Promise.Exact, "select(x0, x1, x3)", [],
            (g, n) => g.Select(n[0], n[1], g.Select(n[0], n[2], n[3])),
            (t, v) => Primitives.Select(v[0], v[1], Primitives.Select(v[0], v[2], v[3]))),
        R("select(c, select(d, x, y), z) stays: another condition decides the inner select", true, "ccxxx", Promise.Exact,
            "select(x0, select(x1, x2, x3), x4)", [],
            (g, n) => g.Select(n[0], g.Select(n[1], n[2], n[3]), n[4]),
            (t, v) => Primitives.Select(v[0], Primitives.Select(v[1], v[2], v[3]), v[4])),
        // Exact as such; a zero k takes select(c, 0, k·x) → k·select(c, 0, x) instead, exact up to a zero's sign.
        R("select(c, k, k·x) → k·select(c, 1, x)", true, "ckx", Promise.ExactUpToZeroSign, "mul(3, select(x0, 1, x2))", [3],
            (g, n) => g.Select(n[0], n[1], g.Mul(n[1], n[2])), (t, v) => Primitives.Select(v[0], v[1], v[1] * v[2])),
        R("select(c, k·x, k) → k·select(c, x, 1)", true, "ckx", Promise.ExactUpToZeroSign, "mul(-0.5, select(x0, x2, 1))", [-0.5],
            (g, n) => g.Select(n[0], g.Mul(n[2], n[1]), n[1]), (t, v) => Primitives.Select(v[0], v[2] * v[1], v[1])),
    ];

    public static TheoryData<string> RuleNames => new(Rules.Select(r => r.Name));

    [Theory]
    [MemberData(nameof(RuleNames))]
    public void Each_rewrite_keeps_the_value_of_the_expression_it_replaces_on_every_special_constant(string name)
    {
        var rule = Rules.Single(r => r.Name == name);
        var choices = rule.Slots.Select(s => s == Slot.Condition ? Conditions : Values).ToArray();
        int checkedValues = 0, checkedNaN = 0;
        var failures = new List<string>();
        foreach (var values in Cartesian(choices))
        {
            var trace = new IeeeTrace();
            foreach (double v in values) trace.See(v);
            double expected = rule.Literal(trace, values);
            trace.See(expected);
            double got = Rewritten(rule, values);
            string? failure = rule.Promise switch
            {
                Promise.Exact => SameBits(expected, got) ? null : "not the same bits",
                Promise.ExactUpToZeroSign => SameBits(expected, got) || (expected == 0 && got == 0) ? null : "not the same bits",
                _ => RoundingFailure(trace, expected, got, ref checkedValues, ref checkedNaN),
            };
            if (failure != null)
                failures.Add($"({string.Join(", ", values.Select(Format))}): expected {Format(expected)}, got {Format(got)}: {failure}");
        }
        Assert.True(failures.Count == 0, $"{name}: {failures.Count} cases fail, e.g.\n{string.Join("\n", failures.Take(8))}");
        if (rule.Promise == Promise.Rounding)
            Assert.True(checkedValues > 100 && checkedNaN > checkedValues, $"{name}: only {checkedValues} values and {checkedNaN} NaN-ness checks");
    }

    [Theory]
    [MemberData(nameof(RuleNames))]
    public void Each_rewrite_fires_on_ordinary_values(string name)
    {
        var rule = Rules.Single(r => r.Name == name);
        var g = new Graph();
        int inputs = 0, constants = 0;
        var nodes = rule.Slots.Select(s => s == Slot.Constant ? g.Constant(rule.Ordinary[constants++]) : g.Input(inputs++)).ToArray();
        int root = rule.Build(g, nodes);
        var outputs = new[] { root };
        if (rule.Optimized) g = g.Optimize(outputs);
        Assert.Equal(rule.Shape, Render(g, outputs[0], rule.Slots));
    }

    // Every primitive with operands; Select's constant condition is a rule row above.
    public static TheoryData<Op> FoldedOps => new(Enum.GetValues<Op>().Where(op => op is not (Op.Constant or Op.Input or Op.Select)));

    [Theory]
    [MemberData(nameof(FoldedOps))]
    public void Constant_folding_gives_the_bits_the_compiled_code_computes_at_run_time(Op op)
    {
        double[] exponents = op == Op.PowConst ? [0.5, 3, -2, 1.5, 0, 1, 2, -1, double.NaN, double.PositiveInfinity] : [0];
        int arity = Primitives.ArityOf(op);
        foreach (double k in exponents)
        {
            var live = new Graph();
            int node = live.Apply(op, live.Input(0), arity == 2 ? live.Input(1) : -1, k: k);
            var compiled = new TapeFunction(live, [node], 2).Compile();
            foreach (double a in Values)
                foreach (double b in arity == 2 ? Values : [0.0])
                {
                    var g = new Graph();
                    int folded = g.Apply(op, g.Constant(a), arity == 2 ? g.Constant(b) : -1, k: k);
                    Assert.Equal(Op.Constant, g.OpOf(folded));
                    double atRunTime = compiled.Evaluate([a, b])[0];
                    Assert.True(SameBits(atRunTime, g.ConstantOf(folded)),
                        $"{op}({Format(a)}, {Format(b)}) k={Format(k)}: folded {Format(g.ConstantOf(folded))}, run time {Format(atRunTime)}");
                }
        }
    }

    private static double Rewritten(Rule rule, double[] values)
    {
        var g = new Graph();
        var inputs = new List<double>();
        var nodes = new int[values.Length];
        for (int s = 0; s < values.Length; s++)
        {
            if (rule.Slots[s] == Slot.Constant) nodes[s] = g.Constant(values[s]);
            else { nodes[s] = g.Input(inputs.Count); inputs.Add(values[s]); }
        }
        var outputs = new[] { rule.Build(g, nodes) };
        if (rule.Optimized) g = g.Optimize(outputs);
        var result = new double[1];
        Interpreter.Run(g, outputs, inputs.ToArray(), result);
        return result[0];
    }

    private static string? RoundingFailure(IeeeTrace trace, double expected, double got, ref int checkedValues, ref int checkedNaN)
    {
        if (trace.LeftTheRange) return null; // the literal arithmetic itself overflowed or underflowed
        checkedNaN++;
        if (double.IsNaN(expected) != double.IsNaN(got)) return "NaN-ness differs";
        if (trace.NearTheLimits || double.IsNaN(expected)) return null;
        checkedValues++;
        if (double.IsInfinity(expected) || expected == 0) return SameBits(expected, got) || (expected == 0 && got == 0) ? null : "not the same infinity or zero";
        return Math.Abs(expected - got) <= Math.Abs(expected) * Math.ScaleB(1, -50) ? null : "more than a few ulps apart";
    }

    private static bool SameBits(double expected, double got) =>
        (double.IsNaN(expected) && double.IsNaN(got)) || BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(got);

    private static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static IEnumerable<double[]> Cartesian(double[][] choices)
    {
        var index = new int[choices.Length];
        while (true)
        {
            yield return index.Select((i, s) => choices[s][i]).ToArray();
            int d = choices.Length - 1;
            while (d >= 0 && ++index[d] == choices[d].Length) index[d--] = 0;
            if (d < 0) yield break;
        }
    }

    // The expression of a small test graph, built in index order (no recursion); commutative
    // operands sorted so the text does not depend on node numbering.
    private static string Render(Graph g, int root, Slot[] slots)
    {
        var text = new string[g.Count];
        for (int i = 0; i <= root; i++)
        {
            var op = g.OpOf(i);
            text[i] = op switch
            {
                Op.Constant => Format(g.ConstantOf(i)),
                Op.Input => "x" + InputSlot(slots, g.InputIndexOf(i)),
                _ => Primitives.NameOf(op) + "(" + string.Join(", ", Operands(g, i, text, Primitives.IsCommutative(op))) + ")",
            };
        }
        return text[root];
    }

    private static IEnumerable<string> Operands(Graph g, int node, string[] text, bool commutative)
    {
        var operands = new[] { g.A(node), g.B(node), g.C(node) }.Where(o => o >= 0).Select(o => text[o]);
        return commutative ? operands.OrderBy(s => s.StartsWith('x') ? 1 : 0).ThenBy(s => s, StringComparer.Ordinal) : operands;
    }

    // Input j is the j-th non-constant slot; it is printed by its slot number.
    private static int InputSlot(Slot[] slots, int input)
    {
        for (int s = 0, seen = 0; s < slots.Length; s++)
            if (slots[s] != Slot.Constant && seen++ == input) return s;
        throw new ArgumentOutOfRangeException(nameof(input));
    }

    /// <summary>Evaluates the literal expression and records how close to the double range's limits it went.</summary>
    private sealed class IeeeTrace
    {
        private static readonly double Low = Math.ScaleB(1, -1022 + (int)Graph.MaxSeparation);
        private static readonly double High = Math.ScaleB(1, 1024 - (int)Graph.MaxSeparation);

        /// <summary>A literal product left the normal range: it overflowed, or lost bits to underflow.</summary>
        public bool LeftTheRange { get; private set; }

        /// <summary>A literal value is finite, nonzero and within 2^64 of the range's limits.</summary>
        public bool NearTheLimits { get; private set; }

        public void See(double v)
        {
            if (double.IsFinite(v) && v != 0 && (Math.Abs(v) < Low || Math.Abs(v) > High)) NearTheLimits = true;
        }

        public double Mul(double a, double b)
        {
            double p = a * b;
            bool operandsFiniteNonzero = double.IsFinite(a) && double.IsFinite(b) && a != 0 && b != 0;
            if (operandsFiniteNonzero && !double.IsNormal(p)) LeftTheRange = true;
            See(p);
            return p;
        }
    }
}

using TapeAD.Tape;

namespace TapeAD.Layers;

/// <summary>
/// The scalar graph of a tensor graph: every node becomes one scalar node per entry, recorded with
/// the same <see cref="VarMath"/> operations (a product row sums <c>W_i0 x_0 + W_i1 x_1 + …</c> left to
/// right, as <see cref="Nn.Dense"/> records it), so a chain expands to exactly the graph
/// <see cref="Nn.Chain.ToFunction"/> records. Small models compile this to straight-line code; tests
/// use it as the oracle of the tensor executor. Also the constant folding of the tensor graph, which
/// must give the numbers the expansion would.
/// </summary>
internal static class ScalarExpansion
{
    /// <summary>The function of <paramref name="inputLength"/> inputs to the concatenated entries of <paramref name="outputs"/>.</summary>
    public static TapeFunction Expand(TensorGraph graph, IReadOnlyList<int> outputs, int inputLength, string description)
    {
        var live = Live(graph, outputs);
        var g = new Graph();
        var values = new Var[graph.Count][];
        for (int n = 0; n < graph.Count; n++)
            if (live[n]) values[n] = Entries(g, graph[n], values);
        var nodes = outputs.SelectMany(o => values[o]).Select(v => v.Node).ToArray();
        for (int j = 0; j < inputLength; j++) g.Input(j);
        return new TapeFunction(g, nodes, inputLength, null, description);
    }

    /// <summary>Which nodes the outputs depend on (one backward loop).</summary>
    public static bool[] Live(TensorGraph graph, IReadOnlyList<int> outputs)
    {
        var live = new bool[graph.Count];
        foreach (int o in outputs) live[o] = true;
        for (int n = graph.Count - 1; n >= 0; n--)
            if (live[n])
                foreach (int operand in graph[n].Operands) live[operand] = true;
        return live;
    }

    private static Var[] Entries(Graph g, TensorNode node, Var[][] values)
    {
        var operands = node.Operands;
        switch (node.Payload)
        {
            case InputSlice s:
                return [.. Enumerable.Range(0, node.Width).Select(i => new Var(g, g.Input(s.Offset + i)))];
            case ConstantVector c:
                return Array.ConvertAll(c.Values, v => new Var(g, g.Constant(v)));
            case Matrix m:
            {
                var x = values[operands[0]];
                var y = new Var[node.Width];
                for (int p = 0, groups = node.Width / m.Outputs; p < groups; p++)
                    for (int i = 0; i < m.Outputs; i++)
                    {
                        long row = (long)i * m.Inputs;
                        int at = p * m.Inputs;
                        var sum = m.W[row] * x[at];
                        for (int j = 1; j < m.Inputs; j++) sum += m.W[row + j] * x[at + j];
                        y[p * m.Outputs + i] = sum;
                    }
                return y;
            }
            case ElementMap f:
                return Array.ConvertAll(values[operands[0]], f.Record);
            case TakeIndices t:
                return Array.ConvertAll(t.Indices, i => values[operands[0]][i]);
            case SumSegment s:
            {
                var x = values[operands[0]];
                var y = new Var[node.Width];
                for (int i = 0; i < y.Length; i++)
                {
                    var sum = x[i * s.Length];
                    for (int j = 1; j < s.Length; j++) sum += x[i * s.Length + j];
                    y[i] = sum;
                }
                return y;
            }
        }
        if (node.Op == TensorOp.Concat) return [.. operands.SelectMany(o => values[o])];
        var a = values[operands[0]];
        var b = values[operands[1]];
        var r = new Var[node.Width];
        for (int i = 0; i < r.Length; i++) r[i] = ElementMap.Binary(node.Op, a[i], b[i]);
        return r;
    }

    /// <summary>The value of an elementwise binary operation on numbers, through the primitive the scalar graph uses.</summary>
    public static double Apply(TensorOp op, double a, double b) => op switch
    {
        TensorOp.Add => Primitives.Evaluate(Op.Add, a, b, 0, 0),
        TensorOp.Sub => Primitives.Evaluate(Op.Sub, a, b, 0, 0),
        TensorOp.Mul => Primitives.Evaluate(Op.Mul, a, b, 0, 0),
        TensorOp.Div => Primitives.Evaluate(Op.Div, a, b, 0, 0),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Expected an elementwise binary operation."),
    };

    /// <summary>A product with constant operands, summed as the expansion sums it.</summary>
    public static double[] FoldMatMul(double[] x, Matrix m)
    {
        int groups = x.Length / m.Inputs;
        var y = new double[groups * m.Outputs];
        for (int p = 0; p < groups; p++)
            for (int i = 0; i < m.Outputs; i++)
            {
                long row = (long)i * m.Inputs;
                double sum = m.W[row] * x[p * m.Inputs];
                for (int j = 1; j < m.Inputs; j++) sum += m.W[row + j] * x[p * m.Inputs + j];
                y[p * m.Outputs + i] = sum;
            }
        return y;
    }

    /// <summary>Segment sums of constants, left to right.</summary>
    public static double[] FoldSum(double[] x, int segment)
    {
        var y = new double[x.Length / segment];
        for (int i = 0; i < y.Length; i++)
        {
            double sum = x[i * segment];
            for (int j = 1; j < segment; j++) sum += x[i * segment + j];
            y[i] = sum;
        }
        return y;
    }
}

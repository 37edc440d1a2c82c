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
        var readers = new int[graph.Count];
        var reader = new int[graph.Count];
        for (int n = 0; n < graph.Count; n++)
            if (live[n])
                foreach (int o in graph[n].Operands)
                {
                    readers[o]++;
                    reader[o] = n;
                }
        var outputSet = outputs.ToHashSet();
        var g = new Graph();
        var values = new Var[graph.Count][];
        for (int n = 0; n < graph.Count; n++)
        {
            if (!live[n] || values[n] != null) continue;
            if (DenseLayer(graph, n, readers, reader, outputSet) is var (add, map)) ExpandDense(graph, n, add, map, values);
            else values[n] = Entries(g, graph[n], values);
        }
        var nodes = outputs.SelectMany(o => values[o]).Select(v => v.Node).ToArray();
        for (int j = 0; j < inputLength; j++) g.Input(j);
        return new TapeFunction(g, nodes, inputLength, null, description);
    }

    /// <summary>
    /// A product read only by a bias add read only by a map (a dense layer): expanded unit by unit —
    /// sum, bias, activation, then the next unit — as <see cref="Nn.Dense"/> records it, so a chain's
    /// scalar graph is the recorded one node for node and compiles to the same code.
    /// </summary>
    private static (int Add, int Map)? DenseLayer(TensorGraph graph, int n, int[] readers, int[] reader, HashSet<int> outputs)
    {
        if (graph[n].Op != TensorOp.MatMul || readers[n] != 1 || outputs.Contains(n)) return null;
        int add = reader[n];
        var a = graph[add];
        if (a.Op != TensorOp.Add || a.Operands[0] != n || graph[a.Operands[1]].Op != TensorOp.Constant) return null;
        // Without an activation (the identity) the layer is the product and its bias.
        bool mapped = readers[add] == 1 && !outputs.Contains(add) && graph[reader[add]].Op == TensorOp.Map;
        return (add, mapped ? reader[add] : -1);
    }

    private static void ExpandDense(TensorGraph graph, int product, int add, int map, Var[][] values)
    {
        var m = (Matrix)graph[product].Payload!;
        var x = values[graph[product].Operands[0]];
        var bias = graph.Values(graph[add].Operands[1]);
        var f = map < 0 ? null : (ElementMap)graph[map].Payload!;
        int width = graph[product].Width;
        values[product] = new Var[width];
        values[add] = new Var[width];
        if (f != null) values[map] = new Var[width];
        for (int p = 0, groups = width / m.Outputs; p < groups; p++)
            for (int i = 0; i < m.Outputs; i++)
            {
                int e = p * m.Outputs + i;
                var sum = Row(m, i, x, p * m.Inputs);
                values[product][e] = sum;
                values[add][e] = sum + bias[e];
                if (f != null) values[map][e] = f.Record(values[add][e]);
            }
    }

    private static Var Row(Matrix m, int i, Var[] x, int at)
    {
        long row = (long)i * m.Inputs;
        var sum = m.W[row] * x[at];
        for (int j = 1; j < m.Inputs; j++) sum += m.W[row + j] * x[at + j];
        return sum;
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
                    for (int i = 0; i < m.Outputs; i++) y[p * m.Outputs + i] = Row(m, i, x, p * m.Inputs);
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

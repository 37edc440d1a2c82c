using TapeAD.Tape;

namespace TapeAD.Compiler;

/// <summary>
/// What every backend needs to know about a graph before emitting it: how often each node is read
/// as an operand, where it is read last, which results it is written to, and (for compiled
/// backends) which method each node lands in. Built with plain loops over the node indices.
/// </summary>
internal sealed class UsePlan
{
    private readonly int[] _outputStart;
    private readonly int[] _outputIndex;

    public UsePlan(Graph graph, IReadOnlyList<int> outputs)
    {
        Graph = graph;
        int n = graph.Count;
        Uses = new int[n];
        LastUse = new int[n];
        Array.Fill(LastUse, -1);
        for (int i = 0; i < n; i++)
        {
            foreach (int operand in Operands(i))
            {
                Uses[operand]++;
                LastUse[operand] = i;
            }
        }

        // Results grouped by node (counting sort), so each node knows where to write itself.
        _outputStart = new int[n + 1];
        foreach (int o in outputs) _outputStart[o + 1]++;
        for (int i = 0; i < n; i++) _outputStart[i + 1] += _outputStart[i];
        _outputIndex = new int[outputs.Count];
        var fill = _outputStart[..n];
        for (int j = 0; j < outputs.Count; j++) _outputIndex[fill[outputs[j]]++] = j;

        for (int i = 0; i < n; i++)
            if (IsLive(i)) LiveCount++;
    }

    public Graph Graph { get; }

    /// <summary>Times each node is read as an operand (result writes not counted).</summary>
    public int[] Uses { get; }

    /// <summary>The last node reading each node as an operand, or -1.</summary>
    public int[] LastUse { get; }

    /// <summary>Nodes read by an operand or written to a result.</summary>
    public int LiveCount { get; }

    public bool IsLive(int node) => Uses[node] > 0 || OutputsOf(node).Length > 0;

    /// <summary>The result indices node <paramref name="node"/> is written to.</summary>
    public ReadOnlySpan<int> OutputsOf(int node) =>
        _outputIndex.AsSpan(_outputStart[node], _outputStart[node + 1] - _outputStart[node]);

    /// <summary>The node's operands, A then B then C, without the absent ones.</summary>
    public OperandList Operands(int node) => new(Graph, node);

    /// <summary>
    /// Splits the nodes into consecutive ranges of at most <paramref name="maxStatements"/>
    /// statements each (a computed node or a result write is one statement), and returns the range
    /// each node belongs to.
    /// </summary>
    public int[] AssignMethods(int maxStatements, out int methodCount)
    {
        var methodOf = new int[Graph.Count];
        int method = 0, statements = 0;
        for (int i = 0; i < Graph.Count; i++)
        {
            int cost = OutputsOf(i).Length + (Uses[i] > 0 && !IsLeaf(Graph.OpOf(i)) ? 1 : 0);
            if (statements > 0 && statements + cost > maxStatements)
            {
                method++;
                statements = 0;
            }
            statements += cost;
            methodOf[i] = method;
        }
        methodCount = method + 1;
        return methodOf;
    }

    /// <summary>Constants and inputs: read where used, never computed.</summary>
    public static bool IsLeaf(Op op) => op is Op.Constant or Op.Input;

    /// <summary>An allocation-free list of a node's operands.</summary>
    public readonly struct OperandList(Graph graph, int node)
    {
        public Enumerator GetEnumerator() => new(graph, node);

        public struct Enumerator(Graph graph, int node)
        {
            private int _position = -1;

            public int Current { get; private set; }

            public bool MoveNext()
            {
                while (++_position < 3)
                {
                    int operand = _position switch { 0 => graph.A(node), 1 => graph.B(node), _ => graph.C(node) };
                    if (operand >= 0)
                    {
                        Current = operand;
                        return true;
                    }
                }
                return false;
            }
        }
    }
}

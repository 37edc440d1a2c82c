namespace TapeAD.Tape;

/// <summary>
/// Reverse mode (vector-Jacobian product) as a graph transform: adds to the graph the adjoint of
/// every node, visiting nodes in reverse index order. Structurally zero adjoints are absent (-1).
/// </summary>
public static class Reverse
{
    /// <summary>Builds the adjoints of all nodes given cotangents of some nodes.</summary>
    /// <param name="g">The graph; adjoint nodes are appended to it.</param>
    /// <param name="seeds">Pairs (node, cotangent node). A node named twice gets the sum.</param>
    /// <returns>For each node that existed on entry, its adjoint node or -1 (structurally zero).</returns>
    public static int[] Adjoints(Graph g, ReadOnlySpan<(int Node, int Cotangent)> seeds)
    {
        int n = g.Count;
        var adj = new int[n];
        Array.Fill(adj, -1);
        int top = -1;
        foreach (var (node, cotangent) in seeds)
        {
            g.CheckNode(node, nameof(seeds));
            g.CheckNode(cotangent, nameof(seeds));
            adj[node] = Forward.Sum(g, adj[node], cotangent);
            top = Math.Max(top, node);
        }
        for (int i = top; i >= 0; i--)
        {
            int a = adj[i];
            if (a < 0 || g.IsZero(a)) continue;
            switch (g.OpOf(i))
            {
                case Op.Constant:
                case Op.Input:
                    break;
                case Op.Select:
                {
                    // Linear in the branches: each branch receives the adjoint where it was chosen.
                    int zero = g.Constant(0), condition = g.A(i);
                    Accumulate(g, adj, g.B(i), g.Select(condition, a, zero));
                    Accumulate(g, adj, g.C(i), g.Select(condition, zero, a));
                    break;
                }
                default:
                {
                    var rule = Primitives.PartialsOf(g.OpOf(i))
                        ?? throw new InvalidOperationException($"No derivative rule for {g.OpOf(i)}.");
                    var (pa, pb) = rule(g, i);
                    if (IsVariable(g, g.A(i))) Accumulate(g, adj, g.A(i), Forward.Term(g, pa, a));
                    if (IsVariable(g, g.B(i))) Accumulate(g, adj, g.B(i), Forward.Term(g, pb, a));
                    break;
                }
            }
        }
        return adj;
    }

    // A constant operand (a weight, say) needs no adjoint: skipping it keeps dead nodes out of the graph.
    private static bool IsVariable(Graph g, int node) => node >= 0 && g.OpOf(node) != Op.Constant;

    private static void Accumulate(Graph g, int[] adj, int node, int term)
    {
        if (term < 0 || g.IsZero(term)) return;
        adj[node] = Forward.Sum(g, adj[node], term);
    }
}

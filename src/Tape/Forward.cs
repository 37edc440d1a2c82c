namespace TapeAD.Tape;

/// <summary>
/// Forward mode (Jacobian-vector product) as a graph transform: adds to the graph the tangent of
/// every node the targets depend on. A structurally zero tangent is absent (-1), not a zero node,
/// so one-hot directions prune whole subgraphs.
/// </summary>
public static class Forward
{
    /// <summary>
    /// Builds tangents for the ancestors of <paramref name="targets"/>, given the tangent of each input.
    /// </summary>
    /// <param name="g">The graph; tangent nodes are appended to it.</param>
    /// <param name="inputTangents">Tangent node of input <c>j</c> at index <c>j</c>, or -1 for zero.
    /// Inputs beyond its length have zero tangent.</param>
    /// <param name="targets">The nodes whose tangents are wanted.</param>
    /// <returns>For each node that existed on entry, its tangent node or -1 (structurally zero).
    /// Only ancestors of the targets are filled in.</returns>
    public static int[] Tangents(Graph g, ReadOnlySpan<int> inputTangents, ReadOnlySpan<int> targets)
    {
        int n = g.Count;
        var needed = Ancestors(g, targets);
        var t = new int[n];
        Array.Fill(t, -1);
        for (int i = 0; i < n; i++)
        {
            if (!needed[i]) continue;
            t[i] = g.OpOf(i) switch
            {
                Op.Constant => -1,
                Op.Input => g.InputIndexOf(i) < inputTangents.Length ? inputTangents[g.InputIndexOf(i)] : -1,
                Op.Select => SelectTangent(g, i, t),
                _ => ChainRule(g, i, t),
            };
            if (t[i] >= 0 && g.IsZero(t[i])) t[i] = -1;
        }
        return t;
    }

    /// <summary>Marks every node that one of <paramref name="targets"/> depends on (targets included).</summary>
    internal static bool[] Ancestors(Graph g, ReadOnlySpan<int> targets)
    {
        var needed = new bool[g.Count];
        int top = -1;
        foreach (int node in targets)
        {
            g.CheckNode(node, nameof(targets));
            needed[node] = true;
            top = Math.Max(top, node);
        }
        for (int i = top; i >= 0; i--)
        {
            if (!needed[i]) continue;
            if (g.A(i) >= 0) needed[g.A(i)] = true;
            if (g.B(i) >= 0) needed[g.B(i)] = true;
            if (g.C(i) >= 0) needed[g.C(i)] = true;
        }
        return needed;
    }

    private static int ChainRule(Graph g, int node, int[] t)
    {
        int ta = g.A(node) >= 0 ? t[g.A(node)] : -1;
        int tb = g.B(node) >= 0 ? t[g.B(node)] : -1;
        if (ta < 0 && tb < 0) return -1;
        var rule = Primitives.PartialsOf(g.OpOf(node))
            ?? throw new InvalidOperationException($"No derivative rule for {g.OpOf(node)}.");
        var (pa, pb) = rule(g, node);
        return Sum(g, Term(g, pa, ta), Term(g, pb, tb));
    }

    // Select is linear in its branches: the tangent picks the branch's tangent.
    private static int SelectTangent(Graph g, int node, int[] t)
    {
        int tb = t[g.B(node)], tc = t[g.C(node)];
        if (tb < 0 && tc < 0) return -1;
        int zero = g.Constant(0);
        return g.Select(g.A(node), tb < 0 ? zero : tb, tc < 0 ? zero : tc);
    }

    /// <summary>The chain-rule term <c>partial · tangent</c> (or partial · adjoint), -1 when structurally zero.</summary>
    /// <remarks>
    /// A tangent or adjoint that a select zeroes on one side, <c>select(c, 0, t)</c>, belongs to a
    /// branch the select may discard. The product goes inside the select, <c>select(c, 0, p·t)</c>,
    /// so that an infinite partial of the discarded branch (elu's <c>exp(x)</c> for large x) gives 0
    /// there, not <c>0 · Inf = NaN</c>. Not recursive: a constant factor is looked through once.
    /// </remarks>
    internal static int Term(Graph g, int partial, int tangent)
    {
        if (partial < 0 || tangent < 0 || g.IsZero(partial)) return -1;
        // An optimised graph holds k·select(c, 0, t) (constants moved out of selects): look through a
        // finite k as select(c, 0, p·(k·t)). Keeping k beside t, rather than forming p·t and scaling
        // it afterwards, computes no value the literal product would not: p·t alone can overflow or
        // underflow where p·(k·t) does not.
        if (g.OpOf(tangent) == Op.Mul)
        {
            int k = g.A(tangent), select = g.B(tangent);
            if (g.OpOf(k) != Op.Constant) (k, select) = (select, k);
            if (g.OpOf(k) == Op.Constant && double.IsFinite(g.ConstantOf(k)) && ZeroOnOneSide(g, select))
                return InsideSelect(g, select, branch => g.Mul(partial, g.Mul(k, branch)));
        }
        if (ZeroOnOneSide(g, tangent)) return InsideSelect(g, tangent, branch => g.Mul(partial, branch));
        return g.Mul(partial, tangent);
    }

    private static bool ZeroOnOneSide(Graph g, int node) =>
        g.OpOf(node) == Op.Select && (g.IsZero(g.B(node)) || g.IsZero(g.C(node)));

    // select(c, 0, t) → select(c, 0, f(t)) and select(c, t, 0) → select(c, f(t), 0).
    private static int InsideSelect(Graph g, int select, Func<int, int> f)
    {
        int condition = g.A(select), ifTrue = g.B(select), ifFalse = g.C(select);
        return g.IsZero(ifTrue) ? g.Select(condition, ifTrue, f(ifFalse)) : g.Select(condition, f(ifTrue), ifFalse);
    }

    internal static int Sum(Graph g, int x, int y) => x < 0 ? y : y < 0 ? x : g.Add(x, y);
}

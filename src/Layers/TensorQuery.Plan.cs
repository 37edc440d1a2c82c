using TapeAD.Compiler;

namespace TapeAD.Layers;

// The plan of a query, made once: which nodes run, where each keeps its rows, what runs in place.
public sealed partial class TensorQuery
{
    /// <summary>One live computed node and where its rows live in the workspace.</summary>
    private sealed class Step(int id, TensorNode node)
    {
        public int Id { get; } = id;
        public TensorNode Node { get; } = node;
        /// <summary>Offset of the forward rows: blocks of <c>_rows</c> rows of <see cref="TensorNode.Width"/> per input.</summary>
        public long Forward { get; set; } = -1;
        /// <summary>Offset of the adjoint rows (reverse queries).</summary>
        public long Adjoint { get; set; } = -1;
        /// <summary>A bias add folded into the map that reads it, or an output sharing its operand's rows: no rows of its own.</summary>
        public bool Folded { get; set; }
        /// <summary>Forward derivative queries: the output whose rows are its operand's (a constant added to a
        /// value row the query does not return), or -1.</summary>
        public int SharesRowsOf { get; set; } = -1;
        public bool IsOutput { get; set; }
        /// <summary>Map: the node whose rows it reads (past a folded bias add), the bias, whether it overwrites the source's rows.</summary>
        public int Source { get; set; } = -1;
        public double[]? Bias { get; set; }
        public bool InPlace { get; set; }
        public MapProgram? Program { get; set; }
        public nint[]? PairOffsets { get; set; }
        /// <summary>Map run in registers: per second-order row its offset, its pair count and its pairs' offsets (<see cref="MapRowsCall.SecondOrder"/>).</summary>
        public nint[]? SecondOrderRows { get; set; }
        /// <summary>Map in a reverse query: σ′, σ″ and (when in place) the source's tangent rows.</summary>
        public long Store { get; set; } = -1;
        /// <summary>Map with one forward row per input whose <see cref="Store"/> starts right after its
        /// rows: the column program writes σ and σ′ in place for a full block.</summary>
        public bool StoreFollows { get; set; }
        /// <summary>Whether the forward pass computes the node's rows: a reverse query skips those its sweep back never reads.</summary>
        public bool RunsForward { get; set; } = true;
        /// <summary>Reverse: per operand, whether this node's contribution is the first its adjoint receives (written, not added).</summary>
        public bool[] FirstContribution { get; set; } = [];
        /// <summary>Reverse, map: the source's adjoint is this node's adjoint, updated in place.</summary>
        public bool AdjointInPlace { get; set; }
        /// <summary>Reverse: the adjoint rows are the same for every input (the seeds, passed back through
        /// linear steps only, as from a gradient's output back to its last map), so a product computes them once per block.</summary>
        public bool UniformAdjoint { get; set; } = true;
    }

    private (Step[] Steps, Step?[] StepOf) Plan(TensorFunction function, out long buffers, out int widest, out int columns, out long temp)
    {
        var graph = function.Graph;
        var live = ScalarExpansion.Live(graph, function.Outputs);
        var stepOf = new Step?[graph.Count];
        var uses = new int[graph.Count];
        var lastUse = new int[graph.Count];
        for (int n = 0; n < graph.Count; n++)
        {
            if (!live[n] || graph[n].Op == TensorOp.Constant) continue;
            stepOf[n] = new Step(n, graph[n]);
            foreach (int o in graph[n].Operands)
            {
                uses[o]++;
                lastUse[o] = n;
            }
        }
        foreach (int o in function.Outputs)
            if (stepOf[o] != null) stepOf[o]!.IsOutput = true;
        var steps = stepOf.Where(s => s != null).Select(s => s!).ToArray();
        bool reverse = _kind.IsReverse();
        widest = Math.Max(1, steps.Select(s => s.Node.Width).DefaultIfEmpty(1).Max());
        columns = 0;
        int lanes = _blockInputs * widest;

        // Maps: fold a bias add into the map (the add's only reader), and run in place where nothing else reads the rows.
        foreach (var s in steps.Where(s => s.Node.Op == TensorOp.Map))
        {
            var f = (ElementMap)s.Node.Payload!;
            s.Program = f.Program(_order);
            columns = Math.Max(columns, s.Program.ScratchLength(lanes));
            int source = s.Node.Operands[0];
            var add = graph[source];
            if (add.Op is TensorOp.Add or TensorOp.Sub && uses[source] == 1 && !stepOf[source]!.IsOutput
                && graph[add.Operands[1]].Op == TensorOp.Constant && graph[add.Operands[0]].Op != TensorOp.Constant)
            {
                var b = graph.Values(add.Operands[1]);
                s.Bias = add.Op == TensorOp.Add ? b : Array.ConvertAll(b, v => -v);
                stepOf[source]!.Folded = true;
                source = add.Operands[0];
            }
            s.Source = source;
            var src = stepOf[source]!;
            bool soleReader = uses[source] == 1 && !src.IsOutput;
            bool pinned = reverse && src.Node.Op == TensorOp.Div;
            s.InPlace = soleReader && !pinned;
            s.AdjointInPlace = reverse && soleReader;
            s.PairOffsets = [.. _pairTangents.Select(t => (nint)(1 + t) * s.Node.Width)];
            s.SecondOrderRows = [.. Enumerable.Range(0, _pairStart.Length - 1).SelectMany(k =>
                new[] { (nint)(1 + _tangents + k) * s.Node.Width, _pairStart[k + 1] - _pairStart[k] }
                    .Concat(s.PairOffsets[(2 * _pairStart[k])..(2 * _pairStart[k + 1])]))];
        }

        // A forward derivative query's output that adds a constant (the last layer's bias) has its operand's
        // rows: the constant touches the value row only, which the query does not return. Nothing copies them.
        if (!reverse && _kind != QueryKind.Value)
            foreach (var s in steps.Where(s => s.IsOutput && s.Node.Op is TensorOp.Add or TensorOp.Sub))
            {
                int a = s.Node.Operands[0], b = s.Node.Operands[1];
                bool constantA = graph[a].Op == TensorOp.Constant, constantB = graph[b].Op == TensorOp.Constant;
                int operand = constantB && !constantA ? a : constantA && !constantB && s.Node.Op == TensorOp.Add ? b : -1;
                // Nothing else may read either: the shared value row lacks the constant.
                if (operand < 0 || uses[operand] != 1 || uses[s.Id] != 0) continue;
                s.Folded = true;
                s.SharesRowsOf = operand;
            }

        if (reverse) MarkForwardReads(steps, stepOf);

        // Forward rows: every node gets a buffer when it runs; a forward-only query hands a buffer back
        // after its last reader, a reverse query keeps them all (the sweep back reads them). Folded steps
        // read nothing here: an output that shares its operand's rows (SharesRowsOf) must not count as the
        // operand's reader, or the rows it returns would be handed back before the extract reads them.
        var lastRead = new int[graph.Count];
        foreach (var s in steps.Where(s => !s.Folded))
            foreach (int o in Reads(s)) lastRead[o] = s.Id;
        var plan = new BufferPlan();
        foreach (var s in steps)
        {
            if (s.SharesRowsOf >= 0) s.Forward = stepOf[s.SharesRowsOf]!.Forward;
            if (s.Folded || !s.RunsForward) continue;
            s.Forward = s.InPlace ? stepOf[s.Source]!.Forward : plan.Rent(RowsSize(s.Node.Width, _rows));
            if (reverse && s.Node.Op == TensorOp.Map)
            {
                s.Store = plan.Rent((long)_blockInputs * s.Node.Width * (2 + (s.InPlace ? _tangents : 0)));
                s.StoreFollows = _rows == 1 && s.Store == s.Forward + RowsSize(s.Node.Width, 1);
            }
            if (reverse) continue;
            foreach (int o in Reads(s).Distinct())
                if (lastRead[o] == s.Id && !stepOf[o]!.IsOutput && !(s.InPlace && o == s.Source))
                    plan.Return(stepOf[o]!.Forward, RowsSize(graph[o].Width, _rows));
        }

        temp = 0;
        if (reverse) PlanAdjoints(steps, stepOf, plan, ref temp);
        buffers = plan.Length;
        return (steps, stepOf);
    }

    // What the sweep back reads of the forward pass: every map's σ′ (and σ″, tangents), the operands of
    // products, the divisor and result of quotients, and whatever those are computed from. The rest only
    // leads to the outputs' values, which a reverse query does not return (a gradient's last layer).
    // Steps come in graph order, so one pass from the last marks everything a later step reads.
    private void MarkForwardReads(Step[] steps, Step?[] stepOf)
    {
        foreach (var s in steps) s.RunsForward = false;
        for (int i = steps.Length - 1; i >= 0; i--)
        {
            var s = steps[i];
            if (s.Folded) continue;
            var op = s.Node.Op;
            if (op is TensorOp.Map or TensorOp.Div) s.RunsForward = true;
            // A product's operands are read back even where its own rows are not.
            if (s.RunsForward || op == TensorOp.Mul)
                foreach (int o in Reads(s)) stepOf[o]!.RunsForward = true;
        }
    }

    // Adjoint buffers in the order the sweep back needs them: a node's from its first (highest) reader's
    // contribution until the node itself has passed its adjoint on.
    private void PlanAdjoints(Step[] steps, Step?[] stepOf, BufferPlan plan, ref long temp)
    {
        long Size(Step s) => RowsSize(s.Node.Width, _reverseRows);
        var received = new bool[stepOf.Length];
        foreach (var s in steps.Where(s => s.IsOutput))
        {
            s.Adjoint = plan.Rent(Size(s));
            received[s.Id] = true;
        }
        for (int i = steps.Length - 1; i >= 0; i--)
        {
            var s = steps[i];
            if (s.Folded || !received[s.Id]) continue;
            var operands = s.Node.Op == TensorOp.Map ? [s.Source] : s.Node.Operands.ToArray();
            s.FirstContribution = new bool[operands.Length];
            for (int k = 0; k < operands.Length; k++)
            {
                var os = stepOf[operands[k]];
                if (os == null) continue;
                s.FirstContribution[k] = !received[os.Id];
                // Maps, products and quotients scale what they pass back by the input's own rows.
                if (!s.UniformAdjoint || s.Node.Op is TensorOp.Map or TensorOp.Mul or TensorOp.Div) os.UniformAdjoint = false;
                if (!received[os.Id])
                {
                    os.Adjoint = s.Node.Op == TensorOp.Map && s.AdjointInPlace ? s.Adjoint : plan.Rent(Size(os));
                    received[os.Id] = true;
                }
            }
            temp = Math.Max(temp, Size(s));
            if (operands.Length > 0) temp = Math.Max(temp, operands.Max(o => stepOf[o] is { } os ? Size(os) : 0));
            if (!(s.Node.Op == TensorOp.Map && s.AdjointInPlace)) plan.Return(s.Adjoint, Size(s));
        }
    }

    /// <summary>The nodes whose rows a step reads: a map its source (past a folded bias add), others their computed operands.</summary>
    private IEnumerable<int> Reads(Step s) =>
        s.Node.Op == TensorOp.Map ? [s.Source] : s.Node.Operands.Where(o => _graph[o].Op != TensorOp.Constant);

    private long RowsSize(int width, int rows) => (long)_blockInputs * rows * width;
}

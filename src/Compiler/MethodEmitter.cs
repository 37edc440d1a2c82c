using System.Linq.Expressions;
using TapeAD.Tape;

namespace TapeAD.Compiler;

/// <summary>
/// Turns consecutive node ranges of a graph into expression lambdas, one per method, in order.
/// A node read once, later in the same method, is nested into its reader up to a bounded depth;
/// any other computed node gets a local, or a scratch cell when a later method reads it. Locals
/// and scratch cells are freed after their last read and reused, so their number follows how many
/// values are live at once. What a value is (one double, or a SIMD vector of one value for several
/// inputs) is the <see cref="ILaneEmission"/>'s business.
/// </summary>
/// <remarks>
/// A method may evaluate several independent groups of inputs (the constructor's <c>groups</c>): each node is
/// emitted once per group, group after group, before the next node, so that the groups' dependency
/// chains (an activation's exp above all) sit side by side in the code and the out-of-order core
/// overlaps them. Group <c>g</c>'s value <c>j</c> of the inputs, results and scratch is entry
/// <c>j * Groups + g</c>; constants are shared. With one group this is plain straight-line code.
/// </remarks>
internal sealed class MethodEmitter
{
    private enum Kind : byte { Dead, Constant, Input, Local, Scratch, Pending }

    private readonly UsePlan _plan;
    private readonly ILaneEmission _lanes;
    private readonly Graph _graph;
    private readonly int[] _methodOf;
    private readonly int _maxInlineDepth;
    private readonly int _groups;

    private readonly Kind[] _kind;
    private readonly int[] _slot;
    private readonly int[] _unread;
    private readonly int[] _depth;
    // Per pending node, its expression for each group.
    private readonly Expression[]?[] _pending;
    // The local-backed nodes a pending expression reads. Their reads count only once the
    // expression is placed in a statement: a pending expression runs later than it was built, so a
    // local freed by a statement in between could be overwritten before it is read.
    private readonly List<int>?[] _pendingReads;

    private readonly SlotPool _scratchCells = new();
    private readonly List<int>[] _scratchFreedAfter;

    private readonly ParameterExpression _x;
    private readonly ParameterExpression _result;
    private readonly ParameterExpression _scratch;
    private readonly ParameterExpression? _constants;
    // The current method's constant table, when the lanes read constants from one: values in order
    // of first use, and each value's entry by its bits (so -0 and +0, and NaNs, stay apart).
    private readonly List<double> _table = [];
    private readonly Dictionary<long, int> _tableIndex = [];

    // Slot k's local for group g is entry k * Groups + g.
    private readonly List<ParameterExpression> _locals = [];
    // Where the lanes load inputs once (ILaneEmission.LoadsInputsOnce), each input a method reads
    // is loaded into a local at its first read and kept to the method's end.
    private readonly Dictionary<int, ParameterExpression[]> _inputLocals = [];
    private SlotPool _localSlots = new();
    private readonly List<Expression> _body = [];
    private List<int> _reads = [];
    // The current method's locals receiving paired kernel calls (ILaneEmission.ApplyPair), one per pair of
    // groups, whose values are copied out at once; none until the method has a paired call. Reused by every
    // paired node, so there are few enough for the JIT to promote their fields.
    private readonly List<ParameterExpression> _pairs = [];
    // The highest entry of the inputs, results and scratch the current method touches (ILaneEmission.Reach).
    private int _lastInput, _lastResult, _lastScratch;

    public MethodEmitter(UsePlan plan, ILaneEmission lanes, int[] methodOf, int methodCount, int maxInlineDepth, int groups = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(groups, 1);
        _groups = groups;
        _plan = plan;
        _lanes = lanes;
        (_x, _result, _scratch, _constants) = lanes.Parameters();
        _graph = plan.Graph;
        _methodOf = methodOf;
        _maxInlineDepth = maxInlineDepth;
        int n = _graph.Count;
        _kind = new Kind[n];
        _slot = new int[n];
        _unread = new int[n];
        _depth = new int[n];
        _pending = new Expression[]?[n];
        _pendingReads = new List<int>?[n];
        _scratchFreedAfter = new List<int>[methodCount];
        for (int m = 0; m < methodCount; m++) _scratchFreedAfter[m] = [];
    }

    /// <summary>Scratch values the emitted methods use, every group's (known once all are emitted).</summary>
    public int ScratchLength => _scratchCells.Count * _groups;

    /// <summary>The constant table of the method emitted last, to pass as its constants argument;
    /// empty when the lanes write constants into the code.</summary>
    public double[] Constants => [.. _table];

    /// <summary>Emits method <paramref name="method"/>, holding nodes <paramref name="start"/> up to
    /// <paramref name="end"/> (exclusive). Methods must be emitted in order.</summary>
    public LambdaExpression Emit(int method, int start, int end)
    {
        _locals.Clear();
        _pairs.Clear();
        _inputLocals.Clear();
        _localSlots = new SlotPool();
        _body.Clear();
        _table.Clear();
        _tableIndex.Clear();
        _lastInput = _lastResult = _lastScratch = -1;
        for (int i = start; i < end; i++)
        {
            switch (_graph.OpOf(i))
            {
                case Op.Constant: Leaf(i, Kind.Constant); break;
                case Op.Input: Leaf(i, Kind.Input); break;
                default: if (_plan.IsLive(i)) Compute(i, method); break;
            }
        }
        foreach (int cell in _scratchFreedAfter[method]) _scratchCells.Return(cell);
        var reach = Reach();
        if (_body.Count == 0) _body.Add(Expression.Empty());
        var block = Expression.Block(typeof(void), _locals.Concat(_inputLocals.Values.SelectMany(group => group)).Concat(_pairs).Concat(reach.Local),
            reach.Reads.Concat(_body));
        ParameterExpression[] parameters = _constants == null ? [_x, _result, _scratch] : [_x, _result, _scratch, _constants];
        return Expression.Lambda(_lanes.DelegateType, block, $"graph_method_{method}", parameters);
    }

    /// <summary>The reads of each parameter's highest entry (<see cref="ILaneEmission.Reach"/>), into one
    /// otherwise unused local, to run before the body; none where the lanes' accesses are unchecked.</summary>
    private (ParameterExpression[] Local, Expression[] Reads) Reach()
    {
        var local = Expression.Variable(_lanes.ValueType, "reach");
        var reads = new List<Expression>();
        foreach (var (values, last) in new[] { (_x, _lastInput), (_result, _lastResult), (_scratch, _lastScratch), (_constants, _table.Count - 1) })
            if (values != null && last >= 0 && _lanes.Reach(values, last) is { } read) reads.Add(Expression.Assign(local, read));
        return reads.Count == 0 ? ([], []) : ([local], [.. reads]);
    }

    private void Leaf(int node, Kind kind)
    {
        _kind[node] = kind;
        foreach (int j in _plan.OutputsOf(node))
            for (int g = 0; g < _groups; g++) WriteResult(j, g, Read(node, g));
    }

    private void Compute(int node, int method)
    {
        var op = _graph.OpOf(node);
        int arity = Primitives.ArityOf(op);
        // Operand i of group g is entry i * Groups + g.
        var operands = new Expression[arity * _groups];
        int depth = 0, count = 0;
        foreach (int operand in _plan.Operands(node))
        {
            if (_kind[operand] == Kind.Pending) depth = Math.Max(depth, _depth[operand]);
            Take(operand, operands.AsSpan(count * _groups, _groups));
            count++;
        }
        var value = new Expression[_groups];
        bool paired = _groups > 1 && count == 1 && Paired(op, operands, value);
        if (paired) operands = [];
        var groupOperands = new Expression[count];
        for (int g = 0; g < _groups && operands.Length > 0; g++)
        {
            for (int i = 0; i < count; i++) groupOperands[i] = operands[i * _groups + g];
            value[g] = op == Op.Select && _graph.OpOf(_graph.A(node)) == Op.Greater
                ? _lanes.SelectOnIndicator(groupOperands[0], groupOperands[1], groupOperands[2])
                : _lanes.Apply(op, groupOperands, _graph.ConstantOf(node));
        }
        depth++;

        int uses = _plan.Uses[node];
        var outputs = _plan.OutputsOf(node);
        int lastUse = _plan.LastUse[node];
        // A paired value is read from a pair local, which the next paired call overwrites: never pending.
        if (uses == 1 && outputs.Length == 0 && _methodOf[lastUse] == method && depth <= _maxInlineDepth && !paired)
        {
            _kind[node] = Kind.Pending;
            _pending[node] = value;
            _depth[node] = depth;
            _pendingReads[node] = _reads;
            _reads = [];
            return;
        }

        // This statement reads its operands before its target is written, so the target may
        // reuse a local whose last read is here.
        ReleaseReads();

        if (uses == 0 && outputs.Length == 1)
        {
            for (int g = 0; g < _groups; g++) WriteResult(outputs[0], g, value[g]);
            return;
        }
        if (uses > 0 && _methodOf[lastUse] != method)
        {
            int cell = _scratchCells.Rent();
            _scratchFreedAfter[_methodOf[lastUse]].Add(cell);
            _kind[node] = Kind.Scratch;
            _slot[node] = cell;
            _lastScratch = Math.Max(_lastScratch, (cell + 1) * _groups - 1);
            for (int g = 0; g < _groups; g++) _body.Add(_lanes.Write(_scratch, cell * _groups + g, value[g]));
        }
        else
        {
            RentLocal(node);
            for (int g = 0; g < _groups; g++) _body.Add(Expression.Assign(_locals[_slot[node] * _groups + g], value[g]));
            // A node only written to results needs its local just for those writes.
            if (uses == 0) _localSlots.Return(_slot[node]);
        }
        foreach (int j in outputs)
            for (int g = 0; g < _groups; g++) WriteResult(j, g, Read(node, g));
    }

    /// <summary>
    /// Emits a unary primitive for two groups at a time as one call (<see cref="ILaneEmission.ApplyPair"/>)
    /// into a pair local; <paramref name="value"/> gets each group's read of it (an odd last group's own
    /// call). False, emitting nothing, when the lanes have no paired call for <paramref name="op"/>. The
    /// node's statements must follow at once: the next paired call overwrites the pair locals.
    /// </summary>
    /// <remarks>The calls run here, so the operands' reads happen here, not where the value is used.
    /// Measured on a 3→12→12→1 tanh chain, a local per paired call kept apart for its readers (too many
    /// struct locals for the JIT to promote) cost a fifth of the value's time.</remarks>
    private bool Paired(Op op, Expression[] operands, Expression[] value)
    {
        if (_lanes.ApplyPair(op, operands[0], operands[1]) is not var (first, item1, item2)) return false;
        ReleaseReads();
        for (int g = 0; g < _groups; g += 2)
        {
            if (g + 1 == _groups)
            {
                // Pairs exist only for ops without a constant (exp, expm1), so k is 0.
                value[g] = _lanes.Apply(op, [operands[g]], 0);
                break;
            }
            if (_pairs.Count == g / 2) _pairs.Add(Expression.Variable(first.Type, $"pair{g / 2}"));
            var pair = _pairs[g / 2];
            _body.Add(Expression.Assign(pair, g == 0 ? first : _lanes.ApplyPair(op, operands[g], operands[g + 1])!.Value.Call));
            value[g] = Expression.Field(pair, item1);
            value[g + 1] = Expression.Field(pair, item2);
        }
        return true;
    }

    /// <summary>Counts the reads the statement being emitted makes; a local read for the last time goes back to the pool.</summary>
    private void ReleaseReads()
    {
        foreach (int read in _reads)
            if (--_unread[read] == 0) _localSlots.Return(_slot[read]);
        _reads.Clear();
    }

    /// <summary>The expressions reading an operand, one per group, recording the operand's read.</summary>
    private void Take(int operand, Span<Expression> groups)
    {
        switch (_kind[operand])
        {
            case Kind.Pending:
                _pending[operand]!.CopyTo(groups);
                _pending[operand] = null;
                _reads.AddRange(_pendingReads[operand]!);
                _pendingReads[operand] = null;
                return;
            case Kind.Local:
                _reads.Add(operand);
                break;
        }
        for (int g = 0; g < _groups; g++) groups[g] = Read(operand, g);
    }

    private Expression Read(int node, int group) => _kind[node] switch
    {
        Kind.Constant => Constant(_graph.ConstantOf(node)),
        Kind.Input => _lanes.LoadsInputsOnce ? InputLocal(_graph.InputIndexOf(node), group) : ReadInput(_graph.InputIndexOf(node) * _groups + group),
        Kind.Local => _locals[_slot[node] * _groups + group],
        Kind.Scratch => ReadScratch(_slot[node] * _groups + group),
        var kind => throw new InvalidOperationException($"Node {node} ({kind}) cannot be read here."),
    };

    private Expression Constant(double value)
    {
        if (_constants == null || !_lanes.IsTabled(value)) return _lanes.Constant(value);
        long bits = BitConverter.DoubleToInt64Bits(value);
        if (!_tableIndex.TryGetValue(bits, out int index))
        {
            index = _table.Count;
            _table.Add(value);
            _tableIndex.Add(bits, index);
        }
        return _lanes.ReadConstant(_constants, index);
    }

    // Every group's local of an input is loaded at the input's first read.
    private ParameterExpression InputLocal(int index, int group)
    {
        if (!_inputLocals.TryGetValue(index, out var locals))
        {
            locals = new ParameterExpression[_groups];
            for (int g = 0; g < _groups; g++)
            {
                locals[g] = Expression.Variable(_lanes.ValueType, _groups == 1 ? $"x{index}" : $"x{index}_{g}");
                _body.Add(Expression.Assign(locals[g], ReadInput(index * _groups + g)));
            }
            _inputLocals.Add(index, locals);
        }
        return locals[group];
    }

    private void RentLocal(int node)
    {
        int slot = _localSlots.Rent();
        if (slot * _groups == _locals.Count)
            for (int g = 0; g < _groups; g++) _locals.Add(Expression.Variable(_lanes.ValueType, _groups == 1 ? $"v{slot}" : $"v{slot}_{g}"));
        _kind[node] = Kind.Local;
        _slot[node] = slot;
        _unread[node] = _plan.Uses[node];
    }

    private Expression ReadInput(int entry)
    {
        _lastInput = Math.Max(_lastInput, entry);
        return _lanes.Read(_x, entry);
    }

    private Expression ReadScratch(int entry)
    {
        _lastScratch = Math.Max(_lastScratch, entry);
        return _lanes.Read(_scratch, entry);
    }

    private void WriteResult(int index, int group, Expression value)
    {
        _lastResult = Math.Max(_lastResult, index * _groups + group);
        _body.Add(_lanes.Write(_result, index * _groups + group, value));
    }
}

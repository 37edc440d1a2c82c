using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using TapeAD.Tape;

namespace TapeAD.Compiler;

/// <summary>
/// A scalar graph evaluated a column at a time: every node becomes one span operation over many
/// lanes (one lane per element or per input): IEEE arithmetic through <see cref="TensorPrimitives"/>,
/// transcendental functions through <see cref="Elementwise"/>'s span forms, column buffers reused by
/// liveness. Every lane gets exactly the scalar path's bits (the interpreter's, the compiled code's),
/// whatever the other lanes hold: no operation here mixes lanes. The primitives without a span form
/// run their own value function lane by lane.
/// </summary>
/// <remarks>
/// The tensor level (<c>TapeAD.Layers</c>) runs its elementwise maps and their derivatives this way,
/// one program per map and order over a block's rows. Immutable and thread-safe: the caller passes
/// the scratch, so a program keeps no state between runs.
/// </remarks>
public sealed class ColumnProgram
{
    private readonly Step[] _steps;
    private readonly int _inputCount;
    private readonly int _outputCount;

    // Target column; operand columns; constant or exponent; for results: the output row to copy to.
    private readonly record struct Step(Op Op, int Target, int A, int B, int C, double K, int[] Outputs);

    /// <summary>Builds the column program of <paramref name="function"/> (its live nodes in graph order).</summary>
    /// <exception cref="ArgumentNullException">When <paramref name="function"/> is null.</exception>
    public ColumnProgram(TapeFunction function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var graph = function.Graph;
        var plan = new UsePlan(graph, function.Outputs);
        var steps = new List<Step>();
        var pool = new SlotPool();
        var column = new int[graph.Count];
        var unread = (int[])plan.Uses.Clone();
        for (int i = 0; i < graph.Count; i++)
        {
            if (!plan.IsLive(i)) continue;
            int a = Slot(graph.A(i)), b = Slot(graph.B(i)), c = Slot(graph.C(i));
            foreach (int operand in plan.Operands(i))
                if (--unread[operand] == 0) pool.Return(column[operand]);
            column[i] = pool.Rent();
            double k = graph.OpOf(i) == Op.Input ? graph.InputIndexOf(i) : graph.ConstantOf(i);
            steps.Add(new Step(graph.OpOf(i), column[i], a, b, c, k, plan.OutputsOf(i).ToArray()));
            if (plan.Uses[i] == 0) pool.Return(column[i]);
        }
        _steps = [.. steps];
        ColumnCount = pool.Count;
        _inputCount = function.InputLength;
        _outputCount = function.OutputLength;

        int Slot(int node) => node < 0 ? -1 : column[node];
    }

    /// <summary>Lanes evaluated together: a chunk's columns stay in the L1 cache between operations.</summary>
    public const int ChunkLanes = 256;

    /// <summary>The fewest lanes a span operation is given. Measured with System.Numerics.Tensors 10.0:
    /// <c>Tanh</c> and <c>Exp</c> on 2–8 doubles took 0.5–2.6 µs a call, against ~40 ns on 16, so short runs
    /// are padded and a short last chunk is merged into the one before.</summary>
    public const int MinLanes = 32;

    /// <summary>Number of working columns a run needs (reused by liveness).</summary>
    public int ColumnCount { get; }

    /// <summary>Doubles of scratch a run over <paramref name="lanes"/> lanes needs.</summary>
    public int ScratchLength(int lanes) => ColumnCount * Math.Clamp(lanes, MinLanes, ChunkLanes + MinLanes);

    /// <summary>
    /// Evaluates <paramref name="lanes"/> lanes. Input <c>j</c> of lane <c>l</c> is
    /// <c>inputs[j * lanes + l]</c>; output <c>i</c> goes to <c>outputs[i * lanes + l]</c>.
    /// <paramref name="scratch"/> holds at least <see cref="ScratchLength"/> doubles.
    /// Every lane is computed by the same operations whatever its chunk, so a lane's result does not
    /// depend on how many lanes share the run.
    /// </summary>
    /// <exception cref="ArgumentException">When a span is shorter than <paramref name="lanes"/> lanes need.</exception>
    public void Run(ReadOnlySpan<double> inputs, Span<double> outputs, Span<double> scratch, int lanes)
    {
        if (inputs.Length < _inputCount * lanes || outputs.Length < _outputCount * lanes || scratch.Length < ScratchLength(lanes))
            throw new ArgumentException($"Expected {_inputCount}×{lanes} inputs, {_outputCount}×{lanes} outputs and {ScratchLength(lanes)} scratch.");
        if (lanes == 0) return;
        if (lanes < MinLanes)
        {
            RunPadded(inputs, outputs, scratch, lanes);
            return;
        }
        for (int start = 0; start < lanes;)
        {
            int count = lanes - start <= ChunkLanes + MinLanes ? lanes - start : ChunkLanes;
            RunChunk(inputs, outputs, scratch, lanes, start, count);
            start += count;
        }
    }

    // Few lanes: copied into MinLanes-wide columns (the rest zero), run, and the real lanes copied back.
    private void RunPadded(ReadOnlySpan<double> inputs, Span<double> outputs, Span<double> scratch, int lanes)
    {
        Span<double> paddedInputs = stackalloc double[_inputCount * MinLanes];
        Span<double> paddedOutputs = stackalloc double[_outputCount * MinLanes];
        paddedInputs.Clear();
        for (int j = 0; j < _inputCount; j++) inputs.Slice(j * lanes, lanes).CopyTo(paddedInputs.Slice(j * MinLanes));
        RunChunk(paddedInputs, paddedOutputs, scratch, MinLanes, 0, MinLanes);
        for (int i = 0; i < _outputCount; i++) paddedOutputs.Slice(i * MinLanes, lanes).CopyTo(outputs.Slice(i * lanes));
    }

    private void RunChunk(ReadOnlySpan<double> inputs, Span<double> outputs, Span<double> scratch, int stride, int start, int lanes)
    {
        foreach (ref readonly var s in _steps.AsSpan())
        {
            var t = scratch.Slice(s.Target * lanes, lanes);
            ReadOnlySpan<double> a = Col(scratch, s.A, lanes), b = Col(scratch, s.B, lanes);
            switch (s.Op)
            {
                case Op.Constant: t.Fill(s.K); break;
                case Op.Input: inputs.Slice((int)s.K * stride + start, lanes).CopyTo(t); break;
                case Op.Add: TensorPrimitives.Add(a, b, t); break;
                case Op.Sub: TensorPrimitives.Subtract(a, b, t); break;
                case Op.Mul: TensorPrimitives.Multiply(a, b, t); break;
                case Op.Div: TensorPrimitives.Divide(a, b, t); break;
                case Op.Neg: TensorPrimitives.Negate(a, t); break;
                case Op.Sqrt: TensorPrimitives.Sqrt(a, t); break;
                case Op.Abs: TensorPrimitives.Abs(a, t); break;
                case Op.Greater: Greater(a, b, t); break;
                case Op.Select: Select(a, b, Col(scratch, s.C, lanes), t); break;
                case var op when Elementwise.HasSpanForm(op): Elementwise.Apply(op, a, t); break;
                default: Scalar(s, a, b, Col(scratch, s.C, lanes), t); break;
            }
            foreach (int o in s.Outputs) t.CopyTo(outputs.Slice(o * stride + start, lanes));
        }
    }

    private static ReadOnlySpan<double> Col(Span<double> scratch, int slot, int lanes) =>
        slot < 0 ? default : scratch.Slice(slot * lanes, lanes);

    // Comparisons and selects (every ReLU-like activation and guarded rule has them) four lanes per
    // instruction through the SIMD batch code's own forms, the last lanes through the scalar ones.
    private static void Greater(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> t)
    {
        int l = 0;
        for (; l + 4 <= t.Length; l += 4)
            VectorOps256.Greater(Vector256.Create(a.Slice(l, 4)), Vector256.Create(b.Slice(l, 4))).CopyTo(t.Slice(l, 4));
        for (; l < t.Length; l++) t[l] = Primitives.Greater(a[l], b[l]);
    }

    private static void Select(ReadOnlySpan<double> condition, ReadOnlySpan<double> ifTrue, ReadOnlySpan<double> ifFalse, Span<double> t)
    {
        int l = 0;
        for (; l + 4 <= t.Length; l += 4)
            VectorOps256.Select(Vector256.Create(condition.Slice(l, 4)), Vector256.Create(ifTrue.Slice(l, 4)), Vector256.Create(ifFalse.Slice(l, 4))).CopyTo(t.Slice(l, 4));
        for (; l < t.Length; l++) t[l] = Primitives.Select(condition[l], ifTrue[l], ifFalse[l]);
    }

    // Powers, the inverse and hyperbolic functions...: the primitives' own value
    // functions, lane by lane, so these give the interpreter's bits.
    private static void Scalar(in Step s, ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> c, Span<double> t)
    {
        for (int l = 0; l < t.Length; l++)
            t[l] = Primitives.Evaluate(s.Op, a[l], b.IsEmpty ? 0 : b[l], c.IsEmpty ? 0 : c[l], s.K);
    }
}

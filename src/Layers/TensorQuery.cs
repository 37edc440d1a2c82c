using System.Numerics;
using System.Runtime.CompilerServices;
using TapeAD.Compiler;
using TapeAD.Runtime;

namespace TapeAD.Layers;

/// <summary>
/// A derivative query of a <see cref="TensorFunction"/>, computed node by node on matrices: the value,
/// the tangent directions and their second-order terms travel together as rows of one matrix per node,
/// so a product with a constant matrix is one <see cref="Gemm"/> call for all rows of a block of
/// inputs, and elementwise work is one pass. Reverse queries then send adjoint rows (and their
/// tangents) back through the same nodes. Preparing costs O(nodes); nothing is generated per weight.
/// </summary>
/// <remarks>
/// Bits: products use fused multiply-adds, so results differ from the scalar graph
/// (<see cref="CompiledFunction"/>) in the last bits (about 1e-12 relative at most). Within this
/// level a row's result does not depend on the batch size, the block it falls in or the number of
/// threads: <see cref="EvaluateBatch(ReadOnlySpan{double}, Span{double})"/> gives each row exactly the
/// bits of <see cref="Evaluate(ReadOnlySpan{double}, Span{double})"/>. Immutable and thread-safe; each
/// thread allocates its working memory once, after which calls allocate nothing.
/// </remarks>
public sealed partial class TensorQuery : ICompiledQuery, IBatchBlocks
{
    // Rows of a block's matrix: enough for the micro-kernel to stream, small enough for L2.
    private const int TargetBlockRows = 256;
    private const int MaxBlockInputs = 64;

    private readonly TensorGraph _graph;
    private readonly QueryKind _kind;
    private readonly int _d;
    private readonly int _m;
    private readonly int[] _shape;
    private readonly (int Node, int Column)[] _outputs;
    // Reverse: the outputs whose adjoints are seeded (all, or one for a gradient or one output's HVP).
    private readonly int[] _seeds;
    private readonly int _outputIndex;
    // Tangent rows: _oneHot unit directions, then (HVP) v read from the input row.
    private readonly int _tangents;
    private readonly int _oneHot;
    private readonly bool _tangentFromInput;
    // Tangent rows each adjoint group carries back (forward-over-reverse); none in the curvature modes.
    private readonly int _adjointTangents;
    // Second-order row k sums T_j ⊙ T_l over pairs _pairStart[k] .. _pairStart[k+1] (tangent indices, j and l interleaved).
    private readonly int[] _pairStart;
    private readonly int[] _pairTangents;
    private readonly int _rows;
    private readonly int _reverseRows;
    private readonly int _blockInputs;
    private readonly int _order;
    private readonly Step[] _steps;
    // The step computing each node, by node id; null for constants and dead nodes.
    private readonly Step?[] _stepOf;
    private readonly long _offU, _offD, _offCol, _offRow, _offScaled, _offTemp, _workspaceLength;
    // Forward queries: where each result entry comes from (PlanExtract).
    private readonly (int Output, long At, long Stride)[] _extract;
    private readonly (int Output, double Value)[] _extractConstants;

    [ThreadStatic] private static double[]? _workspace;

    internal TensorQuery(TensorFunction function, QueryKind kind, int outputIndex, string description)
    {
        _graph = function.Graph;
        _kind = kind;
        _d = function.InputLength;
        _m = function.OutputLength;
        Description = description;
        int d = _d, m = _m;
        _outputs = [.. function.Outputs.SelectMany(o => Enumerable.Range(0, _graph[o].Width).Select(c => (o, c)))];
        _outputIndex = outputIndex;
        _seeds = outputIndex >= 0 ? [outputIndex] : [.. Enumerable.Range(0, m)];
        var pairs = new List<(int J, int L)>[0];
        switch (kind)
        {
            case QueryKind.JacobianForward:
            case QueryKind.HessianReverse:
            case QueryKind.HessianCurvature:
            case QueryKind.SecondOrderJacobianCurvature:
                _oneHot = d;
                break;
            case QueryKind.HvpReverse:
                _tangentFromInput = true;
                break;
            case QueryKind.HessianForward:
                _oneHot = d;
                pairs = [.. from j in Enumerable.Range(0, d) from l in Enumerable.Range(j, d - j) select new List<(int, int)> { (j, l) }];
                break;
            case QueryKind.HvpForward:
                _oneHot = d;
                _tangentFromInput = true;
                pairs = [.. Enumerable.Range(0, d).Select(j => new List<(int, int)> { (j, d) })];
                break;
            case QueryKind.SecondOrderJacobian:
                _oneHot = d;
                pairs = [.. Enumerable.Range(0, d).Select(j => new List<(int, int)> { (j, j) })];
                break;
            case QueryKind.Laplacian:
                _oneHot = d;
                pairs = [[.. Enumerable.Range(0, d).Select(j => (j, j))]];
                break;
        }
        _tangents = _oneHot + (_tangentFromInput ? 1 : 0);
        _pairStart = new int[pairs.Length + 1];
        for (int k = 0; k < pairs.Length; k++) _pairStart[k + 1] = _pairStart[k] + pairs[k].Count;
        _pairTangents = [.. pairs.SelectMany(p => p).SelectMany(p => new[] { p.J, p.L })];
        _rows = 1 + _tangents + pairs.Length;
        _adjointTangents = kind.IsCurvature() ? 0 : _tangents;
        _reverseRows = kind.IsReverse() ? _seeds.Length * (1 + _adjointTangents) : 0;
        _order = pairs.Length > 0 || (kind.IsReverse() && _tangents > 0) ? 2 : _tangents > 0 || kind.IsReverse() ? 1 : 0;

        InputLength = _tangentFromInput ? 2 * d : d;
        _shape = kind switch
        {
            QueryKind.Value or QueryKind.Laplacian => [m],
            QueryKind.HessianForward or QueryKind.HessianReverse or QueryKind.HessianCurvature => [m, d, d],
            _ when outputIndex >= 0 => [d],
            _ => [m, d],
        };
        OutputLength = _shape.Aggregate(1, (a, b) => a * b);

        _blockInputs = BlockInputs(_rows, _reverseRows);
        (_steps, _stepOf) = Plan(function, out long buffers, out int widest, out int columns, out long temp);
        long lane = (long)_blockInputs * widest;
        _offU = buffers;
        _offD = _offU + lane;
        _offCol = _offD + 3 * lane;
        _offRow = _offCol + columns;
        // Two rows of scratch: σ″ ⊙ g for the reverse row updates, and the curvature's weights and scaled tangents.
        _offScaled = _offRow + widest;
        _offTemp = _offScaled + widest;
        _workspaceLength = _offTemp + temp;
        (_extract, _extractConstants) = PlanExtract();
        // Pack the weights now, in preparation, not in the first call (forward only where the forward pass runs the product).
        foreach (var s in _steps)
            if (s.Node.Payload is Matrix matrix)
            {
                if (s.RunsForward) _ = matrix.PackedWt;
                if (kind.IsReverse()) _ = matrix.PackedW;
            }
        MultiplyAddsPerInput = _steps.Where(s => s.Node.Payload is Matrix).Sum(s =>
            (long)s.Node.Width * ((Matrix)s.Node.Payload!).Inputs * ((s.RunsForward ? _rows : 0) + (s.UniformAdjoint ? 0 : _reverseRows)));
        Rows = (_rows, _reverseRows);
    }

    /// <inheritdoc/>
    public int InputLength { get; }

    /// <inheritdoc/>
    public int OutputLength { get; }

    /// <inheritdoc/>
    public IReadOnlyList<int> Shape => _shape;

    /// <inheritdoc/>
    public string Description { get; }

    /// <summary>Multiply-adds of matrix products one input costs (the rows propagated times the weights,
    /// leaving out products a reverse query skips or computes once per block), for reporting throughput: 2 flops each.</summary>
    public long MultiplyAddsPerInput { get; }

    /// <summary>Rows one input propagates forward (value, tangents, second-order) and back (adjoints and their tangents).</summary>
    public (int Forward, int Reverse) Rows { get; }

    /// <summary>Doubles of per-thread working memory.</summary>
    public long WorkspaceLength => _workspaceLength;

    /// <summary>
    /// Inputs per block: a multiple of what makes every block's row count a multiple of 8 (the
    /// micro-kernel's height, so no rows fall to the slower edge path), as many as fit in
    /// about <see cref="TargetBlockRows"/> rows.
    /// </summary>
    private static int BlockInputs(int forwardRows, int reverseRows)
    {
        int unit = Math.Max(Unit(forwardRows), reverseRows > 0 ? Unit(reverseRows) : 1);
        int rows = Math.Max(forwardRows, reverseRows);
        // Many rows per input (a full Hessian's): a few edge rows cost less than a block too big for L2.
        if (unit * rows > 2 * TargetBlockRows) unit = 1;
        return Math.Min(MaxBlockInputs, Math.Max(unit, TargetBlockRows / rows / unit * unit));

        // The fewest inputs whose rows make a multiple of 8: 8 / gcd(8, rows).
        static int Unit(int rows) => 8 >> Math.Min(3, BitOperations.TrailingZeroCount(rows));
    }

    /// <inheritdoc/>
    public unsafe void Evaluate(ReadOnlySpan<double> x, Span<double> result)
    {
        if (x.Length != InputLength || result.Length != OutputLength)
            CallShape.Check(Description, InputLength, OutputLength, x.Length, result.Length);
        fixed (double* xp = x)
        fixed (double* yp = result)
            Run(xp, yp, 1);
    }

    /// <summary>Evaluates the query at <paramref name="x"/> and returns a new array of results.</summary>
    public double[] Evaluate(ReadOnlySpan<double> x)
    {
        var result = new double[OutputLength];
        Evaluate(x, result);
        return result;
    }

    /// <inheritdoc/>
    public void EvaluateBatch(ReadOnlySpan<double> inputs, Span<double> results) =>
        EvaluateBatch(inputs, results, CallShape.DefaultThreads);

    /// <inheritdoc/>
    public void EvaluateBatch(ReadOnlySpan<double> inputs, Span<double> results, int maxThreads) =>
        CallShape.RunBatch(this, Description, inputs, results, InputLength, OutputLength, _blockInputs, maxThreads);

    unsafe void IBatchBlocks.RunBlock(in BatchSpan batch, int block)
    {
        int first = block * _blockInputs;
        int count = Math.Min(_blockInputs, batch.Rows - first);
        Run(batch.Inputs + (long)first * InputLength, batch.Results + (long)first * OutputLength, count);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Description}: {InputLength} inputs -> [{string.Join(", ", _shape)}], rows {_rows} forward, {_reverseRows} back, {MultiplyAddsPerInput} multiply-adds per input";

    private unsafe void Run(double* x, double* y, int count)
    {
        var workspace = _workspace;
        if (workspace == null || workspace.Length < _workspaceLength)
            _workspace = workspace = GC.AllocateUninitializedArray<double>(checked((int)Math.Max(_workspaceLength, 1)), pinned: true);
        double* ws = (double*)Unsafe.AsPointer(ref workspace[0]);
        RunForward(x, count, ws);
        if (_kind.IsReverse()) RunReverse(y, count, ws);
        else Extract(y, count, ws);
    }
}

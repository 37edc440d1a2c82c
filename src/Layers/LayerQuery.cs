using System.Numerics;
using System.Runtime.CompilerServices;
using TapeAD.Compiler;

namespace TapeAD.Layers;

/// <summary>
/// A derivative query of a chain of dense layers, computed a layer at a time on matrices: the value,
/// the tangent directions and their second-order terms travel together as rows of one matrix, so a
/// layer is one matrix product (<see cref="Gemm"/>) plus elementwise work, and a batch of inputs
/// stacks its rows into the same product. Preparing costs O(layers); nothing is generated per weight.
/// </summary>
/// <remarks>
/// Bits: the products use fused multiply-adds and the activations <c>TensorPrimitives</c>, so results
/// differ from the scalar-graph path (<see cref="CompiledFunction"/>) in the last bits (about 1e-12
/// relative at most). Within this path a row's result does not depend on the batch size, the block it
/// falls in or the number of threads: <see cref="EvaluateBatch(ReadOnlySpan{double}, Span{double})"/> gives
/// each row exactly the bits of <see cref="Evaluate(ReadOnlySpan{double}, Span{double})"/> (the products
/// are one fused chain per element whatever kernel computes them, and every elementwise step treats each
/// element alike). Immutable and thread-safe; each thread allocates its working
/// buffer once, after which calls allocate nothing.
/// </remarks>
public sealed partial class LayerQuery : ICompiledQuery, IBatchBlocks
{
    // Rows of a block's matrix: enough for the micro-kernel to stream, small enough for L2.
    private const int TargetBlockRows = 256;
    private const int MaxBlockInputs = 64;

    private readonly LayerStep[] _steps;
    private readonly QueryKind _kind;
    private readonly int _d;
    private readonly int _m;
    private readonly int[] _shape;
    // Tangent rows: _oneHot unit directions, then (HVP) v read from the input row.
    private readonly int _tangents;
    private readonly int _oneHot;
    private readonly bool _tangentFromInput;
    // Second-order rows: row k sums T_j ⊙ T_l over the pairs _pairStart[k] .. _pairStart[k+1]; per step,
    // _pairOffsets holds each pair's two tangent rows as element offsets in an input's block (j, l interleaved).
    private readonly int[] _pairStart;
    private readonly nint[][] _pairOffsets;
    private readonly int _forwardRows;
    private readonly int _reverseRows;
    private readonly int _blockInputs;
    private readonly int _widest;
    private readonly int _columns;
    private readonly long[] _storeOffset;
    private readonly long _offA, _offB, _offU, _offD, _offCol, _offRow, _workspaceLength;

    [ThreadStatic] private static double[]? _workspace;

    internal LayerQuery(LayerStep[] steps, QueryKind kind, string description)
    {
        _steps = steps;
        _kind = kind;
        _d = steps[0].In;
        _m = steps[^1].Out;
        Description = description;
        int d = _d, m = _m;
        var pairs = new List<(int J, int L)>[0];
        switch (kind)
        {
            case QueryKind.Value:
            case QueryKind.JacobianReverse:
                break;
            case QueryKind.JacobianForward:
            case QueryKind.HessianReverse:
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
        _pairOffsets = [.. steps.Select(s => pairs.SelectMany(p => p).SelectMany(p => new[] { (nint)(1 + p.J) * s.Out, (nint)(1 + p.L) * s.Out }).ToArray())];
        _forwardRows = 1 + _tangents + pairs.Length;
        _reverseRows = IsReverse ? m * (1 + _tangents) : 0;

        InputLength = _tangentFromInput ? 2 * d : d;
        _shape = kind switch
        {
            QueryKind.Value or QueryKind.Laplacian => [m],
            QueryKind.HessianForward or QueryKind.HessianReverse => [m, d, d],
            _ => [m, d],
        };
        OutputLength = _shape.Aggregate(1, (a, b) => a * b);

        long weights = steps.Sum(s => (long)s.In * s.Out);
        MultiplyAddsPerInput = weights * (_forwardRows + _reverseRows);

        // Working memory of one block, carved from one per-thread array.
        int rows = Math.Max(_forwardRows, _reverseRows);
        _widest = Math.Max(d, steps.Max(s => s.Out));
        _blockInputs = BlockInputs(_forwardRows, _reverseRows);
        _columns = steps.Max(s => s.Activation?.ScratchLength(_blockInputs * _widest) ?? 0);
        long lane = (long)_blockInputs * _widest;
        _offA = 0;
        _offB = _offA + lane * rows;
        _offU = _offB + lane * rows;
        _offD = _offU + lane;
        _offCol = _offD + 3 * lane;
        _offRow = _offCol + _columns;
        long end = _offRow + _widest;
        _storeOffset = new long[steps.Length];
        for (int s = 0; s < steps.Length; s++)
        {
            _storeOffset[s] = end;
            if (IsReverse && steps[s].Activation != null) end += (long)_blockInputs * steps[s].Out * (2 + _tangents);
        }
        _workspaceLength = end;
    }

    /// <inheritdoc/>
    public int InputLength { get; }

    /// <inheritdoc/>
    public int OutputLength { get; }

    /// <inheritdoc/>
    public IReadOnlyList<int> Shape => _shape;

    /// <inheritdoc/>
    public string Description { get; }

    /// <summary>Multiply-adds of layer products one input costs (the rows propagated times the weights),
    /// for reporting throughput: 2 flops each.</summary>
    public long MultiplyAddsPerInput { get; }

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

    private bool IsReverse => _kind is QueryKind.JacobianReverse or QueryKind.HessianReverse or QueryKind.HvpReverse;

    /// <inheritdoc/>
    public unsafe void Evaluate(ReadOnlySpan<double> x, Span<double> result)
    {
        if (x.Length != InputLength)
            throw new ArgumentException($"{Description}: expected {InputLength} inputs, got {x.Length}.", nameof(x));
        if (result.Length != OutputLength)
            throw new ArgumentException($"{Description}: expected a result span of length {OutputLength}, got {result.Length}.", nameof(result));
        fixed (double* xp = x)
        fixed (double* yp = result)
            Run(xp, yp, 1);
    }

    /// <summary>Evaluates the function at <paramref name="x"/> and returns a new array of results.</summary>
    public double[] Evaluate(ReadOnlySpan<double> x)
    {
        var result = new double[OutputLength];
        Evaluate(x, result);
        return result;
    }

    /// <inheritdoc/>
    public void EvaluateBatch(ReadOnlySpan<double> inputs, Span<double> results) =>
        EvaluateBatch(inputs, results, BatchWorkers.DefaultThreads);

    /// <inheritdoc/>
    public unsafe void EvaluateBatch(ReadOnlySpan<double> inputs, Span<double> results, int maxThreads)
    {
        int rows = BatchShape.Rows(Description, inputs.Length, results.Length, InputLength, OutputLength);
        if (inputs.Overlaps(results)) throw new ArgumentException($"{Description}: the batch's inputs and results must not overlap.", nameof(results));
        if (rows == 0) return;
        fixed (double* x = inputs)
        fixed (double* y = results)
            BatchWorkers.Run(this, new BatchSpan(x, y, rows), (rows + _blockInputs - 1) / _blockInputs, maxThreads);
    }

    unsafe void IBatchBlocks.RunBlock(in BatchSpan batch, int block)
    {
        int first = block * _blockInputs;
        int count = Math.Min(_blockInputs, batch.Rows - first);
        Run(batch.Inputs + (long)first * InputLength, batch.Results + (long)first * OutputLength, count);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Description}: {InputLength} inputs -> [{string.Join(", ", _shape)}], {MultiplyAddsPerInput} multiply-adds per input";

    private unsafe void Run(double* x, double* y, int count)
    {
        var workspace = _workspace;
        if (workspace == null || workspace.Length < _workspaceLength)
            _workspace = workspace = GC.AllocateUninitializedArray<double>(checked((int)_workspaceLength), pinned: true);
        double* ws = (double*)Unsafe.AsPointer(ref workspace[0]);
        if (IsReverse) RunReverse(x, y, count, ws);
        else RunForward(x, y, count, ws);
    }
}

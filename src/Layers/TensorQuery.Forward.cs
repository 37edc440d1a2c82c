using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace TapeAD.Layers;

// Forward propagation of value, tangent and second-order rows through every node. Per input, a node's
// rows are value v, tangents T_t and second-order rows S_k, each as wide as the node:
//   matmul   all rows times W (one product for the block);
//   add/sub  rows add; a constant touches the value row only;
//   mul      v = ab, T_t = a_t b + a b_t, S_k = a_k b + a b_k + Σ_pairs (a_j b_l + a_l b_j);
//   div      v = a/b, T_t = (a_t − v b_t)/b, S_k = (a_k − v b_k − Σ_pairs (v_j b_l + v_l b_j))/b;
//   map      v = σ(u), T_t = σ′ T_t, S_k = σ′ S_k + σ″ Σ_pairs T_j T_l;
//   concat, take, sum: the same linear map on every row.
public sealed partial class TensorQuery
{
    private unsafe void RunForward(double* x, int count, double* ws)
    {
        foreach (var s in _steps)
        {
            if (s.Folded || !s.RunsForward) continue;
            double* dst = ws + s.Forward;
            var node = s.Node;
            int w = node.Width;
            switch (node.Op)
            {
                case TensorOp.Input:
                    SeedInput(x, count, ((InputSlice)node.Payload!).Offset, w, dst);
                    break;
                case TensorOp.MatMul:
                {
                    var m = (Matrix)node.Payload!;
                    fixed (double* wt = m.Wt)
                    fixed (double* packed = m.PackedWt)
                        Gemm.Multiply(ws + _stepOf[node.Operands[0]]!.Forward, wt, packed, dst, count * _rows * (w / m.Outputs), m.Inputs, m.Outputs);
                    break;
                }
                case TensorOp.Map:
                    Activate(s, count, ws);
                    break;
                case TensorOp.Add:
                case TensorOp.Sub:
                    AddRows(node, count, ws, dst);
                    break;
                case TensorOp.Mul:
                    MulRows(node, count, ws, dst);
                    break;
                case TensorOp.Div:
                    DivRows(node, count, ws, dst);
                    break;
                case TensorOp.Concat:
                {
                    int at = 0;
                    foreach (int part in node.Operands)
                    {
                        int pw = _graph[part].Width;
                        for (long r = 0; r < (long)count * _rows; r++)
                        {
                            var target = new Span<double>(dst + r * w + at, pw);
                            if (RowsOf(part, ws) is var src && src != null) new ReadOnlySpan<double>(src + r * pw, pw).CopyTo(target);
                            else if (r % _rows == 0) _graph.Values(part).CopyTo(target);
                            else target.Clear();
                        }
                        at += pw;
                    }
                    break;
                }
                case TensorOp.Take:
                {
                    var indices = ((TakeIndices)node.Payload!).Indices;
                    double* src = RowsOf(node.Operands[0], ws);
                    int sw = _graph[node.Operands[0]].Width;
                    for (long r = 0; r < (long)count * _rows; r++)
                    {
                        double* from = src + r * sw, to = dst + r * w;
                        for (int c = 0; c < w; c++) to[c] = from[indices[c]];
                    }
                    break;
                }
                case TensorOp.Sum:
                {
                    int length = ((SumSegment)node.Payload!).Length;
                    double* src = RowsOf(node.Operands[0], ws);
                    for (long r = 0; r < (long)count * _rows; r++)
                    {
                        double* from = src + r * w * length, to = dst + r * w;
                        for (int c = 0; c < w; c++)
                        {
                            double sum = from[c * length];
                            for (int j = 1; j < length; j++) sum += from[c * length + j];
                            to[c] = sum;
                        }
                    }
                    break;
                }
                default:
                    throw new InvalidOperationException($"No forward rule for {node.Op}.");
            }
        }
    }

    /// <summary>The forward rows of a computed node; null for a constant (its value is the graph's, its derivatives zero).</summary>
    private unsafe double* RowsOf(int node, double* ws) => _stepOf[node] is { } s ? ws + s.Forward : null;

    // Value x[offset ..], one-hot tangents for the inputs in range, v (HVP) from the second half of the row, zero second-order rows.
    private unsafe void SeedInput(double* x, int count, int offset, int w, double* dst)
    {
        new Span<double>(dst, count * _rows * w).Clear();
        for (int b = 0; b < count; b++)
        {
            double* input = x + (long)b * InputLength;
            double* block = dst + (long)b * _rows * w;
            new ReadOnlySpan<double>(input + offset, w).CopyTo(new Span<double>(block, w));
            for (int c = 0; c < w && offset + c < _oneHot; c++) block[(1 + offset + c) * w + c] = 1.0;
            if (_tangentFromInput) new ReadOnlySpan<double>(input + _d + offset, w).CopyTo(new Span<double>(block + (1 + _oneHot) * w, w));
        }
    }

    private unsafe void AddRows(TensorNode node, int count, double* ws, double* dst)
    {
        int a = node.Operands[0], b = node.Operands[1], w = node.Width;
        double* pa = RowsOf(a, ws), pb = RowsOf(b, ws);
        long all = (long)count * _rows * w;
        bool sub = node.Op == TensorOp.Sub;
        if (pa != null && pb != null)
        {
            for (long i = 0; i < all; i += int.MaxValue / 2)
            {
                int n = (int)Math.Min(all - i, int.MaxValue / 2);
                if (sub) TensorPrimitives.Subtract(new ReadOnlySpan<double>(pa + i, n), new ReadOnlySpan<double>(pb + i, n), new Span<double>(dst + i, n));
                else TensorPrimitives.Add(new ReadOnlySpan<double>(pa + i, n), new ReadOnlySpan<double>(pb + i, n), new Span<double>(dst + i, n));
            }
            return;
        }
        // One operand constant: its value joins the value row; the other rows are the computed operand's (negated for c − x).
        bool constantFirst = pa == null;
        double* rows = constantFirst ? pb : pa;
        double[] c = _graph.Values(constantFirst ? a : b);
        fixed (double* k = c)
            for (int blk = 0; blk < count; blk++)
            {
                double* from = rows + (long)blk * _rows * w, to = dst + (long)blk * _rows * w;
                if (!sub) AddBias(from, k, to, w);
                else if (constantFirst) Subtract(k, from, to, w);
                else Subtract(from, k, to, w);
                if (_rows == 1) continue;
                var rest = new ReadOnlySpan<double>(from + w, (_rows - 1) * w);
                if (sub && constantFirst) TensorPrimitives.Negate(rest, new Span<double>(to + w, (_rows - 1) * w));
                else rest.CopyTo(new Span<double>(to + w, (_rows - 1) * w));
            }
    }

    // y = a − b over one row, four entries per instruction (a library call per input's row cost more).
    private static unsafe void Subtract(double* a, double* b, double* y, int w)
    {
        int i = 0;
        for (; i + 4 <= w; i += 4) (Vector256.Load(a + i) - Vector256.Load(b + i)).Store(y + i);
        for (; i < w; i++) y[i] = a[i] - b[i];
    }

    private unsafe void MulRows(TensorNode node, int count, double* ws, double* dst)
    {
        int a = node.Operands[0], b = node.Operands[1], w = node.Width;
        double* pa = RowsOf(a, ws), pb = RowsOf(b, ws);
        if (pa == null || pb == null)
        {
            // A constant factor scales every row.
            double[] c = _graph.Values(pa == null ? a : b);
            double* rows = pa == null ? pb : pa;
            for (long r = 0; r < (long)count * _rows; r++)
                TensorPrimitives.Multiply(new ReadOnlySpan<double>(rows + r * w, w), c, new Span<double>(dst + r * w, w));
            return;
        }
        int second = _rows - 1 - _tangents;
        fixed (int* start = _pairStart)
        fixed (int* pairs = _pairTangents)
            for (int blk = 0; blk < count; blk++)
            {
                double* A = pa + (long)blk * _rows * w, B = pb + (long)blk * _rows * w, Y = dst + (long)blk * _rows * w;
                for (int c = 0; c < w; c++)
                {
                    double av = A[c], bv = B[c];
                    for (int k = 0; k < second; k++)
                    {
                        long row = (1 + _tangents + k) * (long)w + c;
                        double s = Math.FusedMultiplyAdd(A[row], bv, av * B[row]);
                        for (int p = start[k]; p < start[k + 1]; p++)
                        {
                            long j = (1 + pairs[2 * p]) * (long)w + c, l = (1 + pairs[2 * p + 1]) * (long)w + c;
                            s = Math.FusedMultiplyAdd(A[j], B[l], s);
                            s = Math.FusedMultiplyAdd(A[l], B[j], s);
                        }
                        Y[row] = s;
                    }
                    for (int t = 0; t < _tangents; t++)
                    {
                        long row = (1 + t) * (long)w + c;
                        Y[row] = Math.FusedMultiplyAdd(A[row], bv, av * B[row]);
                    }
                    Y[c] = av * bv;
                }
            }
    }

    private unsafe void DivRows(TensorNode node, int count, double* ws, double* dst)
    {
        int a = node.Operands[0], b = node.Operands[1], w = node.Width;
        double* pa = RowsOf(a, ws), pb = RowsOf(b, ws);
        double[]? ca = pa == null ? _graph.Values(a) : null, cb = pb == null ? _graph.Values(b) : null;
        int second = _rows - 1 - _tangents;
        fixed (int* start = _pairStart)
        fixed (int* pairs = _pairTangents)
            for (int blk = 0; blk < count; blk++)
            {
                long at = (long)blk * _rows * w;
                double* A = pa == null ? null : pa + at, B = pb == null ? null : pb + at, Y = dst + at;
                for (int c = 0; c < w; c++)
                {
                    double av = A == null ? ca![c] : A[c], bv = B == null ? cb![c] : B[c];
                    double v = av / bv;
                    Y[c] = v;
                    // Tangents first: the second-order rows read the result's tangents.
                    for (int t = 0; t < _tangents; t++)
                    {
                        long row = (1 + t) * (long)w + c;
                        double num = A == null ? 0 : A[row];
                        if (B != null) num = Math.FusedMultiplyAdd(-v, B[row], num);
                        Y[row] = num / bv;
                    }
                    for (int k = 0; k < second; k++)
                    {
                        long row = (1 + _tangents + k) * (long)w + c;
                        double num = A == null ? 0 : A[row];
                        if (B != null)
                        {
                            num = Math.FusedMultiplyAdd(-v, B[row], num);
                            for (int p = start[k]; p < start[k + 1]; p++)
                            {
                                long j = (1 + pairs[2 * p]) * (long)w + c, l = (1 + pairs[2 * p + 1]) * (long)w + c;
                                num = Math.FusedMultiplyAdd(-Y[j], B[l], num);
                                num = Math.FusedMultiplyAdd(-Y[l], B[j], num);
                            }
                        }
                        Y[row] = num / bv;
                    }
                }
            }
    }

    // A map with a kernel runs it and its row updates in one pass (MapRows), reading u = source value row
    // (+ bias) where it lies. Any other map's u goes into one column for the column program, which writes
    // σ, σ′, σ″; the row updates then turn the source's rows into the map's. Either way in place when nothing
    // else reads the source's rows; a reverse query keeps σ′, σ″ (and the tangents, when they are overwritten).
    // A value query's block is its value rows only, so σ goes straight into it.
    private unsafe void Activate(Step s, int count, double* ws)
    {
        int w = s.Node.Width, lanes = count * w;
        long stride = (long)_rows * w;
        double* src = ws + _stepOf[s.Source]!.Forward, dst = ws + s.Forward;
        if (s.Program!.Fused)
        {
            long part = (long)_blockInputs * w;
            double* kept = s.Store >= 0 ? ws + s.Store : null;
            // σ′ and σ″ where a reverse query keeps them, else in the derivatives' scratch.
            fixed (double* bias = s.Bias)
            fixed (nint* second = s.SecondOrderRows)
                s.Program.Forward(new MapRowsCall
                {
                    Source = src, Target = dst, Bias = bias, Count = count, Stride = stride, Width = w, Tangents = _tangents,
                    SecondOrder = second, SecondOrderLength = s.SecondOrderRows!.Length, Derivatives = _order > 0,
                    First = kept != null ? kept : ws + _offD, Second = kept != null && _order == 2 ? kept + part : ws + _offD + part,
                    KeptTangents = kept != null && s.InPlace ? kept + 2 * part : null,
                });
            return;
        }
        double* u = ws + _offU;
        fixed (double* bias = s.Bias)
            for (int b = 0; b < count; b++) AddBias(src + b * stride, bias, u + (long)b * w, w);
        // One row per input: σ goes straight into the rows, and σ′ into the store when it follows them.
        bool direct = _rows == 1 && (s.Store < 0 || s.StoreFollows && count == _blockInputs);
        double* derivatives = direct ? dst : ws + _offD;
        s.Program.Run(new ReadOnlySpan<double>(u, lanes), new Span<double>(derivatives, direct ? (_order + 1) * lanes : 3 * lanes), new Span<double>(ws + _offCol, (int)(_offRow - _offCol)), lanes);
        if (direct) return;
        long store = (long)_blockInputs * w;
        for (int b = 0; b < count; b++)
        {
            double* block = dst + b * stride;
            if (!s.InPlace)
                new ReadOnlySpan<double>(src + b * stride + w, (_rows - 1) * w).CopyTo(new Span<double>(block + w, (_rows - 1) * w));
            if (s.Store >= 0)
            {
                double* kept = ws + s.Store, first = derivatives + lanes + (long)b * w;
                new ReadOnlySpan<double>(first, w).CopyTo(new Span<double>(kept + (long)b * w, w));
                if (_order == 2) new ReadOnlySpan<double>(first + lanes, w).CopyTo(new Span<double>(kept + store + (long)b * w, w));
                if (s.InPlace) new ReadOnlySpan<double>(block + w, _tangents * w).CopyTo(new Span<double>(kept + 2 * store + (long)b * _tangents * w, _tangents * w));
            }
            if (_tangents == 0) new ReadOnlySpan<double>(derivatives + (long)b * w, w).CopyTo(new Span<double>(block, w));
        }
        if (_tangents > 0)
            RowUpdates.Forward(dst, count, stride, w, derivatives, derivatives + lanes, derivatives + 2 * lanes, _tangents, _pairStart, s.PairOffsets!);
    }

    // u = value (+ bias), four entries per instruction: a 16-wide row is too short for a library call.
    private static unsafe void AddBias(double* value, double* bias, double* u, int w)
    {
        int c = 0;
        if (bias == null)
        {
            new ReadOnlySpan<double>(value, w).CopyTo(new Span<double>(u, w));
            return;
        }
        for (; c + 4 <= w; c += 4) (Vector256.Load(value + c) + Vector256.Load(bias + c)).Store(u + c);
        for (; c < w; c++) u[c] = value[c] + bias[c];
    }

    // Forward queries: each result entry is one entry of an output node's rows (a fixed offset from
    // the input's block), or a constant output's value or zero derivative: planned once as two tables, so a
    // block's results are a plain gather (a switch per output and input, and the Hessian's
    // index arithmetic, had cost a Hessian a fifteenth of its time).
    private ((int Output, long At, long Stride)[] Computed, (int Output, double Value)[] Constants) PlanExtract()
    {
        var computed = new List<(int, long, long)>();
        var constants = new List<(int, double)>();
        if (_kind.IsReverse()) return ([], []);
        int d = _d;
        for (int i = 0; i < _m; i++)
        {
            if (_outputIndex >= 0 && i != _outputIndex) continue;
            var (node, c) = _outputs[i];
            int w = _graph[node].Width, o = _outputIndex >= 0 ? 0 : i;
            var step = _stepOf[node];
            // Result entry `at` is entry c of row r of the output, or the constant's value (row 0) or a zero derivative.
            void Row(int at, int r)
            {
                if (step != null) computed.Add((at, step.Forward + (long)r * w + c, (long)_rows * w));
                else constants.Add((at, r == 0 ? _graph.Values(node)[c] : 0.0));
            }
            switch (_kind)
            {
                case QueryKind.Value:
                    Row(i, 0);
                    break;
                case QueryKind.JacobianForward:
                    for (int j = 0; j < d; j++) Row(o * d + j, 1 + j);
                    break;
                case QueryKind.HessianForward:
                    for (int j = 0, k = 0; j < d; j++)
                        for (int l = j; l < d; l++, k++)
                        {
                            Row((i * d + j) * d + l, 1 + _tangents + k);
                            if (l != j) Row((i * d + l) * d + j, 1 + _tangents + k);
                        }
                    break;
                case QueryKind.HvpForward:
                case QueryKind.SecondOrderJacobian:
                    for (int j = 0; j < d; j++) Row(o * d + j, 1 + _tangents + j);
                    break;
                case QueryKind.Laplacian:
                    Row(i, 1 + _tangents);
                    break;
            }
        }
        return ([.. computed], [.. constants]);
    }

    // Entry by entry, every input of the block: the table is read once per block, not once per input.
    private unsafe void Extract(double* y, int count, double* ws)
    {
        int length = OutputLength;
        foreach (var (o, at, stride) in _extract)
        {
            double* from = ws + at, to = y + o;
            for (int b = 0; b < count; b++, from += stride, to += length) *to = *from;
        }
        foreach (var (o, value) in _extractConstants)
            for (int b = 0; b < count; b++) y[(long)b * length + o] = value;
    }
}

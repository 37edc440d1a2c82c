using System.Numerics.Tensors;

namespace TapeAD.Layers;

// The sweep back for Jacobians, gradients, Hessians and Hessian-vector products: each seeded output
// has an adjoint row g and, when tangents went forward, their tangents ġ_t (a group of 1 + T rows).
// Back through each node, contributions to its operands are written (the first) or added:
//   matmul   every row times W;
//   add/sub  rows pass (negated for the subtrahend);
//   mul      a gets g·b, ġ_t·b + g·b_t (and b likewise); a constant factor scales every row;
//   div      q = g/b, q_t = (ġ_t − q·b_t)/b; a gets q, q_t; b gets −q·v, −(q_t·v + q·v_t);
//   map      g_u = σ′ g, ġ_u = σ′ ġ + σ″ T_u g;
//   concat, take, sum: the transposed linear map (split, scatter-add, broadcast).
// The curvature modes send only g back; each map, product and quotient adds its curvature (see Curvature)
// into the result as g passes it.
public sealed partial class TensorQuery
{
    private unsafe void RunReverse(double* y, int count, double* ws)
    {
        int per = 1 + _adjointTangents, rr = _reverseRows;
        new Span<double>(y, count * OutputLength).Clear();
        // Seeds: group g of every input starts as e_(output g) in the output node's adjoint.
        foreach (var s in _steps)
            if (s.IsOutput) new Span<double>(ws + s.Adjoint, (int)RowsSize(s.Node.Width, rr)).Clear();
        for (int g = 0; g < _seeds.Length; g++)
        {
            var (node, c) = _outputs[_seeds[g]];
            if (_stepOf[node] is not { } s) continue;
            int w = s.Node.Width;
            for (int b = 0; b < count; b++) ws[s.Adjoint + ((long)b * rr + (long)g * per) * w + c] += 1.0;
        }
        for (int i = _steps.Length - 1; i >= 0; i--)
        {
            var s = _steps[i];
            if (s.Folded || s.Adjoint < 0) continue;
            double* adj = ws + s.Adjoint;
            var node = s.Node;
            int w = node.Width;
            long all = (long)count * rr * w;
            switch (node.Op)
            {
                case TensorOp.Input:
                    if (!_kind.IsCurvature()) ExtractInput(s, y, count, adj);
                    break;
                case TensorOp.MatMul:
                {
                    var m = (Matrix)node.Payload!;
                    var to = _stepOf[node.Operands[0]]!;
                    bool first = s.FirstContribution[0];
                    double* target = first ? ws + to.Adjoint : ws + _offTemp;
                    // Rows the same for every input: one input's product, copied (the same chains, so the same bits).
                    int inputs = s.UniformAdjoint ? Math.Min(1, count) : count;
                    fixed (double* weights = m.W)
                    fixed (double* packed = m.PackedW)
                        Gemm.Multiply(adj, weights, packed, target, inputs * rr * (w / m.Outputs), m.Outputs, m.Inputs);
                    long block = (long)rr * to.Node.Width;
                    for (int b = inputs; b < count; b++)
                        new ReadOnlySpan<double>(target, (int)block).CopyTo(new Span<double>(target + b * block, (int)block));
                    if (!first) Accumulate(ws + to.Adjoint, target, (long)count * rr * to.Node.Width);
                    break;
                }
                case TensorOp.Add:
                case TensorOp.Sub:
                    for (int k = 0; k < 2; k++)
                        if (_stepOf[node.Operands[k]] is { } to)
                            Contribute(ws + to.Adjoint, adj, all, s.FirstContribution[k], negate: k == 1 && node.Op == TensorOp.Sub);
                    break;
                case TensorOp.Mul:
                    MulBack(s, count, ws, adj, y);
                    break;
                case TensorOp.Div:
                    DivBack(s, count, ws, adj, y);
                    break;
                case TensorOp.Map:
                    MapBack(s, count, ws, adj, y);
                    break;
                case TensorOp.Concat:
                {
                    int at = 0;
                    for (int k = 0; k < node.Operands.Count; k++)
                    {
                        int part = node.Operands[k], pw = _graph[part].Width;
                        if (_stepOf[part] is { } to)
                        {
                            double* target = ws + to.Adjoint;
                            bool first = s.FirstContribution[k];
                            for (long r = 0; r < (long)count * rr; r++)
                            {
                                var from = new ReadOnlySpan<double>(adj + r * w + at, pw);
                                var into = new Span<double>(target + r * pw, pw);
                                if (first) from.CopyTo(into);
                                else TensorPrimitives.Add(into, from, into);
                            }
                        }
                        at += pw;
                    }
                    break;
                }
                case TensorOp.Take:
                {
                    if (_stepOf[node.Operands[0]] is not { } to) break;
                    var indices = ((TakeIndices)node.Payload!).Indices;
                    int sw = to.Node.Width;
                    double* target = ws + to.Adjoint;
                    if (s.FirstContribution[0]) new Span<double>(target, (int)((long)count * rr * sw)).Clear();
                    for (long r = 0; r < (long)count * rr; r++)
                    {
                        double* from = adj + r * w, into = target + r * sw;
                        for (int c = 0; c < w; c++) into[indices[c]] += from[c];
                    }
                    break;
                }
                case TensorOp.Sum:
                {
                    if (_stepOf[node.Operands[0]] is not { } to) break;
                    int length = ((SumSegment)node.Payload!).Length;
                    double* target = ws + to.Adjoint;
                    bool first = s.FirstContribution[0];
                    for (long r = 0; r < (long)count * rr; r++)
                    {
                        double* from = adj + r * w, into = target + r * w * length;
                        for (int c = 0; c < w; c++)
                            for (int j = 0; j < length; j++)
                                into[c * length + j] = first ? from[c] : into[c * length + j] + from[c];
                    }
                    break;
                }
                default:
                    throw new InvalidOperationException($"No reverse rule for {node.Op}.");
            }
        }
        if (_kind == QueryKind.HessianCurvature)
            for (int b = 0; b < count; b++)
                for (int g = 0; g < _seeds.Length; g++)
                    Curvature.Mirror(y + (long)b * OutputLength + (long)g * _d * _d, _d);
    }

    // Curvature modes: adds Σ_c weights_c · (P[·,c] P[·,c]ᵀ, or P Qᵀ + Q Pᵀ when q is given) to input b's Hessian
    // (or its diagonal) of seeded output g. P and Q are d tangent rows of width w.
    private unsafe void AddCurvature(double* y, int b, int g, double* weights, double* p, double* q, int w, double* ws)
    {
        int d = _d;
        double* scaled = ws + _offScaled;
        if (_kind == QueryKind.HessianCurvature)
        {
            double* h = y + (long)b * OutputLength + (long)g * d * d;
            if (q == null) Curvature.AddSquare(h, d, p, weights, w, scaled);
            else Curvature.AddCross(h, d, p, q, weights, w, scaled);
        }
        else
        {
            double* diag = y + (long)b * OutputLength + (long)g * d;
            if (q == null) Curvature.AddSquareDiagonal(diag, d, p, weights, w, scaled);
            else Curvature.AddCrossDiagonal(diag, d, p, q, weights, w, scaled);
        }
    }

    private static unsafe void Contribute(double* target, double* from, long n, bool first, bool negate)
    {
        for (long i = 0; i < n; i += int.MaxValue / 2)
        {
            int len = (int)Math.Min(n - i, int.MaxValue / 2);
            var src = new ReadOnlySpan<double>(from + i, len);
            var dst = new Span<double>(target + i, len);
            if (first && negate) TensorPrimitives.Negate(src, dst);
            else if (first) src.CopyTo(dst);
            else if (negate) TensorPrimitives.Subtract(dst, src, dst);
            else TensorPrimitives.Add(dst, src, dst);
        }
    }

    private static unsafe void Accumulate(double* target, double* from, long n) => Contribute(target, from, n, first: false, negate: false);

    // g_u = σ′ g and ġ_u = σ′ ġ + σ″ T_u g, group by group, in the source's adjoint (the map's own when it is the source's only reader).
    private unsafe void MapBack(Step s, int count, double* ws, double* adj, double* y)
    {
        var to = _stepOf[s.Source]!;
        int w = s.Node.Width, per = 1 + _adjointTangents, rr = _reverseRows;
        bool curvature = _kind.IsCurvature();
        double* weights = ws + _offRow;
        double* target = s.AdjointInPlace ? adj : ws + _offTemp;
        long all = (long)count * rr * w;
        if (!s.AdjointInPlace) new ReadOnlySpan<double>(adj, (int)all).CopyTo(new Span<double>(target, (int)all));
        long stride = (long)_blockInputs * w;
        double* store = ws + s.Store;
        for (int b = 0; b < count; b++)
        {
            double* first = store + (long)b * w, second = store + stride + (long)b * w;
            double* tangents = s.InPlace ? store + 2 * stride + (long)b * _tangents * w : ws + to.Forward + ((long)b * _rows + 1) * w;
            for (int g = 0; g < _seeds.Length; g++)
            {
                double* group = target + ((long)b * rr + (long)g * per) * w;
                if (curvature)
                {
                    for (int c = 0; c < w; c++) weights[c] = group[c] * second[c];
                    AddCurvature(y, b, g, weights, tangents, null, w, ws);
                }
                RowUpdates.Reverse(group, w, first, second, tangents, _adjointTangents, ws + _offRow);
            }
        }
        if (!s.AdjointInPlace) Contribute(ws + to.Adjoint, target, all, s.FirstContribution[0], negate: false);
    }

    private unsafe void MulBack(Step s, int count, double* ws, double* adj, double* y)
    {
        var node = s.Node;
        int w = node.Width, per = 1 + _adjointTangents, rr = _reverseRows;
        double* pa = RowsOf(node.Operands[0], ws), pb = RowsOf(node.Operands[1], ws);
        // A product of two computed vectors curves; a constant factor makes it linear.
        if (_kind.IsCurvature() && pa != null && pb != null)
            for (int b = 0; b < count; b++)
                for (int g = 0; g < _seeds.Length; g++)
                {
                    long block = (long)b * _rows * w + w;
                    AddCurvature(y, b, g, adj + ((long)b * rr + (long)g * per) * w, pa + block, pb + block, w, ws);
                }
        for (int k = 0; k < 2; k++)
        {
            if (_stepOf[node.Operands[k]] is not { } to) continue;
            int other = node.Operands[1 - k];
            double* target = ws + to.Adjoint, po = RowsOf(other, ws);
            bool first = s.FirstContribution[k];
            double[]? c = po == null ? _graph.Values(other) : null;
            for (int b = 0; b < count; b++)
                for (int g = 0; g < _seeds.Length; g++)
                {
                    long at = ((long)b * rr + (long)g * per) * w;
                    double* G = adj + at, T = target + at, O = po == null ? null : po + (long)b * _rows * w;
                    for (int col = 0; col < w; col++)
                    {
                        double ov = O == null ? c![col] : O[col], gv = G[col];
                        for (int t = 1; t <= _adjointTangents; t++)
                        {
                            long row = (long)t * w + col;
                            double v = O == null ? G[row] * ov : Math.FusedMultiplyAdd(gv, O[row], G[row] * ov);
                            T[row] = first ? v : T[row] + v;
                        }
                        T[col] = first ? gv * ov : T[col] + gv * ov;
                    }
                }
        }
    }

    private unsafe void DivBack(Step s, int count, double* ws, double* adj, double* y)
    {
        var node = s.Node;
        int a = node.Operands[0], bn = node.Operands[1], w = node.Width, per = 1 + _adjointTangents, rr = _reverseRows;
        bool curvature = _kind.IsCurvature() && RowsOf(bn, ws) != null;
        double* weights = ws + _offRow;
        var sa = _stepOf[a];
        var sb = _stepOf[bn];
        double* pb = RowsOf(bn, ws), py = ws + s.Forward;
        double[]? cb = pb == null ? _graph.Values(bn) : null;
        for (int blk = 0; blk < count; blk++)
            for (int g = 0; g < _seeds.Length; g++)
            {
                long at = ((long)blk * rr + (long)g * per) * w;
                double* G = adj + at, B = pb == null ? null : pb + (long)blk * _rows * w, Y = py + (long)blk * _rows * w;
                double* TA = sa == null ? null : ws + sa.Adjoint + at, TB = sb == null ? null : ws + sb.Adjoint + at;
                if (curvature)
                {
                    for (int col = 0; col < w; col++) weights[col] = -G[col] / B![col];
                    AddCurvature(y, blk, g, weights, Y + w, B! + w, w, ws);
                }
                for (int col = 0; col < w; col++)
                {
                    double bv = B == null ? cb![col] : B[col], yv = Y[col];
                    double q = G[col] / bv;
                    for (int t = 1; t <= _adjointTangents; t++)
                    {
                        long row = (long)t * w + col;
                        double qt = (B == null ? G[row] : Math.FusedMultiplyAdd(-q, B[row], G[row])) / bv;
                        if (TA != null) TA[row] = s.FirstContribution[0] ? qt : TA[row] + qt;
                        if (TB != null)
                        {
                            double v = -Math.FusedMultiplyAdd(qt, yv, q * Y[row]);
                            TB[row] = s.FirstContribution[1] ? v : TB[row] + v;
                        }
                    }
                    if (TA != null) TA[col] = s.FirstContribution[0] ? q : TA[col] + q;
                    if (TB != null) TB[col] = s.FirstContribution[1] ? -(q * yv) : TB[col] - q * yv;
                }
            }
    }

    // An input node's adjoints are the result: Jacobian or gradient rows from g, Hessian or HVP rows from ġ.
    private unsafe void ExtractInput(Step s, double* y, int count, double* adj)
    {
        int w = s.Node.Width, offset = ((InputSlice)s.Node.Payload!).Offset, d = _d, per = 1 + _adjointTangents, rr = _reverseRows;
        for (int b = 0; b < count; b++)
        {
            double* result = y + (long)b * OutputLength;
            for (int g = 0; g < _seeds.Length; g++)
            {
                double* group = adj + ((long)b * rr + (long)g * per) * w;
                switch (_kind)
                {
                    case QueryKind.JacobianReverse:
                        for (int c = 0; c < w; c++) result[g * d + offset + c] += group[c];
                        break;
                    case QueryKind.HessianReverse:
                        for (int t = 0; t < d; t++)
                            for (int c = 0; c < w; c++) result[((long)g * d + t) * d + offset + c] += group[(1 + t) * (long)w + c];
                        break;
                    case QueryKind.HvpReverse:
                        for (int c = 0; c < w; c++) result[g * d + offset + c] += group[w + c];
                        break;
                }
            }
        }
    }
}

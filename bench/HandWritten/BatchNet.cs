using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TapeAD.Nn;

namespace TapeAD.Bench.HandWritten;

/// <summary>
/// The hand-written batch peer: what a performance engineer writes for many inputs of one dense
/// network. A block of <see cref="Block"/> inputs goes through each layer at once, SIMD across the
/// inputs: every quantity (a unit's value, its tangent along one direction, a second-order term) is a
/// row of 64 doubles, one per input, i.e. 8 <see cref="Vector512{T}"/> lanes, and a layer product is
/// <c>U[r][i] = Σ_k W[i,k] · X[r][k]</c> with the weight broadcast and one FMA per 8 inputs.
/// Directions are stored direction-major (<c>plane[(row · width + unit) · 64 + input]</c>), so each
/// direction's rows are contiguous and the layer product runs over them the same way as over the values.
/// </summary>
/// <remarks>
/// <para>Each query is forward-mode Taylor propagation with a fixed set of rows per input (see
/// <see cref="BatchRows"/>): for a layer <c>a = σ(u)</c> the first-order rows become <c>σ'⊙U</c> and the
/// second-order rows <c>σ''⊙U_p⊙U_q + σ'⊙U_pq</c> (pairs for the Hessian, one per direction for the
/// second-order Jacobian and the HVP's mixed terms, one summed row for the Laplacian). In the first layer
/// the tangent rows are the identity, so their products are weight columns (broadcast) and the
/// second-order products are zero: neither is multiplied out.</para>
/// <para>On machines without AVX-512 .NET runs <see cref="Vector512{T}"/> as two <see cref="Vector256{T}"/>
/// halves. Not thread-safe: the scratch planes belong to the instance (one instance per thread).</para>
/// </remarks>
public sealed class BatchNet
{
    /// <summary>Inputs per block: 8 vectors of 8 doubles.</summary>
    public const int Block = 64;

    private readonly BatchLayer[] _layers;
    private readonly BatchRows _rows;
    private readonly int _d, _m;
    private readonly int[] _outRow, _outUnit;
    private double[] _cur, _next;

    private sealed class BatchLayer(Dense dense)
    {
        public readonly int In = dense.Inputs, Out = dense.Outputs;
        public readonly double[] W = dense.Weights.ToArray(), B = dense.Bias.ToArray();
        public readonly Activation Act = dense.Activation;
    }

    /// <summary>The peer of <paramref name="model"/> for <paramref name="query"/>.</summary>
    /// <exception cref="NotSupportedException">When a layer's activation has no lane form (<see cref="LaneActivations.Supports"/>).</exception>
    public BatchNet(Chain model, Query query)
    {
        foreach (var l in model.Layers)
            if (!LaneActivations.Supports(l.Activation))
                throw new NotSupportedException($"The hand-written batch peer has no lane form for {l.Activation}; it covers identity, elu, tanh and sigmoid.");
        _layers = model.Layers.Select(l => new BatchLayer(l)).ToArray();
        _d = model.InputLength;
        _m = model.OutputLength;
        _rows = new BatchRows(query, _d);
        InputLength = Models.InputLength(model, query);
        OutputLength = Models.OutputLength(model, query);
        (_outRow, _outUnit) = _rows.OutputPlaces(_m);
        int widest = Math.Max(_d, _layers.Max(l => l.Out));
        _cur = new double[_rows.Count * widest * Block];
        _next = new double[_rows.Count * widest * Block];
    }

    /// <summary>Whether every layer of <paramref name="model"/> has a lane form here.</summary>
    public static bool Supports(Chain model) => model.Layers.All(l => LaneActivations.Supports(l.Activation));

    /// <summary>Numbers per input row: x, or x then v for the HVP.</summary>
    public int InputLength { get; }

    /// <summary>Numbers per result row, laid out as TapeAD lays out the query.</summary>
    public int OutputLength { get; }

    /// <summary>Runs the query on <paramref name="batch"/> inputs stored row after row; results row after row.
    /// A last block of fewer than 64 inputs runs on zero-padded lanes.</summary>
    public void Run(int batch, ReadOnlySpan<double> xs, Span<double> results)
    {
        if (xs.Length != batch * InputLength || results.Length != batch * OutputLength)
            throw new ArgumentException($"Expected {batch} rows of {InputLength} inputs and {OutputLength} results; got {xs.Length} inputs and {results.Length} results.");
        for (int b0 = 0; b0 < batch; b0 += Block)
        {
            int n = Math.Min(Block, batch - b0);
            RunBlock(n, xs.Slice(b0 * InputLength, n * InputLength), results.Slice(b0 * OutputLength, n * OutputLength));
        }
    }

    private void RunBlock(int n, ReadOnlySpan<double> xs, Span<double> results)
    {
        LoadInputs(n, xs);
        for (int li = 0; li < _layers.Length; li++)
        {
            var l = _layers[li];
            for (int r = 0; r < _rows.Count; r++)
            {
                var (kind, direction) = li == 0 ? _rows.InputKind(r) : (RowKind.Data, 0);
                switch (kind)
                {
                    case RowKind.Data: Product(l, r); break;
                    case RowKind.Unit: Column(l, r, direction); break;
                    default: _next.AsSpan(r * l.Out * Block, l.Out * Block).Clear(); break;
                }
            }
            if (l.Act != Activation.Identity) Activate(l);
            (_cur, _next) = (_next, _cur);
        }
        StoreResults(n, results);
    }

    /// <summary>Row 0 holds x, and for the HVP row 1 holds v, transposed to one row of 64 inputs per coordinate.</summary>
    private void LoadInputs(int n, ReadOnlySpan<double> xs)
    {
        int d = _d, stride = InputLength;
        int dataRows = _rows.Query == Query.Hvp ? 2 : 1;
        _cur.AsSpan(0, dataRows * d * Block).Clear();
        for (int r = 0; r < dataRows; r++)
            for (int k = 0; k < d; k++)
            {
                var row = _cur.AsSpan((r * d + k) * Block, Block);
                for (int b = 0; b < n; b++) row[b] = xs[b * stride + r * d + k];
            }
    }

    /// <summary><c>U[r][i] = Σ_k W[i,k] X[r][k]</c> (+ bias on the value row), 8 accumulators of 8 inputs.</summary>
    private void Product(BatchLayer l, int r)
    {
        ref double x = ref MemoryMarshal.GetArrayDataReference(_cur);
        ref double u = ref MemoryMarshal.GetArrayDataReference(_next);
        ref double w = ref MemoryMarshal.GetArrayDataReference(l.W);
        nuint xr = (nuint)(r * l.In * Block);
        for (int i = 0; i < l.Out; i++)
        {
            var init = r == 0 ? Vector512.Create(l.B[i]) : Vector512<double>.Zero;
            Vector512<double> a0 = init, a1 = init, a2 = init, a3 = init, a4 = init, a5 = init, a6 = init, a7 = init;
            for (int k = 0; k < l.In; k++)
            {
                var wk = Vector512.Create(Unsafe.Add(ref w, i * l.In + k));
                nuint o = xr + (nuint)(k * Block);
                a0 = Vector512.FusedMultiplyAdd(wk, Vector512.LoadUnsafe(ref x, o), a0);
                a1 = Vector512.FusedMultiplyAdd(wk, Vector512.LoadUnsafe(ref x, o + 8), a1);
                a2 = Vector512.FusedMultiplyAdd(wk, Vector512.LoadUnsafe(ref x, o + 16), a2);
                a3 = Vector512.FusedMultiplyAdd(wk, Vector512.LoadUnsafe(ref x, o + 24), a3);
                a4 = Vector512.FusedMultiplyAdd(wk, Vector512.LoadUnsafe(ref x, o + 32), a4);
                a5 = Vector512.FusedMultiplyAdd(wk, Vector512.LoadUnsafe(ref x, o + 40), a5);
                a6 = Vector512.FusedMultiplyAdd(wk, Vector512.LoadUnsafe(ref x, o + 48), a6);
                a7 = Vector512.FusedMultiplyAdd(wk, Vector512.LoadUnsafe(ref x, o + 56), a7);
            }
            nuint target = (nuint)((r * l.Out + i) * Block);
            a0.StoreUnsafe(ref u, target);
            a1.StoreUnsafe(ref u, target + 8);
            a2.StoreUnsafe(ref u, target + 16);
            a3.StoreUnsafe(ref u, target + 24);
            a4.StoreUnsafe(ref u, target + 32);
            a5.StoreUnsafe(ref u, target + 40);
            a6.StoreUnsafe(ref u, target + 48);
            a7.StoreUnsafe(ref u, target + 56);
        }
    }

    /// <summary>First layer, tangent along input j: <c>U[r][i] = W[i,j]</c> for every input.</summary>
    private void Column(BatchLayer l, int r, int j)
    {
        for (int i = 0; i < l.Out; i++) _next.AsSpan((r * l.Out + i) * Block, Block).Fill(l.W[i * l.In + j]);
    }

    /// <summary>The activation and the query's row updates, in place, 8 inputs at a time: second-order rows
    /// first (they need the first-order products), then the first-order rows, then the value.</summary>
    private void Activate(BatchLayer l)
    {
        ref double p = ref MemoryMarshal.GetArrayDataReference(_next);
        int w = l.Out, d = _d, t0 = _rows.FirstTangent, s0 = _rows.FirstSecond;
        var pairs = _rows.Pairs;
        for (int i = 0; i < w; i++)
            for (int c = 0; c < Block; c += 8)
            {
                nuint at = (nuint)(i * Block + c), row = (nuint)(w * Block);
                var s = LaneActivations.Apply(l.Act, Vector512.LoadUnsafe(ref p, at), out var s1, out var s2);
                switch (_rows.Query)
                {
                    case Query.SecondOrderJacobian:
                        for (int j = 0; j < d; j++)
                        {
                            nuint tj = at + (nuint)(t0 + j) * row, sj = at + (nuint)(s0 + j) * row;
                            var ut = Vector512.LoadUnsafe(ref p, tj);
                            Vector512.FusedMultiplyAdd(s2 * ut, ut, s1 * Vector512.LoadUnsafe(ref p, sj)).StoreUnsafe(ref p, sj);
                        }
                        break;
                    case Query.Laplacian:
                    {
                        var sum = Vector512<double>.Zero;
                        for (int j = 0; j < d; j++)
                        {
                            var ut = Vector512.LoadUnsafe(ref p, at + (nuint)(t0 + j) * row);
                            sum = Vector512.FusedMultiplyAdd(ut, ut, sum);
                        }
                        nuint lap = at + (nuint)s0 * row;
                        Vector512.FusedMultiplyAdd(s2, sum, s1 * Vector512.LoadUnsafe(ref p, lap)).StoreUnsafe(ref p, lap);
                        break;
                    }
                    case Query.Hessian:
                        for (int q = 0; q < pairs.Length; q++)
                        {
                            var (j, k) = pairs[q];
                            nuint h = at + (nuint)(s0 + q) * row;
                            var uj = Vector512.LoadUnsafe(ref p, at + (nuint)(t0 + j) * row);
                            var uk = Vector512.LoadUnsafe(ref p, at + (nuint)(t0 + k) * row);
                            Vector512.FusedMultiplyAdd(s2 * uj, uk, s1 * Vector512.LoadUnsafe(ref p, h)).StoreUnsafe(ref p, h);
                        }
                        break;
                    case Query.Hvp:
                    {
                        nuint tv = at + row;
                        var uv = Vector512.LoadUnsafe(ref p, tv);
                        var c2 = s2 * uv;
                        for (int j = 0; j < d; j++)
                        {
                            nuint mj = at + (nuint)(s0 + j) * row;
                            var ut = Vector512.LoadUnsafe(ref p, at + (nuint)(t0 + j) * row);
                            Vector512.FusedMultiplyAdd(c2, ut, s1 * Vector512.LoadUnsafe(ref p, mj)).StoreUnsafe(ref p, mj);
                        }
                        (s1 * uv).StoreUnsafe(ref p, tv);
                        break;
                    }
                }
                for (int j = 0; j < _rows.Tangents; j++)
                {
                    nuint tj = at + (nuint)(t0 + j) * row;
                    (s1 * Vector512.LoadUnsafe(ref p, tj)).StoreUnsafe(ref p, tj);
                }
                s.StoreUnsafe(ref p, at);
            }
    }

    /// <summary>Result entry o of input b is row <c>_outRow[o]</c>, unit <c>_outUnit[o]</c>, lane b of the last plane.</summary>
    private void StoreResults(int n, Span<double> results)
    {
        int outLen = OutputLength;
        for (int o = 0; o < outLen; o++)
        {
            var lanes = _cur.AsSpan((_outRow[o] * _m + _outUnit[o]) * Block, n);
            for (int b = 0; b < n; b++) results[b * outLen + o] = lanes[b];
        }
    }
}

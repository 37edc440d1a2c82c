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
/// <para>Without AVX-512 the layer product has its own <see cref="Vector256{T}"/> kernel (16 registers), and
/// the activations run as <see cref="Vector512{T}"/> that .NET splits into two <see cref="Vector256{T}"/> halves. The kernels are marked <see cref="MethodImplOptions.AggressiveOptimization"/> (jitted fully
/// optimised at once, as TapeAD's compiled delegates are), so short timing runs see the same code as long ones.
/// Not thread-safe: the scratch planes belong to the instance (one instance per thread).</para>
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
                    case RowKind.Data when Vector512.IsHardwareAccelerated: Product(l, r); break;
                    case RowKind.Data: Product256(l, r); break;
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    /// <summary><c>U[r][i] = Σ_k W[i,k] X[r][k]</c> (+ bias on the value row): two units at a time, so each
    /// load of 8 inputs' <c>X[r][k]</c> feeds two FMAs (16 accumulators of 8 inputs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Product(BatchLayer l, int r)
    {
        ref double x = ref MemoryMarshal.GetArrayDataReference(_cur);
        ref double u = ref MemoryMarshal.GetArrayDataReference(_next);
        ref double w = ref MemoryMarshal.GetArrayDataReference(l.W);
        nuint xr = (nuint)(r * l.In * Block);
        int i = 0;
        for (; i + 1 < l.Out; i += 2)
        {
            var initA = r == 0 ? Vector512.Create(l.B[i]) : Vector512<double>.Zero;
            var initB = r == 0 ? Vector512.Create(l.B[i + 1]) : Vector512<double>.Zero;
            Vector512<double> a0 = initA, a1 = initA, a2 = initA, a3 = initA, a4 = initA, a5 = initA, a6 = initA, a7 = initA;
            Vector512<double> b0 = initB, b1 = initB, b2 = initB, b3 = initB, b4 = initB, b5 = initB, b6 = initB, b7 = initB;
            ref double wa = ref Unsafe.Add(ref w, i * l.In);
            ref double wb = ref Unsafe.Add(ref w, (i + 1) * l.In);
            for (int k = 0; k < l.In; k++)
            {
                var ka = Vector512.Create(Unsafe.Add(ref wa, k));
                var kb = Vector512.Create(Unsafe.Add(ref wb, k));
                nuint o = xr + (nuint)(k * Block);
                var v = Vector512.LoadUnsafe(ref x, o);
                a0 = Vector512.FusedMultiplyAdd(ka, v, a0); b0 = Vector512.FusedMultiplyAdd(kb, v, b0);
                v = Vector512.LoadUnsafe(ref x, o + 8);
                a1 = Vector512.FusedMultiplyAdd(ka, v, a1); b1 = Vector512.FusedMultiplyAdd(kb, v, b1);
                v = Vector512.LoadUnsafe(ref x, o + 16);
                a2 = Vector512.FusedMultiplyAdd(ka, v, a2); b2 = Vector512.FusedMultiplyAdd(kb, v, b2);
                v = Vector512.LoadUnsafe(ref x, o + 24);
                a3 = Vector512.FusedMultiplyAdd(ka, v, a3); b3 = Vector512.FusedMultiplyAdd(kb, v, b3);
                v = Vector512.LoadUnsafe(ref x, o + 32);
                a4 = Vector512.FusedMultiplyAdd(ka, v, a4); b4 = Vector512.FusedMultiplyAdd(kb, v, b4);
                v = Vector512.LoadUnsafe(ref x, o + 40);
                a5 = Vector512.FusedMultiplyAdd(ka, v, a5); b5 = Vector512.FusedMultiplyAdd(kb, v, b5);
                v = Vector512.LoadUnsafe(ref x, o + 48);
                a6 = Vector512.FusedMultiplyAdd(ka, v, a6); b6 = Vector512.FusedMultiplyAdd(kb, v, b6);
                v = Vector512.LoadUnsafe(ref x, o + 56);
                a7 = Vector512.FusedMultiplyAdd(ka, v, a7); b7 = Vector512.FusedMultiplyAdd(kb, v, b7);
            }
            Store(ref u, (nuint)((r * l.Out + i) * Block), a0, a1, a2, a3, a4, a5, a6, a7);
            Store(ref u, (nuint)((r * l.Out + i + 1) * Block), b0, b1, b2, b3, b4, b5, b6, b7);
        }
        if (i < l.Out)
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
            Store(ref u, (nuint)((r * l.Out + i) * Block), a0, a1, a2, a3, a4, a5, a6, a7);
        }
    }

    /// <summary><see cref="Product"/> for machines without AVX-512 (16 registers of 4 doubles): two units
    /// and 16 inputs per pass, 8 accumulators, so each load feeds two FMAs without spilling.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Product256(BatchLayer l, int r)
    {
        ref double x = ref MemoryMarshal.GetArrayDataReference(_cur);
        ref double u = ref MemoryMarshal.GetArrayDataReference(_next);
        ref double w = ref MemoryMarshal.GetArrayDataReference(l.W);
        nuint xr = (nuint)(r * l.In * Block);
        for (int i = 0; i < l.Out; i += 2)
        {
            bool pair = i + 1 < l.Out;
            ref double wa = ref Unsafe.Add(ref w, i * l.In);
            ref double wb = ref Unsafe.Add(ref w, (pair ? i + 1 : i) * l.In);
            var initA = r == 0 ? Vector256.Create(l.B[i]) : Vector256<double>.Zero;
            var initB = r == 0 && pair ? Vector256.Create(l.B[i + 1]) : Vector256<double>.Zero;
            for (int c = 0; c < Block; c += 16)
            {
                Vector256<double> a0 = initA, a1 = initA, a2 = initA, a3 = initA, b0 = initB, b1 = initB, b2 = initB, b3 = initB;
                for (int k = 0; k < l.In; k++)
                {
                    var ka = Vector256.Create(Unsafe.Add(ref wa, k));
                    var kb = Vector256.Create(Unsafe.Add(ref wb, k));
                    nuint o = xr + (nuint)(k * Block + c);
                    var v = Vector256.LoadUnsafe(ref x, o);
                    a0 = Vector256.FusedMultiplyAdd(ka, v, a0); b0 = Vector256.FusedMultiplyAdd(kb, v, b0);
                    v = Vector256.LoadUnsafe(ref x, o + 4);
                    a1 = Vector256.FusedMultiplyAdd(ka, v, a1); b1 = Vector256.FusedMultiplyAdd(kb, v, b1);
                    v = Vector256.LoadUnsafe(ref x, o + 8);
                    a2 = Vector256.FusedMultiplyAdd(ka, v, a2); b2 = Vector256.FusedMultiplyAdd(kb, v, b2);
                    v = Vector256.LoadUnsafe(ref x, o + 12);
                    a3 = Vector256.FusedMultiplyAdd(ka, v, a3); b3 = Vector256.FusedMultiplyAdd(kb, v, b3);
                }
                nuint ta = (nuint)((r * l.Out + i) * Block + c);
                a0.StoreUnsafe(ref u, ta); a1.StoreUnsafe(ref u, ta + 4); a2.StoreUnsafe(ref u, ta + 8); a3.StoreUnsafe(ref u, ta + 12);
                if (!pair) continue;
                nuint tb = ta + Block;
                b0.StoreUnsafe(ref u, tb); b1.StoreUnsafe(ref u, tb + 4); b2.StoreUnsafe(ref u, tb + 8); b3.StoreUnsafe(ref u, tb + 12);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref double target, nuint at, Vector512<double> a0, Vector512<double> a1, Vector512<double> a2, Vector512<double> a3,
        Vector512<double> a4, Vector512<double> a5, Vector512<double> a6, Vector512<double> a7)
    {
        a0.StoreUnsafe(ref target, at);
        a1.StoreUnsafe(ref target, at + 8);
        a2.StoreUnsafe(ref target, at + 16);
        a3.StoreUnsafe(ref target, at + 24);
        a4.StoreUnsafe(ref target, at + 32);
        a5.StoreUnsafe(ref target, at + 40);
        a6.StoreUnsafe(ref target, at + 48);
        a7.StoreUnsafe(ref target, at + 56);
    }

    /// <summary>First layer, tangent along input j: <c>U[r][i] = W[i,j]</c> for every input.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Column(BatchLayer l, int r, int j)
    {
        for (int i = 0; i < l.Out; i++) _next.AsSpan((r * l.Out + i) * Block, Block).Fill(l.W[i * l.In + j]);
    }

    /// <summary>The activation and the query's row updates, in place, 8 inputs at a time: second-order rows
    /// first (they need the first-order products), then the first-order rows, then the value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

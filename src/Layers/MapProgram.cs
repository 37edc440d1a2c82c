using TapeAD.Compiler;
using TapeAD.Tape;

namespace TapeAD.Layers;

/// <summary>
/// σ, σ′, σ″ (up to an order) of an <see cref="ElementMap"/> over a column of lanes. A map that is one
/// primitive of its input runs that primitive's span kernel from <see cref="Elementwise"/> directly, and,
/// when the primitive has a one-pass form for its derivatives (tanh, the sigmoid, softplus), all three
/// from one exp per element; every other map runs its <see cref="ColumnProgram"/>, a span operation per
/// node. For a map that is one kernel, the column program's pass per node, its copy in and its copy per
/// result were most of the work once derivatives were asked for (the sigmoid's σ′ and σ″ are four more nodes).
/// </summary>
/// <remarks>
/// Values have exactly the column program's bits (both call the same <see cref="Elementwise"/> kernel).
/// The one-pass derivatives write σ″ as <c>−2t(1 − t²)</c> and <c>σ(1 − σ)(1 − 2σ)</c>, where the
/// scalar graph's rules, differentiated twice, round in another order: they agree to the last bits.
/// Every element's bits depend on that element alone, as in the column program.
/// </remarks>
internal sealed class MapProgram
{
    // The column program, or null when the primitive _op's kernel runs.
    private readonly ColumnProgram? _program;
    private readonly Op _op;
    private readonly int _order;

    /// <summary>The program of <paramref name="map"/> up to <paramref name="order"/>; <paramref name="columnProgram"/>
    /// builds the column program when the map has no kernel of its own.</summary>
    public MapProgram(ElementMap map, int order, Func<ColumnProgram> columnProgram)
    {
        _order = order;
        var primitive = SinglePrimitive(map);
        bool kernel = primitive is Op op && (order == 0 ? Elementwise.HasSpanForm(op) : HasDerivativeKernel(op));
        _op = primitive.GetValueOrDefault();
        _program = kernel ? null : columnProgram();
    }

    /// <summary>Whether the map runs its column program (not one primitive with a kernel for this order).</summary>
    public bool RunsColumnProgram => _program != null;

    /// <summary>Doubles of scratch a run over <paramref name="lanes"/> lanes needs.</summary>
    public int ScratchLength(int lanes) => _program?.ScratchLength(lanes) ?? (_order == 1 ? lanes : 0);

    /// <summary>
    /// σ of every lane of <paramref name="u"/> into the first <paramref name="lanes"/> entries of
    /// <paramref name="outputs"/>, then σ′ and σ″ (up to the order) in the next ones.
    /// </summary>
    public void Run(ReadOnlySpan<double> u, Span<double> outputs, Span<double> scratch, int lanes)
    {
        if (_program != null)
        {
            _program.Run(u, outputs, scratch, lanes);
            return;
        }
        u = u[..lanes];
        var value = outputs[..lanes];
        if (_order == 0)
        {
            Elementwise.Apply(_op, u, value);
            return;
        }
        var first = outputs.Slice(lanes, lanes);
        // Order 1 drops σ″, computed with the others at no extra exp.
        var second = _order == 1 ? scratch[..lanes] : outputs.Slice(2 * lanes, lanes);
        switch (_op)
        {
            case Op.Tanh: Elementwise.TanhDerivatives(u, value, first, second); break;
            case Op.Sigmoid: Elementwise.SigmoidDerivatives(u, value, first, second); break;
            case Op.Softplus: Elementwise.SoftplusDerivatives(u, value, first, second); break;
            default: throw new InvalidOperationException($"No one-pass derivative kernel for {_op}.");
        }
    }

    // The primitive p when the map records p(x) of its input x and nothing else.
    private static Op? SinglePrimitive(ElementMap map)
    {
        var g = new Graph();
        int x = g.Input(0);
        int y = map.Record(new Var(g, x)).Node;
        return y != x && g.A(y) == x && g.B(y) < 0 && g.C(y) < 0 ? g.OpOf(y) : null;
    }

    private static bool HasDerivativeKernel(Op op) => op is Op.Tanh or Op.Sigmoid or Op.Softplus;
}

using TapeAD.Compiler;
using TapeAD.Tape;

namespace TapeAD.Layers;

/// <summary>
/// σ, σ′, σ″ (up to an order) of an <see cref="ElementMap"/> over a column of lanes. A map with a
/// <see cref="MapKernel"/> (tanh, the sigmoid, softplus, the ELU family) runs it in registers, its row updates in
/// the same pass (<see cref="Forward"/>, <see cref="MapRows"/>), all three from one exp per element; another map of
/// one primitive with a span kernel in <see cref="Elementwise"/> runs that kernel for its value; every other map
/// runs its <see cref="ColumnProgram"/>, a span operation per node. For a map that is one kernel, the column
/// program's pass per node, its copy in and its copy per result were most of the work once derivatives were
/// asked for (the sigmoid's σ′ and σ″ are four more nodes; ELU's value alone five).
/// </summary>
/// <remarks>
/// Values have exactly the column program's bits (the same <see cref="Elementwise"/> kernel, or for the ELU
/// family the same operations as its graph, derivatives included). The one-pass derivatives of tanh, the
/// sigmoid and softplus write σ″ as <c>−2t(1 − t²)</c> and <c>σ(1 − σ)(1 − 2σ)</c>, where the scalar graph's
/// rules, differentiated twice, round in another order: they agree to the last bits. Every element's bits
/// depend on that element alone, as in the column program.
/// </remarks>
internal sealed class MapProgram
{
    // The column program, or null when the kernel or the primitive _op's span form runs.
    private readonly ColumnProgram? _program;
    private readonly MapKernel? _kernel;
    private readonly Op _op;
    private readonly int _order;

    /// <summary>The program of <paramref name="map"/> up to <paramref name="order"/>; <paramref name="columnProgram"/>
    /// builds the column program when the map has no kernel of its own.</summary>
    public MapProgram(ElementMap map, int order, Func<ColumnProgram> columnProgram)
    {
        _order = order;
        var primitive = SinglePrimitive(map);
        _kernel = MapKernel.Of(map, primitive);
        // Without a kernel, a single primitive with a span form runs that form for its value (order 0 only).
        bool spanForm = _kernel == null && order == 0 && primitive is Op op && Elementwise.HasSpanForm(op);
        _op = primitive.GetValueOrDefault();
        _program = _kernel == null && !spanForm ? columnProgram() : null;
    }

    /// <summary>Whether the map runs its column program (not a kernel for this order).</summary>
    public bool RunsColumnProgram => _program != null;

    /// <summary>Whether the map runs in registers with its row updates (<see cref="Forward"/>).</summary>
    public bool Fused => _kernel != null;

    /// <summary>Doubles of scratch a run over <paramref name="lanes"/> lanes needs.</summary>
    public int ScratchLength(int lanes) => _program?.ScratchLength(lanes) ?? 0;

    /// <summary>
    /// σ of every lane of <paramref name="u"/> into the first <paramref name="lanes"/> entries of
    /// <paramref name="outputs"/>, then σ′ and σ″ (up to the order) in the next ones; for a map that is not
    /// <see cref="Fused"/> (a fused map runs with its row updates, <see cref="Forward"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">When the map is <see cref="Fused"/>.</exception>
    public void Run(ReadOnlySpan<double> u, Span<double> outputs, Span<double> scratch, int lanes)
    {
        if (_kernel != null) throw new InvalidOperationException("This map runs in registers with its row updates (Forward), not by columns.");
        if (_program != null) _program.Run(u, outputs, scratch, lanes);
        else Elementwise.Apply(_op, u[..lanes], outputs[..lanes]);
    }

    /// <summary>The map and its row updates in one pass (<see cref="MapRows.Forward"/>); for a <see cref="Fused"/> map.</summary>
    public void Forward(in MapRowsCall call)
    {
        switch (_kernel?.Kind)
        {
            case MapKernelKind.Tanh: MapRows.Forward(new TanhKernel(), call); break;
            case MapKernelKind.Sigmoid: MapRows.Forward(new SigmoidKernel(), call); break;
            case MapKernelKind.Softplus: MapRows.Forward(new SoftplusKernel(), call); break;
            case MapKernelKind.Elu: MapRows.Forward(new EluKernel(_kernel.Value.Scale, _kernel.Value.Alpha), call); break;
            default: throw new InvalidOperationException("This map has no kernel to run in registers; it runs its column program.");
        }
    }

    /// <summary>The primitive p when the map records p(x) of its input x and nothing else.</summary>
    internal static Op? SinglePrimitive(ElementMap map)
    {
        var g = new Graph();
        int x = g.Input(0);
        int y = map.Record(new Var(g, x)).Node;
        return y != x && g.A(y) == x && g.B(y) < 0 && g.C(y) < 0 ? g.OpOf(y) : null;
    }
}

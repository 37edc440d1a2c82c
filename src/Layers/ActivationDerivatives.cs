using System.Collections.Concurrent;
using TapeAD.Compiler;
using TapeAD.Nn;
using TapeAD.Tape;

namespace TapeAD.Layers;

/// <summary>
/// σ, σ' and σ'' of an activation over a whole column of pre-activations. They are not written out
/// per activation: the scalar activation is recorded on a one-input graph exactly as a
/// <see cref="Dense"/> layer records it, differentiated twice by <see cref="Forward"/> (so the one
/// derivative rule per primitive in <see cref="Primitives"/> is the only source), and evaluated
/// column-wise by a <see cref="ColumnProgram"/>.
/// </summary>
internal static class ActivationDerivatives
{
    private static readonly ConcurrentDictionary<(Activation, int), ColumnProgram> Programs = new();

    /// <summary>The program mapping one input column <c>u</c> to the output columns σ(u), σ'(u), σ''(u),
    /// up to derivative <paramref name="order"/> (0, 1 or 2): a value needs no derivative, a first-order query no σ''.</summary>
    public static ColumnProgram Of(Activation activation, int order) => Programs.GetOrAdd((activation, order), Build);

    private static ColumnProgram Build((Activation Activation, int Order) key)
    {
        var (activation, order) = key;
        var g = new Graph();
        var u = new Var(g, g.Input(0));
        int y = Activations.Record(activation, u).Node;
        int[] seed = [g.One];
        int first = Forward.Tangents(g, seed, [y])[y];
        int second = first < 0 ? -1 : Forward.Tangents(g, seed, [first])[first];
        int zero = g.Constant(0);
        int[] outputs = [.. new[] { y, first < 0 ? zero : first, second < 0 ? zero : second }.Take(order + 1)];
        var optimized = g.Optimize(outputs);
        return new ColumnProgram(new TapeFunction(optimized, outputs, 1, null, $"{Activations.NameOf(activation)} and its derivatives up to order {order}"));
    }
}

using TapeAD.Nn;
using TapeAD.Tape;

namespace TapeAD.Tests.Properties;

/// <summary>
/// A generated network with a point <see cref="X"/> and a direction <see cref="V"/> for
/// Hessian-vector products. Its <see cref="ToString"/> is the whole case in one line, so a shrunk
/// failure can be read and typed back in.
/// </summary>
public sealed class NetworkCase
{
    private TapeFunction? _function;

    public NetworkCase(IReadOnlyList<LayerSpec> layers, double[] x, double[] v)
    {
        Layers = layers;
        X = x;
        V = v;
    }

    public IReadOnlyList<LayerSpec> Layers { get; }
    public double[] X { get; }
    public double[] V { get; }
    public int InputLength => Layers[0].Inputs;
    public int OutputLength => Layers[^1].Outputs;

    public Chain ToChain() => new("generated", Layers.Select(l => l.ToDense()));

    /// <summary>The recorded chain, recorded once per case.</summary>
    public TapeFunction Function => _function ??= ToChain().ToFunction();

    /// <summary><c>x=[..] v=[..] | 2 -> [tanh W=.. b=..] -> [identity W=.. b=..]</c>.</summary>
    public override string ToString() =>
        $"x={LayerSpec.List(X)} v={LayerSpec.List(V)} | {InputLength} -> {string.Join(" -> ", Layers)}";
}

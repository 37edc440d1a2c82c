using FsCheck;
using FsCheck.Fluent;
using TapeAD.Nn;

namespace TapeAD.Tests.Properties;

/// <summary>
/// Random chains of 1–5 dense layers 1–12 wide with every activation, weights of realistic and
/// (when <c>extreme</c>) of extreme scale, and points with zeros, tiny and large coordinates. A
/// quarter of the cases put a kink exactly at the point: one unit's bias is set so that its
/// pre-activation there is exactly 0. The size parameter grows the networks from tiny to full.
/// </summary>
public static class NetworkGenerators
{
    private static readonly Activation[] AllActivations = Enum.GetValues<Activation>();

    public static Gen<NetworkCase> Networks(bool extreme) => Gen.Sized(size =>
    {
        int maxWidth = Math.Clamp(1 + size * 11 / 50, 1, 12);
        int maxDepth = Math.Clamp(1 + size / 12, 1, 5);
        return from depth in Gen.Choose(1, maxDepth)
               from widths in Gen.ArrayOf(Gen.Choose(1, maxWidth), depth + 1)
               from layers in Gen.CollectToArray(Enumerable.Range(0, depth), k => Layer(widths[k], widths[k + 1], extreme))
               from x in Gen.ArrayOf(Coordinate(extreme), widths[0])
               from v in Gen.ArrayOf(Uniform(-1, 1), widths[0])
               from kink in Gen.Frequency((3, Gen.Constant(-1)), (1, Gen.Choose(0, depth * 1000 - 1)))
               select WithKink(new NetworkCase(layers, x, v), kink);
    });

    private static Gen<LayerSpec> Layer(int inputs, int outputs, bool extreme) =>
        from activation in Gen.Elements(AllActivations)
        from scale in WeightScale(inputs, extreme)
        from weights in Gen.ArrayOf(Parameter(scale), inputs * outputs)
        from bias in Gen.ArrayOf(Parameter(extreme ? 0.5 : 0.1), outputs)
        select new LayerSpec(inputs, outputs, activation, weights, bias);

    private static Gen<double> WeightScale(int inputs, bool extreme)
    {
        double realistic = Math.Sqrt(6.0 / inputs);
        return extreme
            ? Gen.Frequency((5, Gen.Constant(realistic)), (1, Gen.Choose(10, 100).Select(k => k * realistic)), (1, Gen.Constant(1e-3 * realistic)))
            : Gen.Frequency((5, Gen.Constant(realistic)), (1, Gen.Constant(3 * realistic)));
    }

    /// <summary>Uniform in ±scale, or a value the tape's simplifier rewrites (0, ±1) or a round one.</summary>
    private static Gen<double> Parameter(double scale) =>
        Gen.Frequency((8, Uniform(-scale, scale)), (1, Gen.Elements(0.0, 1.0, -1.0, 0.5, -2.0)));

    /// <summary>Ordinary, zero, tiny (down to 1e-300) and large (exp overflows beyond 709) coordinates.</summary>
    private static Gen<double> Coordinate(bool extreme) => Gen.Frequency(
        (6, Uniform(-3, 3)),
        (1, Gen.Elements(0.0, -0.0)),
        (1, Signed(Gen.Choose(-300, -6).Select(k => Math.Pow(10, k)))),
        (1, Signed(extreme ? Gen.OneOf(Gen.Choose(700, 1000).Select(k => (double)k), Gen.Choose(3, 6).Select(k => Math.Pow(10, k)))
                           : Gen.Choose(5, 50).Select(k => (double)k))));

    private static Gen<double> Signed(Gen<double> magnitude) =>
        from m in magnitude
        from negative in Gen.Elements(false, true)
        select negative ? -m : m;

    public static Gen<double> Uniform(double lo, double hi) =>
        Gen.Choose(0, int.MaxValue - 1).Select(k => lo + (hi - lo) * (k / (double)int.MaxValue));

    /// <summary>Sets one unit's bias so that its pre-activation at X is exactly 0 (kink &lt; 0: no kink).</summary>
    private static NetworkCase WithKink(NetworkCase c, int kink)
    {
        if (kink < 0) return c;
        int layer = kink / 1000;
        var spec = c.Layers[layer];
        int unit = kink % 1000 % spec.Outputs;
        double[] a = c.X;
        for (int k = 0; k < layer; k++)
        {
            var next = new double[c.Layers[k].Outputs];
            c.Layers[k].ToDense().Evaluate(a, next);
            a = next;
        }
        // The same left-to-right sum as Dense, so that sum + (-sum) is exactly 0 on the tape.
        double sum = spec.Weights[unit * spec.Inputs] * a[0];
        for (int j = 1; j < spec.Inputs; j++) sum += spec.Weights[unit * spec.Inputs + j] * a[j];
        if (!double.IsFinite(sum)) return c;
        var bias = (double[])spec.Bias.Clone();
        bias[unit] = -sum;
        var layers = c.Layers.ToArray();
        layers[layer] = spec with { Bias = bias };
        return new NetworkCase(layers, c.X, c.V);
    }
}

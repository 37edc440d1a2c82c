using TapeAD.Nn;
using TapeAD.Testing;

namespace TapeAD.Tests.Properties;

/// <summary>
/// Shrinks a failing network towards a small readable one: fewer layers, inputs and units first,
/// then identity activations, then each number to 0 or to fewer digits.
/// </summary>
public static class NetworkShrinker
{
    public static IEnumerable<NetworkCase> Shrink(NetworkCase c)
    {
        var layers = c.Layers;
        if (layers.Count > 1)
        {
            yield return new NetworkCase(layers.Take(layers.Count - 1).ToArray(), c.X, c.V);
            var first = new double[layers[0].Outputs];
            layers[0].ToDense().Evaluate(c.X, first);
            if (first.All(double.IsFinite))
                yield return new NetworkCase(layers.Skip(1).ToArray(), first, Resize(c.V, first.Length));
        }
        for (int j = 0; j < c.InputLength && c.InputLength > 1; j++)
            yield return new NetworkCase(Replace(layers, 0, DropColumn(layers[0], j)), Drop(c.X, j), Drop(c.V, j));
        for (int k = 0; k < layers.Count; k++)
            for (int u = 0; u < layers[k].Outputs && layers[k].Outputs > 1; u++)
            {
                var shrunk = Replace(layers, k, DropRow(layers[k], u));
                if (k + 1 < layers.Count) shrunk[k + 1] = DropColumn(layers[k + 1], u);
                yield return new NetworkCase(shrunk, c.X, c.V);
            }
        for (int k = 0; k < layers.Count; k++)
            if (layers[k].Activation != Activation.Identity)
                yield return new NetworkCase(Replace(layers, k, layers[k] with { Activation = Activation.Identity }), c.X, c.V);
        for (int k = 0; k < layers.Count; k++)
        {
            foreach (var w in Simpler(layers[k].Weights))
                yield return new NetworkCase(Replace(layers, k, layers[k] with { Weights = w }), c.X, c.V);
            foreach (var b in Simpler(layers[k].Bias))
                yield return new NetworkCase(Replace(layers, k, layers[k] with { Bias = b }), c.X, c.V);
        }
        foreach (var x in Simpler(c.X)) yield return new NetworkCase(layers, x, c.V);
        foreach (var v in Simpler(c.V)) yield return new NetworkCase(layers, c.X, v);
    }

    private static IEnumerable<double[]> Simpler(double[] values)
    {
        for (int k = 0; k < values.Length; k++)
            foreach (double s in DerivativeChecker.ShrinkCoordinate(values[k]))
            {
                var copy = (double[])values.Clone();
                copy[k] = s;
                yield return copy;
            }
    }

    private static LayerSpec[] Replace(IReadOnlyList<LayerSpec> layers, int k, LayerSpec layer)
    {
        var copy = layers.ToArray();
        copy[k] = layer;
        return copy;
    }

    private static LayerSpec DropColumn(LayerSpec l, int j) => l with
    {
        Inputs = l.Inputs - 1,
        Weights = l.Weights.Where((_, k) => k % l.Inputs != j).ToArray(),
    };

    private static LayerSpec DropRow(LayerSpec l, int u) => l with
    {
        Outputs = l.Outputs - 1,
        Weights = l.Weights.Where((_, k) => k / l.Inputs != u).ToArray(),
        Bias = Drop(l.Bias, u),
    };

    private static double[] Drop(double[] values, int k) => values.Where((_, i) => i != k).ToArray();

    private static double[] Resize(double[] values, int length) =>
        Enumerable.Range(0, length).Select(k => k < values.Length ? values[k] : 1.0).ToArray();
}

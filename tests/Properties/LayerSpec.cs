using System.Globalization;
using TapeAD.Nn;

namespace TapeAD.Tests.Properties;

/// <summary>One dense layer of a generated network: row-major <c>Outputs × Inputs</c> weights.</summary>
public sealed record LayerSpec(int Inputs, int Outputs, Activation Activation, double[] Weights, double[] Bias)
{
    public Dense ToDense() => new(Inputs, Outputs, Activation, Weights, Bias);

    /// <summary>Compact: <c>[tanh W=[[1, 2], [0.5, -1]] b=[0, 0.1]]</c>.</summary>
    public override string ToString()
    {
        var rows = Enumerable.Range(0, Outputs).Select(i => List(Weights.Skip(i * Inputs).Take(Inputs)));
        return $"[{Activations.NameOf(Activation)} W=[{string.Join(", ", rows)}] b={List(Bias)}]";
    }

    public static string List(IEnumerable<double> values) =>
        "[" + string.Join(", ", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]";
}

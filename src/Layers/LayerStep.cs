using TapeAD.Compiler;
using TapeAD.Nn;

namespace TapeAD.Layers;

/// <summary>
/// One dense layer as tensor operations: a matrix-vector product with the constant weights, a bias
/// add, and an elementwise activation (absent for the identity). Both weight layouts are kept,
/// because forward propagation multiplies by <c>Wᵀ</c> (rows are vectors) and reverse by <c>W</c>.
/// </summary>
internal sealed class LayerStep
{
    public LayerStep(Dense layer, int order)
    {
        In = layer.Inputs;
        Out = layer.Outputs;
        W = layer.Weights.ToArray();
        Wt = new double[In * Out];
        for (int i = 0; i < Out; i++)
            for (int j = 0; j < In; j++) Wt[j * Out + i] = W[i * In + j];
        Bias = layer.Bias.ToArray();
        Activation = layer.Activation == Nn.Activation.Identity ? null : ActivationDerivatives.Of(layer.Activation, order);
    }

    public int In { get; }

    public int Out { get; }

    /// <summary>Row-major Out × In.</summary>
    public double[] W { get; }

    /// <summary>Row-major In × Out.</summary>
    public double[] Wt { get; }

    public double[] Bias { get; }

    /// <summary>σ and its derivatives up to the order the query needs, as a column program; null for the identity.</summary>
    public ColumnProgram? Activation { get; }
}

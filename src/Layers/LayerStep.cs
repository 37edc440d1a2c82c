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
    private readonly Activation _kind;

    public LayerStep(Dense layer, int order)
    {
        In = layer.Inputs;
        Out = layer.Outputs;
        W = layer.Weights.ToArray();
        Wt = new double[In * Out];
        for (int i = 0; i < Out; i++)
            for (int j = 0; j < In; j++) Wt[j * Out + i] = W[i * In + j];
        Bias = layer.Bias.ToArray();
        _kind = layer.Activation;
        Activation = Program(layer.Activation, order);
    }

    private LayerStep(LayerStep weights, int order)
    {
        In = weights.In;
        Out = weights.Out;
        W = weights.W;
        Wt = weights.Wt;
        Bias = weights.Bias;
        _kind = weights._kind;
        Activation = Program(_kind, order);
    }

    /// <summary>The same layer, sharing its weights, with σ's derivatives up to <paramref name="order"/>.</summary>
    public LayerStep WithOrder(int order) => new(this, order);



    public int In { get; }

    public int Out { get; }

    /// <summary>Row-major Out × In.</summary>
    public double[] W { get; }

    /// <summary>Row-major In × Out.</summary>
    public double[] Wt { get; }

    public double[] Bias { get; }

    private static ColumnProgram? Program(Activation activation, int order) =>
        activation == Nn.Activation.Identity ? null : ActivationDerivatives.Of(activation, order);

    /// <summary>σ and its derivatives up to the order the query needs, as a column program; null for the identity.</summary>
    public ColumnProgram? Activation { get; }
}

using TapeAD.Nn;
using TapeAD.Tape;

namespace TapeAD.Layers;

/// <summary>
/// A chain of dense layers kept at the tensor level: each layer is a matrix-vector product with
/// constant weights, a bias add and an elementwise activation, with derivative rules for whole
/// layers. Building it and every query costs O(layers), whatever the width, so it suits networks
/// 64–1024 wide, where the scalar graph (<see cref="Chain.ToFunction"/>) grows to hundreds of
/// thousands of nodes. Queries come back ready to run (<see cref="LayerQuery"/>); for a choice made
/// by cost between this level and the scalar graph use <see cref="ChainCompilation"/>.
/// </summary>
public sealed class LayerFunction
{
    // Steps for queries that need σ only, σ and σ', or all of σ, σ', σ''.
    private readonly LayerStep[][] _byOrder;

    private LayerFunction(Chain chain)
    {
        var second = chain.Layers.Select(l => new LayerStep(l, 2)).ToArray();
        _byOrder = [[.. second.Select(s => s.WithOrder(0))], [.. second.Select(s => s.WithOrder(1))], second];
        Description = chain.Name;
    }

    /// <summary>The tensor-level function of <paramref name="chain"/> (weights are copied).</summary>
    public static LayerFunction FromChain(Chain chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        return new LayerFunction(chain);
    }

    /// <summary>Number of inputs <c>d</c>.</summary>
    public int InputLength => _byOrder[0][0].In;

    /// <summary>Number of outputs <c>m</c>.</summary>
    public int OutputLength => _byOrder[0][^1].Out;

    /// <summary>The model's name.</summary>
    public string Description { get; }

    /// <summary>The value <c>y = f(x)</c>: shape <c>[m]</c>.</summary>
    public LayerQuery Value() => new(_byOrder[0], QueryKind.Value, Description);

    /// <summary>The Jacobian <c>∂y_i/∂x_j</c>: shape <c>[m, d]</c>. <see cref="FirstOrderMode.Auto"/>
    /// propagates whichever is fewer: d tangent rows forward or m adjoint rows back.</summary>
    public LayerQuery Jacobian(FirstOrderMode mode = FirstOrderMode.Auto)
    {
        if (mode == FirstOrderMode.Auto) mode = InputLength <= OutputLength ? FirstOrderMode.Forward : FirstOrderMode.Reverse;
        return mode switch
        {
            FirstOrderMode.Forward => new(_byOrder[1], QueryKind.JacobianForward, $"jacobian (Forward) of {Description}"),
            FirstOrderMode.Reverse => new(_byOrder[1], QueryKind.JacobianReverse, $"jacobian (Reverse) of {Description}"),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown first-order mode."),
        };
    }

    /// <summary>
    /// The Hessian of every output, <c>∂²y_i/∂x_j∂x_l</c>: shape <c>[m, d, d]</c>, with all directions
    /// in one pass. Forward-over-forward propagates <c>1 + d + d(d+1)/2</c> rows; forward-over-reverse
    /// propagates <c>1 + d</c> rows forward and <c>m(1 + d)</c> back. <see cref="SecondOrderMode.Auto"/>
    /// picks the fewer rows; the reverse-over modes are not offered at this level.
    /// </summary>
    public LayerQuery Hessian(SecondOrderMode mode = SecondOrderMode.Auto)
    {
        int d = InputLength, m = OutputLength;
        if (mode == SecondOrderMode.Auto)
            mode = 1 + d + d * (d + 1) / 2 <= (1 + d) * (1 + m) ? SecondOrderMode.ForwardOverForward : SecondOrderMode.ForwardOverReverse;
        return mode switch
        {
            SecondOrderMode.ForwardOverForward => new(_byOrder[2], QueryKind.HessianForward, $"hessian (ForwardOverForward) of {Description}"),
            SecondOrderMode.ForwardOverReverse => new(_byOrder[2], QueryKind.HessianReverse, $"hessian (ForwardOverReverse) of {Description}"),
            _ => throw Unsupported(mode),
        };
    }

    /// <summary>
    /// The Hessian-vector product of every output, <c>H_i v</c>: shape <c>[m, d]</c>; a call takes
    /// <c>2d</c> inputs, <c>x</c> followed by <c>v</c> (a batch row is the same 2d values).
    /// Forward-over-forward propagates <c>2 + 2d</c> rows; forward-over-reverse <c>2 + 2m</c>;
    /// <see cref="SecondOrderMode.Auto"/> picks the fewer.
    /// </summary>
    public LayerQuery HessianVectorProduct(SecondOrderMode mode = SecondOrderMode.Auto)
    {
        if (mode == SecondOrderMode.Auto) mode = InputLength < OutputLength ? SecondOrderMode.ForwardOverForward : SecondOrderMode.ForwardOverReverse;
        return mode switch
        {
            SecondOrderMode.ForwardOverForward => new(_byOrder[2], QueryKind.HvpForward, $"hvp (ForwardOverForward) of {Description}"),
            SecondOrderMode.ForwardOverReverse => new(_byOrder[2], QueryKind.HvpReverse, $"hvp (ForwardOverReverse) of {Description}"),
            _ => throw Unsupported(mode),
        };
    }

    /// <summary>The second-order Jacobian <c>∂²y_i/∂x_j²</c>: shape <c>[m, d]</c>. All d directions and
    /// their second-order terms travel together: <c>1 + 2d</c> rows per input.</summary>
    public LayerQuery SecondOrderJacobian() => new(_byOrder[2], QueryKind.SecondOrderJacobian, $"second-order jacobian of {Description}");

    /// <summary>The Laplacian <c>Σ_j ∂²y_i/∂x_j²</c>: shape <c>[m]</c>, by the forward Laplacian: d
    /// tangent rows and one summed second-order row, <c>d + 2</c> rows per input.</summary>
    public LayerQuery Laplacian() => new(_byOrder[2], QueryKind.Laplacian, $"laplacian of {Description}");

    /// <inheritdoc/>
    public override string ToString() => $"{Description}: {InputLength} -> {string.Join(" -> ", _byOrder[0].Select(s => s.Out))} (tensor level)";

    private static ArgumentOutOfRangeException Unsupported(SecondOrderMode mode) =>
        new(nameof(mode), mode, "The tensor level offers Auto, ForwardOverForward and ForwardOverReverse.");
}

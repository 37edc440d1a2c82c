namespace TapeAD.Layers;

/// <summary>What a <see cref="TensorQuery"/> computes and how it propagates.</summary>
internal enum QueryKind
{
    Value,
    /// <summary>d tangent rows forward.</summary>
    JacobianForward,
    /// <summary>Values forward, m adjoint rows back (one for a gradient).</summary>
    JacobianReverse,
    /// <summary>d tangent rows and d(d+1)/2 second-order rows forward.</summary>
    HessianForward,
    /// <summary>d tangent rows forward; m adjoints and their d tangents back.</summary>
    HessianReverse,
    /// <summary>d one-hot tangents and v forward, with the d second-order rows (e_j, v).</summary>
    HvpForward,
    /// <summary>The tangent along v forward; m adjoints (one for one output) and their tangent along v back.</summary>
    HvpReverse,
    /// <summary>d tangent rows and d second-order rows (e_j, e_j) forward.</summary>
    SecondOrderJacobian,
    /// <summary>d tangent rows and one summed second-order row forward (the forward Laplacian).</summary>
    Laplacian,
    /// <summary>d tangent rows forward; m adjoint rows back, each nonlinear node adding its curvature into the Hessians.</summary>
    HessianCurvature,
    /// <summary>d tangent rows forward; m adjoint rows back, each nonlinear node adding its curvature into the diagonals.</summary>
    SecondOrderJacobianCurvature,
}

internal static class QueryKinds
{
    public static bool IsReverse(this QueryKind kind) => kind is QueryKind.JacobianReverse or QueryKind.HessianReverse or QueryKind.HvpReverse
        or QueryKind.HessianCurvature or QueryKind.SecondOrderJacobianCurvature;

    /// <summary>Whether the sweep back adds each nonlinear node's curvature into the result (its adjoint groups carry no tangents).</summary>
    public static bool IsCurvature(this QueryKind kind) => kind is QueryKind.HessianCurvature or QueryKind.SecondOrderJacobianCurvature;

    /// <summary>Rows one input propagates forward (value, tangents, second-order) and back (adjoint groups × (1 + tangents)),
    /// for <paramref name="d"/> inputs and <paramref name="outputs"/> seeded outputs.</summary>
    public static (int Forward, int Reverse) Rows(this QueryKind kind, int d, int outputs) => kind switch
    {
        QueryKind.Value => (1, 0),
        QueryKind.JacobianForward => (1 + d, 0),
        QueryKind.JacobianReverse => (1, outputs),
        QueryKind.HessianForward => (1 + d + d * (d + 1) / 2, 0),
        QueryKind.HessianReverse => (1 + d, outputs * (1 + d)),
        QueryKind.HvpForward => (2 + 2 * d, 0),
        QueryKind.HvpReverse => (2, 2 * outputs),
        QueryKind.SecondOrderJacobian => (1 + 2 * d, 0),
        QueryKind.Laplacian => (2 + d, 0),
        QueryKind.HessianCurvature or QueryKind.SecondOrderJacobianCurvature => (1 + d, outputs),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}

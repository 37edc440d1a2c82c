namespace TapeAD.Layers;

/// <summary>What a <see cref="LayerQuery"/> computes and how it propagates.</summary>
internal enum QueryKind
{
    Value,
    /// <summary>d tangent rows forward.</summary>
    JacobianForward,
    /// <summary>Values forward, m adjoint rows back.</summary>
    JacobianReverse,
    /// <summary>d tangent rows and d(d+1)/2 second-order rows forward.</summary>
    HessianForward,
    /// <summary>d tangent rows forward; m adjoints and their d tangents back.</summary>
    HessianReverse,
    /// <summary>d one-hot tangents and v forward, with the d second-order rows (e_j, v).</summary>
    HvpForward,
    /// <summary>The tangent along v forward; m adjoints and their tangent along v back.</summary>
    HvpReverse,
    /// <summary>d tangent rows and d second-order rows (e_j, e_j) forward.</summary>
    SecondOrderJacobian,
    /// <summary>d tangent rows and one summed second-order row forward (the forward Laplacian).</summary>
    Laplacian,
}

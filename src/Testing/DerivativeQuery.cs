namespace TapeAD.Testing;

/// <summary>The derivative queries of a <see cref="Tape.TapeFunction"/> that <see cref="DerivativeChecker"/> checks.</summary>
public enum DerivativeQuery
{
    /// <summary><c>Gradient(k)</c>: one output's gradient, by reverse mode.</summary>
    Gradient,
    /// <summary><c>Jacobian(mode)</c>.</summary>
    Jacobian,
    /// <summary><c>Hessian(mode)</c>.</summary>
    Hessian,
    /// <summary><c>HessianVectorProduct(mode)</c> and <c>HessianVectorProduct(k)</c>.</summary>
    HessianVectorProduct,
    /// <summary><c>SecondOrderJacobian()</c>: the diagonals of the Hessians.</summary>
    SecondOrderJacobian,
    /// <summary><c>Laplacian()</c>: the traces of the Hessians.</summary>
    Laplacian,
}

namespace TapeAD.Tape;

/// <summary>How a first-order derivative is built.</summary>
public enum FirstOrderMode
{
    /// <summary>Chosen by cost: forward when there are no more inputs than outputs, else reverse.</summary>
    Auto,
    /// <summary>One forward (tangent) pass per input.</summary>
    Forward,
    /// <summary>One reverse (adjoint) pass per output.</summary>
    Reverse,
}

/// <summary>How a second-order derivative is built.</summary>
public enum SecondOrderMode
{
    /// <summary>Chosen by cost from the numbers of inputs and outputs.</summary>
    Auto,
    /// <summary>Forward over forward: second-order Taylor propagation along pairs of directions.</summary>
    ForwardOverForward,
    /// <summary>Forward over reverse: tangents of the reverse-mode gradient.</summary>
    ForwardOverReverse,
    /// <summary>Reverse over forward: adjoints of forward-mode directional derivatives.</summary>
    ReverseOverForward,
    /// <summary>Reverse over reverse: adjoints of every gradient entry.</summary>
    ReverseOverReverse,
    /// <summary>
    /// Tangents forward, then one sweep of first-order adjoints back in which every nonlinear step adds its
    /// adjoint times its own second derivative, contracted with its operands' tangents
    /// (<c>H = Σ_steps J_stepᵀ (ȳ_step ∇²φ_step) J_step</c>): d + 1 rows forward and one row back per output,
    /// where forward-over-reverse sends d + 1 back. Tensor level only (Hessian and second-order Jacobian).
    /// </summary>
    Curvature,
}

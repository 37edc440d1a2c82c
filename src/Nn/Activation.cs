namespace TapeAD.Nn;

/// <summary>
/// The elementwise activation of a <see cref="Dense"/> layer. Model files name them in lower case
/// (<see cref="Activations.NameOf"/>). ELU uses alpha 1 and leaky ReLU slope 0.01; GELU is the tanh form.
/// </summary>
public enum Activation
{
    /// <summary><c>x</c>; file name <c>identity</c>.</summary>
    Identity,
    /// <summary><c>max(x, 0)</c>; file name <c>relu</c>.</summary>
    Relu,
    /// <summary><c>x</c> for <c>x &gt; 0</c>, else <c>0.01 x</c>; file name <c>leaky_relu</c>.</summary>
    LeakyRelu,
    /// <summary><c>x</c> for <c>x &gt; 0</c>, else <c>exp(x) - 1</c>; file name <c>elu</c>.</summary>
    Elu,
    /// <summary><c>tanh(x)</c>; file name <c>tanh</c>.</summary>
    Tanh,
    /// <summary>The logistic function; file name <c>sigmoid</c>.</summary>
    Sigmoid,
    /// <summary><c>log(1 + exp(x))</c>; file name <c>softplus</c>.</summary>
    Softplus,
    /// <summary>GELU, tanh form; file name <c>gelu</c>.</summary>
    Gelu,
    /// <summary><c>x sigmoid(x)</c>; file name <c>silu</c>.</summary>
    Silu,
    /// <summary><c>sin(x)</c>; file name <c>sin</c>.</summary>
    Sin,
}

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
    /// <summary>PyTorch's <c>Softsign</c>, <c>x / (1 + |x|)</c>; file name <c>softsign</c>.</summary>
    Softsign,
    /// <summary>PyTorch's <c>Hardtanh</c>, x clamped to [-1, 1], derivative 0 at ±1; file name <c>hardtanh</c>.</summary>
    Hardtanh,
    /// <summary>PyTorch's <c>ReLU6</c>, x clamped to [0, 6], derivative 0 at 0 and 6; file name <c>relu6</c>.</summary>
    Relu6,
    /// <summary>PyTorch's <c>Hardsigmoid</c>, <c>(x + 3) / 6</c> clamped to [0, 1]; file name <c>hardsigmoid</c>.</summary>
    Hardsigmoid,
    /// <summary>PyTorch's <c>Hardswish</c>, <c>x (x + 3) / 6</c> on [-3, 3], 0 below, x above; file name <c>hardswish</c>.</summary>
    Hardswish,
    /// <summary>PyTorch's <c>Mish</c>, <c>x tanh(softplus(x))</c>; file name <c>mish</c>.</summary>
    Mish,
    /// <summary>PyTorch's <c>Tanhshrink</c>, <c>x - tanh(x)</c>; file name <c>tanhshrink</c>.</summary>
    Tanhshrink,
}

namespace TapeAD.Tape;

/// <summary>The primitive operations a <see cref="Graph"/> node can hold.</summary>
/// <remarks>
/// Everything else (relu, elu, gelu, silu, ...) is composed from these by <see cref="VarMath"/>,
/// so a derivative rule exists only for the entries here (see <see cref="Primitives"/>).
/// </remarks>
public enum Op : byte
{
    /// <summary>A constant; its value is the node's <see cref="Graph.ConstantOf"/>.</summary>
    Constant,
    /// <summary>Input number <see cref="Graph.InputIndexOf"/> of the function.</summary>
    Input,
    /// <summary><c>a + b</c>.</summary>
    Add,
    /// <summary><c>a - b</c>.</summary>
    Sub,
    /// <summary><c>a * b</c>.</summary>
    Mul,
    /// <summary><c>a / b</c>.</summary>
    Div,
    /// <summary><c>-a</c>.</summary>
    Neg,
    /// <summary><c>exp(a)</c>.</summary>
    Exp,
    /// <summary><c>log(a)</c>, natural logarithm.</summary>
    Log,
    /// <summary><c>sqrt(a)</c>.</summary>
    Sqrt,
    /// <summary><c>a^k</c> for the constant exponent k held by the node.</summary>
    PowConst,
    /// <summary><c>tanh(a)</c>.</summary>
    Tanh,
    /// <summary><c>1 / (1 + exp(-a))</c>.</summary>
    Sigmoid,
    /// <summary><c>log(1 + exp(a))</c>, evaluated without overflow.</summary>
    Softplus,
    /// <summary><c>sin(a)</c>.</summary>
    Sin,
    /// <summary><c>cos(a)</c>.</summary>
    Cos,
    /// <summary><c>a &gt; b</c> as 1 or 0; NaN when either operand is NaN. Its derivative is zero.</summary>
    Greater,
    /// <summary><c>cond ? ifTrue : ifFalse</c> for a condition that is 1 or 0; NaN when the condition is NaN.</summary>
    Select,
    /// <summary><c>erf(a)</c>, the error function.</summary>
    Erf,
    /// <summary><c>|a|</c>; its derivative is <c>sign(a)</c>, so <c>abs'(0) = 0</c> as in PyTorch and JAX.</summary>
    Abs,
    /// <summary><c>sign(a)</c>: 1, -1, or <c>a</c> itself for ±0 and NaN. Its derivative is zero.</summary>
    Sign,
    /// <summary><c>a^b</c> for two graph operands (<see cref="PowConst"/> when b is a constant).</summary>
    Pow,
    /// <summary><c>log(1 + a)</c>, accurate for tiny a.</summary>
    Log1p,
    /// <summary><c>exp(a) - 1</c>, accurate for tiny a.</summary>
    Expm1,
    /// <summary><c>tan(a)</c>.</summary>
    Tan,
    /// <summary><c>atan(a)</c>.</summary>
    Atan,
    /// <summary><c>atan2(a, b)</c>: the angle of the point (x = b, y = a).</summary>
    Atan2,
    /// <summary><c>asin(a)</c>.</summary>
    Asin,
    /// <summary><c>acos(a)</c>.</summary>
    Acos,
    /// <summary><c>sinh(a)</c>.</summary>
    Sinh,
    /// <summary><c>cosh(a)</c>.</summary>
    Cosh,
    /// <summary><c>asinh(a)</c>.</summary>
    Asinh,
    /// <summary><c>atanh(a)</c>.</summary>
    Atanh,
}

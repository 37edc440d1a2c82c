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
}

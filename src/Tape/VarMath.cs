namespace TapeAD.Tape;

/// <summary>
/// Math functions on traced values. Piecewise functions are composed from <see cref="Op.Greater"/>
/// and <see cref="Op.Select"/> with the conventions PyTorch uses at their kinks: the derivative at 0
/// is the left one (<c>relu'(0) = 0</c>, <c>leaky_relu'(0) = slope</c>, <c>elu'(0) = alpha</c>),
/// <c>abs'(0) = 0</c>, a tie of <see cref="Max(Var, Var)"/> or <see cref="Min(Var, Var)"/> splits the
/// derivative evenly, <see cref="Clamp(Var, Var, Var)"/> passes it at its bounds and
/// <see cref="Hardtanh"/> does not. A NaN input gives NaN, through the comparison.
/// </summary>
public static partial class VarMath
{
    private const double SqrtTwoOverPi = 0.79788456080286536;
    private const double SqrtHalf = 0.70710678118654752;
    private const double SeluAlpha = 1.67326319217681884765625;
    private const double SeluGamma = 1.05070102214813232421875;

    /// <summary><c>exp(x)</c>.</summary>
    public static Var Exp(Var x) => Unary(Op.Exp, x);
    /// <summary><c>log(x)</c>.</summary>
    public static Var Log(Var x) => Unary(Op.Log, x);
    /// <summary><c>sqrt(x)</c>.</summary>
    public static Var Sqrt(Var x) => Unary(Op.Sqrt, x);
    /// <summary><c>x^k</c> for a constant exponent.</summary>
    public static Var Pow(Var x, double k) => x.With(x.Graph.PowConst(x.Node, k));
    /// <summary><c>tanh(x)</c>.</summary>
    public static Var Tanh(Var x) => Unary(Op.Tanh, x);
    /// <summary>The logistic function <c>1 / (1 + exp(-x))</c>.</summary>
    public static Var Sigmoid(Var x) => Unary(Op.Sigmoid, x);
    /// <summary><c>log(1 + exp(x))</c>.</summary>
    public static Var Softplus(Var x) => Unary(Op.Softplus, x);
    /// <summary><c>sin(x)</c>.</summary>
    public static Var Sin(Var x) => Unary(Op.Sin, x);
    /// <summary><c>cos(x)</c>.</summary>
    public static Var Cos(Var x) => Unary(Op.Cos, x);

    /// <summary>The error function <c>erf(x)</c>.</summary>
    public static Var Erf(Var x) => Unary(Op.Erf, x);

    /// <summary><c>x^y</c> for a traced exponent. <c>∂/∂x = 0</c> where <c>y = 0</c> and
    /// <c>∂/∂y = 0</c> where <c>x = 0</c> and <c>y &gt;= 0</c> (PyTorch's values; the textbook formulas
    /// give NaN there). A constant exponent records <see cref="Pow(Var, double)"/>.</summary>
    public static Var Pow(Var x, Var y)
    {
        Var.SameGraph(x, y);
        return x.Graph.OpOf(y.Node) == Op.Constant ? Pow(x, x.Graph.ConstantOf(y.Node)) : Var.Binary(Op.Pow, x, y);
    }

    /// <summary><c>b^y</c> for a constant base, e.g. <c>10.31^y</c>.</summary>
    public static Var Pow(double b, Var y) => Var.Binary(Op.Pow, y.Const(b), y);

    /// <summary><c>log(1 + x)</c>, accurate for tiny x.</summary>
    public static Var Log1p(Var x) => Unary(Op.Log1p, x);
    /// <summary><c>exp(x) - 1</c>, accurate for tiny x.</summary>
    public static Var Expm1(Var x) => Unary(Op.Expm1, x);
    /// <summary><c>tan(x)</c>.</summary>
    public static Var Tan(Var x) => Unary(Op.Tan, x);
    /// <summary><c>atan(x)</c>.</summary>
    public static Var Atan(Var x) => Unary(Op.Atan, x);
    /// <summary><c>atan2(y, x)</c>, the angle of the point (x, y); its derivative is NaN at the origin.</summary>
    public static Var Atan2(Var y, Var x) => Var.Binary(Op.Atan2, y, x);
    /// <summary><c>asin(x)</c>.</summary>
    public static Var Asin(Var x) => Unary(Op.Asin, x);
    /// <summary><c>acos(x)</c>.</summary>
    public static Var Acos(Var x) => Unary(Op.Acos, x);
    /// <summary><c>sinh(x)</c>.</summary>
    public static Var Sinh(Var x) => Unary(Op.Sinh, x);
    /// <summary><c>cosh(x)</c>.</summary>
    public static Var Cosh(Var x) => Unary(Op.Cosh, x);
    /// <summary><c>asinh(x)</c>.</summary>
    public static Var Asinh(Var x) => Unary(Op.Asinh, x);
    /// <summary><c>atanh(x)</c>.</summary>
    public static Var Atanh(Var x) => Unary(Op.Atanh, x);

    /// <summary>1 where <c>a &gt; b</c>, else 0 (NaN if either is NaN). Its derivative is zero.</summary>
    public static Var Greater(Var a, Var b) => Var.Binary(Op.Greater, a, b);

    /// <summary><paramref name="ifTrue"/> where <paramref name="condition"/> is 1, <paramref name="ifFalse"/> where it is 0.</summary>
    public static Var Select(Var condition, Var ifTrue, Var ifFalse)
    {
        Var.SameGraph(condition, ifTrue);
        Var.SameGraph(condition, ifFalse);
        return condition.With(condition.Graph.Select(condition.Node, ifTrue.Node, ifFalse.Node));
    }

    /// <summary><c>max(x, 0)</c>; <c>relu'(0) = 0</c>.</summary>
    public static Var Relu(Var x) => Select(Positive(x), x, x.Const(0));

    /// <summary><c>x</c> for <c>x &gt; 0</c>, else <c>slope * x</c>.</summary>
    public static Var LeakyRelu(Var x, double slope = 0.01) => Select(Positive(x), x, slope * x);

    /// <summary><c>x</c> for <c>x &gt; 0</c>, else <c>alpha * (exp(x) - 1)</c>.</summary>
    /// <remarks>The exponential is of <c>min(x, 0)</c>: the same value wherever its branch is chosen,
    /// and finite where it is not, so no derivative mode, however nested, meets <c>0 · exp(1000) = 0 · Inf</c>.</remarks>
    public static Var Elu(Var x, double alpha = 1.0)
    {
        var positive = Positive(x);
        return Select(positive, x, alpha * (Exp(NonPositivePart(positive, x)) - 1.0));
    }

    /// <summary>GELU in its tanh form: <c>0.5 x (1 + tanh(sqrt(2/π) (x + 0.044715 x³)))</c>.</summary>
    public static Var Gelu(Var x) => 0.5 * x * (1.0 + Tanh(SqrtTwoOverPi * (x + 0.044715 * (x * x * x))));

    /// <summary>GELU in its exact form: <c>0.5 x (1 + erf(x / sqrt 2))</c>.</summary>
    public static Var GeluErf(Var x) => 0.5 * x * (1.0 + Erf(SqrtHalf * x));

    /// <summary>SELU with the constants of ONNX and PyTorch: <c>gamma x</c> for <c>x &gt; 0</c>, else
    /// <c>gamma alpha (exp(x) - 1)</c>, alpha = 1.67326319217681884765625, gamma = 1.05070102214813232421875
    /// (the float32 values); <c>selu'(0)</c> is the left derivative, <c>gamma alpha</c>.</summary>
    /// <remarks>As in <see cref="Elu"/>, the exponential is of <c>min(x, 0)</c>.</remarks>
    public static Var Selu(Var x)
    {
        var positive = Positive(x);
        return Select(positive, SeluGamma * x, (SeluGamma * SeluAlpha) * (Exp(NonPositivePart(positive, x)) - 1.0));
    }

    /// <summary>SiLU (swish): <c>x * sigmoid(x)</c>.</summary>
    public static Var Silu(Var x) => x * Sigmoid(x);

    private static Var Positive(Var x) => Greater(x, x.Const(0));

    private static Var NonPositivePart(Var positive, Var x) => Select(positive, x.Const(0), x);

    private static Var Unary(Op op, Var x)
    {
        if (x.Graph == null) throw new ArgumentException("A Var must come from a graph (default(Var) is not a value).", nameof(x));
        return x.With(x.Graph.Unary(op, x.Node));
    }
}

namespace TapeAD.Tape;

// Comparisons, abs/sign, max/min/clamp and the piecewise activations PyTorch has as modules.
// Everything but abs and sign is built from Greater and Select, so derivatives flow through the
// chosen branch only and a discarded branch's infinite derivative never meets a zero factor.
public static partial class VarMath
{
    /// <summary><c>|x|</c>; <c>abs'(0) = 0</c>, as in PyTorch and JAX.</summary>
    public static Var Abs(Var x) => Unary(Op.Abs, x);

    /// <summary><c>sign(x)</c>: 1, -1, or x itself for ±0 and NaN. Its derivative is zero.</summary>
    public static Var Sign(Var x) => Unary(Op.Sign, x);

    /// <summary>1 where <c>a &lt; b</c>, else 0 (NaN if either is NaN). Its derivative is zero.</summary>
    public static Var Less(Var a, Var b) => Greater(b, a);

    /// <summary>1 where <c>a &gt;= b</c>, else 0 (NaN if either is NaN). Its derivative is zero.</summary>
    public static Var GreaterOrEqual(Var a, Var b) => 1.0 - Greater(b, a);

    /// <summary>1 where <c>a &lt;= b</c>, else 0 (NaN if either is NaN). Its derivative is zero.</summary>
    public static Var LessOrEqual(Var a, Var b) => 1.0 - Greater(a, b);

    /// <summary>1 where <c>a == b</c>, else 0 (NaN if either is NaN). Its derivative is zero.</summary>
    public static Var Equal(Var a, Var b) => LessOrEqual(a, b) * GreaterOrEqual(a, b);

    /// <summary>1 where <c>a != b</c>, else 0 (NaN if either is NaN). Its derivative is zero.</summary>
    public static Var NotEqual(Var a, Var b) => 1.0 - Equal(a, b);

    /// <summary>The larger of a and b (NaN if either is NaN). At a tie each operand gets half the
    /// derivative, as PyTorch's <c>maximum</c> does, so <c>max(x, x)' = 1</c>.</summary>
    public static Var Max(Var a, Var b) => Select(Greater(a, b), a, Select(Greater(b, a), b, Tie(a, b)));

    /// <summary>The larger of x and a constant; at a tie x gets half the derivative (PyTorch's <c>maximum</c>).</summary>
    public static Var Max(Var x, double c) => Max(x, x.Const(c));

    /// <summary>The smaller of a and b (NaN if either is NaN). At a tie each operand gets half the
    /// derivative, as PyTorch's <c>minimum</c> does.</summary>
    public static Var Min(Var a, Var b) => Select(Greater(b, a), a, Select(Greater(a, b), b, Tie(a, b)));

    /// <summary>The smaller of x and a constant; at a tie x gets half the derivative (PyTorch's <c>minimum</c>).</summary>
    public static Var Min(Var x, double c) => Min(x, x.Const(c));

    /// <summary><c>min(max(x, lo), hi)</c>, as PyTorch's <c>clamp</c>: the derivative goes to x where
    /// <c>lo &lt;= x &lt;= hi</c> (bounds included), to the bound it is clamped to elsewhere; when
    /// <c>lo &gt; hi</c> the result is hi.</summary>
    public static Var Clamp(Var x, Var lo, Var hi)
    {
        var atLeastLo = Select(Greater(lo, x), lo, x);
        return Select(Greater(atLeastLo, hi), hi, atLeastLo);
    }

    /// <summary><see cref="Clamp(Var, Var, Var)"/> with constant bounds: derivative 1 on <c>[lo, hi]</c>, bounds included.</summary>
    public static Var Clamp(Var x, double lo, double hi) => Clamp(x, x.Const(lo), x.Const(hi));

    /// <summary>PyTorch's <c>Hardtanh</c>: x clamped to [lo, hi], with derivative 1 strictly inside and
    /// 0 at the bounds (PyTorch's <c>hardtanh_backward</c>, unlike <see cref="Clamp(Var, double, double)"/>).</summary>
    public static Var Hardtanh(Var x, double lo = -1, double hi = 1) =>
        Select(Greater(x, x.Const(lo)), Select(Greater(x.Const(hi), x), x, x.Const(hi)), x.Const(lo));

    /// <summary>PyTorch's <c>ReLU6</c>, <c>hardtanh(x, 0, 6)</c>: derivative 0 at 0 and at 6.</summary>
    public static Var Relu6(Var x) => Hardtanh(x, 0, 6);

    /// <summary>PyTorch's <c>Hardsigmoid</c>: <c>(x + 3) / 6</c> on (-3, 3), 0 below, 1 above; derivative 0 at ±3.</summary>
    public static Var Hardsigmoid(Var x) =>
        Select(Greater(x, x.Const(-3)), Select(Greater(x.Const(3), x), (x + 3.0) / 6.0, x.Const(1)), x.Const(0));

    /// <summary>PyTorch's <c>Hardswish</c>: <c>x (x + 3) / 6</c> on [-3, 3], 0 below, x above. The derivative at
    /// the bounds is the middle piece's (-0.5 at -3, 1.5 at 3), as PyTorch's <c>hardswish_backward</c>.</summary>
    public static Var Hardswish(Var x) =>
        Select(Greater(x.Const(-3), x), x.Const(0), Select(Greater(x, x.Const(3)), x, x * (x + 3.0) / 6.0));

    /// <summary>PyTorch's <c>Softsign</c>: <c>x / (1 + |x|)</c>.</summary>
    public static Var Softsign(Var x) => x / (1.0 + Abs(x));

    /// <summary>PyTorch's <c>Mish</c>: <c>x tanh(softplus(x))</c>.</summary>
    public static Var Mish(Var x) => x * Tanh(Softplus(x));

    /// <summary>PyTorch's <c>Tanhshrink</c>: <c>x - tanh(x)</c>.</summary>
    public static Var Tanhshrink(Var x) => x - Tanh(x);

    // The value at a tie a == b (or NaN), with derivative (a' + b')/2. It must be exactly a:
    // (a + b)/2 overflows beyond 2^1023 and a/2 + b/2 rounds odd subnormals, so each is used where
    // it is exact.
    private static Var Tie(Var a, Var b) => Select(Greater(a * a, a.Const(1)), 0.5 * a + 0.5 * b, 0.5 * (a + b));
}

using System.Reflection;
using System.Runtime.CompilerServices;

namespace TapeAD.Tape;

/// <summary>
/// The one place per primitive: its value (a static method shared by the interpreter, constant
/// folding and the compiler, so all three give the same bits) and its derivative rule, written in
/// graph operations.
/// </summary>
public static class Primitives
{
    /// <summary>Local partial derivatives of a node with respect to its operands A and B, as graph
    /// nodes; -1 where the derivative is structurally zero or the operand does not exist.</summary>
    internal delegate (int A, int B) PartialsRule(Graph g, int node);

    private sealed record Entry(Op Op, string Name, int Arity, bool Commutative, string? Method, PartialsRule? Partials);

    private const double TwoOverSqrtPi = 1.1283791670955126;

    // Select is absent from the rules on purpose: it is linear in its branches, so Forward and
    // Reverse route tangents through it instead of multiplying by an indicator (0 * Inf = NaN).
    private static readonly Entry[] Entries =
    [
        new(Op.Constant, "const", 0, false, null, null),
        new(Op.Input, "input", 0, false, null, null),
        new(Op.Add, "add", 2, true, nameof(Add), (g, n) => (g.One, g.One)),
        new(Op.Sub, "sub", 2, false, nameof(Sub), (g, n) => (g.One, g.Constant(-1))),
        new(Op.Mul, "mul", 2, true, nameof(Mul), (g, n) => (g.B(n), g.A(n))),
        new(Op.Div, "div", 2, false, nameof(Div), (g, n) => (g.Div(g.One, g.B(n)), g.Neg(g.Div(n, g.B(n))))),
        new(Op.Neg, "neg", 1, false, nameof(Neg), (g, n) => (g.Constant(-1), -1)),
        new(Op.Exp, "exp", 1, false, nameof(Math.Exp), (g, n) => (n, -1)),
        new(Op.Log, "log", 1, false, nameof(Math.Log), (g, n) => (g.Div(g.One, g.A(n)), -1)),
        new(Op.Sqrt, "sqrt", 1, false, nameof(Math.Sqrt), (g, n) => (g.Div(g.Constant(0.5), n), -1)),
        new(Op.PowConst, "pow", 1, false, nameof(Pow),
            (g, n) => (g.Mul(g.Constant(g.ConstantOf(n)), g.PowConst(g.A(n), g.ConstantOf(n) - 1)), -1)),
        new(Op.Tanh, "tanh", 1, false, nameof(Math.Tanh), (g, n) => (g.Sub(g.One, g.Mul(n, n)), -1)),
        new(Op.Sigmoid, "sigmoid", 1, false, nameof(Sigmoid), (g, n) => (g.Mul(n, g.Sub(g.One, n)), -1)),
        new(Op.Softplus, "softplus", 1, false, nameof(Softplus), (g, n) => (g.Unary(Op.Sigmoid, g.A(n)), -1)),
        new(Op.Sin, "sin", 1, false, nameof(Math.Sin), (g, n) => (g.Unary(Op.Cos, g.A(n)), -1)),
        new(Op.Cos, "cos", 1, false, nameof(Math.Cos), (g, n) => (g.Neg(g.Unary(Op.Sin, g.A(n))), -1)),
        new(Op.Greater, "greater", 2, false, nameof(Greater), (g, n) => (-1, -1)),
        new(Op.Select, "select", 3, false, nameof(Select), null),
        new(Op.Erf, "erf", 1, false, nameof(Erf),
            (g, n) => (g.Mul(g.Constant(TwoOverSqrtPi), g.Unary(Op.Exp, g.Neg(g.Mul(g.A(n), g.A(n))))), -1)),
    ];

    private static readonly MethodInfo?[] Methods = Entries.Select(Resolve).ToArray();
    private static readonly Func<double, double>?[] Unary = Methods.Select(m => Create<Func<double, double>>(m, 1)).ToArray();
    private static readonly Func<double, double, double>?[] Binary = Methods.Select(m => Create<Func<double, double, double>>(m, 2)).ToArray();

    static Primitives()
    {
        for (int i = 0; i < Entries.Length; i++)
            if ((int)Entries[i].Op != i) throw new InvalidOperationException($"Primitive table out of order at {Entries[i].Op}.");
    }

    /// <summary>The primitive's name, as printed in graph dumps.</summary>
    public static string NameOf(Op op) => Entries[(int)op].Name;

    /// <summary>Number of graph operands the primitive takes (PowConst's exponent is not an operand).</summary>
    public static int ArityOf(Op op) => Entries[(int)op].Arity;

    /// <summary>Whether the operands may be swapped (used for canonical ordering in hash-consing).</summary>
    public static bool IsCommutative(Op op) => Entries[(int)op].Commutative;

    /// <summary>
    /// The static method that computes the primitive's value: <c>double F(double)</c> for unary ops,
    /// <c>double F(double, double)</c> for binary ops and for <see cref="Op.PowConst"/> (value, exponent),
    /// <c>double F(double, double, double)</c> for <see cref="Op.Select"/>. Null for Constant and Input.
    /// </summary>
    public static MethodInfo? MethodOf(Op op) => Methods[(int)op];

    internal static PartialsRule? PartialsOf(Op op) => Entries[(int)op].Partials;

    /// <summary>Evaluates a primitive on numbers; <paramref name="k"/> is PowConst's exponent.</summary>
    public static double Evaluate(Op op, double a, double b, double c, double k)
    {
        if (op == Op.Select) return Select(a, b, c);
        if (op == Op.PowConst) return Pow(a, k);
        var unary = Unary[(int)op];
        if (unary != null) return unary(a);
        var binary = Binary[(int)op] ?? throw new ArgumentException($"{op} has no value function.", nameof(op));
        return binary(a, b);
    }

    /// <summary><c>a + b</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Add(double a, double b) => a + b;

    /// <summary><c>a - b</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sub(double a, double b) => a - b;

    /// <summary><c>a * b</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Mul(double a, double b) => a * b;

    /// <summary><c>a / b</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Div(double a, double b) => a / b;

    /// <summary><c>-a</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Neg(double a) => -a;

    /// <summary><c>a^k</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Pow(double a, double k) => Math.Pow(a, k);

    /// <summary><c>e^a</c> (<see cref="Elementwise.Exp(double)"/>: the SIMD batches give the same bits).</summary>
    public static double Exp(double a) => Elementwise.Exp(a);

    /// <summary>The natural logarithm (<see cref="Elementwise.Log(double)"/>).</summary>
    public static double Log(double a) => Elementwise.Log(a);

    /// <summary><c>tanh(a)</c> (<see cref="Elementwise.Tanh(double)"/>).</summary>
    public static double Tanh(double a) => Elementwise.Tanh(a);

    /// <summary><c>sin(a)</c> (<see cref="Elementwise.Sin(double)"/>).</summary>
    public static double Sin(double a) => Elementwise.Sin(a);

    /// <summary><c>cos(a)</c> (<see cref="Elementwise.Cos(double)"/>).</summary>
    public static double Cos(double a) => Elementwise.Cos(a);

    /// <summary>The logistic function, without overflow: for negative <paramref name="a"/> it is
    /// <c>e/(1+e)</c> with <c>e = exp(a)</c>, which keeps the tiny (even subnormal) results that
    /// <c>1/(1+exp(-a))</c> would lose to <c>exp(-a) = Inf</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sigmoid(double a) => Elementwise.Sigmoid(a);

    /// <summary><c>log(1 + exp(a))</c> without overflow for large <paramref name="a"/>
    /// and without losing the tiny result for very negative <paramref name="a"/>.</summary>
    public static double Softplus(double a) => Elementwise.Softplus(a);

    /// <summary><c>log(1 + x)</c>, accurate for tiny x (the rounding of <c>1 + x</c> is corrected).</summary>
    public static double Log1P(double x) => Elementwise.Log1P(x);

    /// <summary>1 if <c>a &gt; b</c>, 0 if <c>a &lt;= b</c>, NaN if either is NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Greater(double a, double b) => a > b ? 1.0 : a <= b ? 0.0 : double.NaN;

    /// <summary><paramref name="ifTrue"/> when the condition is positive, <paramref name="ifFalse"/> when it
    /// is zero, NaN when it is NaN (so a NaN input reaches the output through a comparison).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Select(double condition, double ifTrue, double ifFalse) =>
        condition > 0 ? ifTrue : condition == 0 ? ifFalse : double.NaN;

    /// <summary>The error function, below 1 ulp (<see cref="Elementwise.Erf(double)"/>).</summary>
    public static double Erf(double a) => Elementwise.Erf(a);

    private static MethodInfo? Resolve(Entry e)
    {
        if (e.Method == null) return null;
        var owner = typeof(Primitives).GetMethod(e.Method, BindingFlags.Public | BindingFlags.Static) != null
            ? typeof(Primitives) : typeof(Math);
        var parameters = Enumerable.Repeat(typeof(double), e.Op == Op.PowConst ? 2 : e.Arity).ToArray();
        return owner.GetMethod(e.Method, BindingFlags.Public | BindingFlags.Static, parameters)
            ?? throw new InvalidOperationException($"No method {e.Method} for {e.Op}.");
    }

    private static T? Create<T>(MethodInfo? m, int arity) where T : Delegate =>
        m != null && m.GetParameters().Length == arity ? m.CreateDelegate<T>() : null;
}

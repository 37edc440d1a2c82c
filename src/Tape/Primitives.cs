using System.Reflection;
using System.Runtime.CompilerServices;

namespace TapeAD.Tape;

/// <summary>
/// The one place per primitive: its value (a static method of this class shared by the interpreter,
/// constant folding and the compiler, so all three give the same bits), its derivative rule written
/// in graph operations, its rounding (read by the derivative checker's error bound) and its kink
/// (where its derivative jumps, read by the checker's finite differences).
/// </summary>
public static class Primitives
{
    /// <summary>Local partial derivatives of a node with respect to its operands A and B, as graph
    /// nodes; -1 where the derivative is structurally zero or the operand does not exist.</summary>
    internal delegate (int A, int B) PartialsRule(Graph g, int node);

    /// <summary>The node whose sign change is a kink of the primitive (its derivative jumps where it
    /// crosses 0), built on <paramref name="g"/> from the node's operands.</summary>
    internal delegate int GapRule(Graph g, int node);

    /// <param name="Op">The primitive; entries are in enum order.</param>
    /// <param name="Name">The name printed in graph dumps.</param>
    /// <param name="Arity">Graph operands (PowConst's exponent is not one).</param>
    /// <param name="Commutative">Whether the operands may be swapped for hash-consing.</param>
    /// <param name="Method">The value method of this class, null for Constant and Input.</param>
    /// <param name="Partials">The derivative rule; null only for leaves and Select, whose tangents
    /// Forward and Reverse route through the chosen branch.</param>
    /// <param name="Ulps">The value method's own rounding error, in units in the last place of the result
    /// (0 for exact operations, 1 for correctly rounded ones, more for library functions).</param>
    /// <param name="Gap">The kink, or null for a smooth primitive.</param>
    private sealed record Entry(Op Op, string Name, int Arity, bool Commutative, string? Method, PartialsRule? Partials,
        double Ulps, GapRule? Gap = null);

    private const double TwoOverSqrtPi = 1.1283791670955126;

    // Select is absent from the rules on purpose: it is linear in its branches, so Forward and
    // Reverse route tangents through it instead of multiplying by an indicator (0 * Inf = NaN).
    // Rules keep accuracy where the textbook formula loses it: (1 - a)(1 + a) instead of 1 - a²
    // near ±1 (asin, acos, atanh), and no overflow of a² for asinh of a huge a.
    private static readonly Entry[] Entries =
    [
        new(Op.Constant, "const", 0, false, null, null, 0),
        new(Op.Input, "input", 0, false, null, null, 0),
        new(Op.Add, "add", 2, true, nameof(Add), (g, n) => (g.One, g.One), 1),
        new(Op.Sub, "sub", 2, false, nameof(Sub), (g, n) => (g.One, g.Constant(-1)), 1),
        new(Op.Mul, "mul", 2, true, nameof(Mul), (g, n) => (g.B(n), g.A(n)), 1),
        new(Op.Div, "div", 2, false, nameof(Div), (g, n) => (g.Div(g.One, g.B(n)), g.Neg(g.Div(n, g.B(n)))), 1),
        new(Op.Neg, "neg", 1, false, nameof(Neg), (g, n) => (g.Constant(-1), -1), 0),
        new(Op.Exp, "exp", 1, false, nameof(Exp), (g, n) => (n, -1), 2),
        new(Op.Log, "log", 1, false, nameof(Log), (g, n) => (g.Div(g.One, g.A(n)), -1), 2),
        new(Op.Sqrt, "sqrt", 1, false, nameof(Sqrt), (g, n) => (g.Div(g.Constant(0.5), n), -1), 1),
        new(Op.PowConst, "pow", 1, false, nameof(Pow),
            (g, n) => (g.Mul(g.Constant(g.ConstantOf(n)), g.PowConst(g.A(n), g.ConstantOf(n) - 1)), -1), 2),
        new(Op.Tanh, "tanh", 1, false, nameof(Tanh), (g, n) => (g.Sub(g.One, g.Mul(n, n)), -1), 2),
        new(Op.Sigmoid, "sigmoid", 1, false, nameof(Sigmoid), (g, n) => (g.Mul(n, g.Sub(g.One, n)), -1), 4),
        new(Op.Softplus, "softplus", 1, false, nameof(Softplus), (g, n) => (g.Unary(Op.Sigmoid, g.A(n)), -1), 4),
        new(Op.Sin, "sin", 1, false, nameof(Sin), (g, n) => (g.Unary(Op.Cos, g.A(n)), -1), 2),
        new(Op.Cos, "cos", 1, false, nameof(Cos), (g, n) => (g.Neg(g.Unary(Op.Sin, g.A(n))), -1), 2),
        new(Op.Greater, "greater", 2, false, nameof(Greater), (g, n) => (-1, -1), 0, (g, n) => g.Sub(g.A(n), g.B(n))),
        new(Op.Select, "select", 3, false, nameof(Select), null, 0),
        new(Op.Erf, "erf", 1, false, nameof(Erf),
            (g, n) => (g.Mul(g.Constant(TwoOverSqrtPi), g.Unary(Op.Exp, g.Neg(g.Mul(g.A(n), g.A(n))))), -1), 2),
        new(Op.Abs, "abs", 1, false, nameof(Abs), (g, n) => (g.Unary(Op.Sign, g.A(n)), -1), 0, (g, n) => g.A(n)),
        new(Op.Sign, "sign", 1, false, nameof(Sign), (g, n) => (-1, -1), 0, (g, n) => g.A(n)),
        new(Op.Pow, "pow", 2, false, nameof(Pow), PowPartials, 2),
        new(Op.Log1p, "log1p", 1, false, nameof(Log1P), (g, n) => (g.Div(g.One, g.Add(g.One, g.A(n))), -1), 4),
        new(Op.Expm1, "expm1", 1, false, nameof(Expm1), (g, n) => (g.Unary(Op.Exp, g.A(n)), -1), 4),
        new(Op.Tan, "tan", 1, false, nameof(Tan), (g, n) => (g.Add(g.One, g.Mul(n, n)), -1), 2),
        new(Op.Atan, "atan", 1, false, nameof(Atan), (g, n) => (g.Div(g.One, g.Add(g.One, g.Mul(g.A(n), g.A(n)))), -1), 2),
        new(Op.Atan2, "atan2", 2, false, nameof(Atan2), Atan2Partials, 2),
        new(Op.Asin, "asin", 1, false, nameof(Asin), (g, n) => (g.Div(g.One, g.Unary(Op.Sqrt, OneMinusSquare(g, g.A(n)))), -1), 2),
        new(Op.Acos, "acos", 1, false, nameof(Acos), (g, n) => (g.Neg(g.Div(g.One, g.Unary(Op.Sqrt, OneMinusSquare(g, g.A(n))))), -1), 2),
        new(Op.Sinh, "sinh", 1, false, nameof(Sinh), (g, n) => (g.Unary(Op.Cosh, g.A(n)), -1), 2),
        new(Op.Cosh, "cosh", 1, false, nameof(Cosh), (g, n) => (g.Unary(Op.Sinh, g.A(n)), -1), 2),
        new(Op.Asinh, "asinh", 1, false, nameof(Asinh), AsinhPartials, 2),
        new(Op.Atanh, "atanh", 1, false, nameof(Atanh), (g, n) => (g.Div(g.One, OneMinusSquare(g, g.A(n))), -1), 2),
    ];

    private static readonly MethodInfo?[] Methods = Entries.Select(Resolve).ToArray();
    private static readonly Func<double, double>?[] Unary = Methods.Select(m => Create<Func<double, double>>(m, 1)).ToArray();
    private static readonly Func<double, double, double>?[] Binary = Methods.Select(m => Create<Func<double, double, double>>(m, 2)).ToArray();

    static Primitives()
    {
        if (Entries.Length != Enum.GetValues<Op>().Length)
            throw new InvalidOperationException($"The primitive table has {Entries.Length} entries for {Enum.GetValues<Op>().Length} ops.");
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

    /// <summary>Whether the primitive has a derivative rule (every op but Constant, Input and Select,
    /// whose tangents Forward and Reverse route through the chosen branch).</summary>
    public static bool HasPartials(Op op) => Entries[(int)op].Partials != null;

    /// <summary>Appends to <paramref name="g"/> the local partial derivatives of <paramref name="node"/>
    /// with respect to its operands A and B, by the primitive's derivative rule; -1 where a partial is
    /// structurally zero or the operand does not exist.</summary>
    /// <exception cref="ArgumentException">When the node's primitive has no rule (<see cref="HasPartials"/>).</exception>
    public static (int A, int B) Partials(Graph g, int node)
    {
        ArgumentNullException.ThrowIfNull(g);
        g.CheckNode(node, nameof(node));
        var rule = PartialsOf(g.OpOf(node))
            ?? throw new ArgumentException($"Expected a node with a derivative rule; node {node} holds {g.OpOf(node)}, which has none.", nameof(node));
        return rule(g, node);
    }

    /// <summary>The value method's own rounding error in ulps of its result: 0 for exact operations
    /// (negation, comparisons, abs), 1 for correctly rounded ones, 2 or more for library functions.</summary>
    public static double RoundingUlpsOf(Op op) => Entries[(int)op].Ulps;

    /// <summary>Whether the primitive's derivative jumps somewhere (comparisons, abs, sign).</summary>
    public static bool HasKink(Op op) => Entries[(int)op].Gap != null;

    /// <summary>The node that changes sign at the kink of <paramref name="node"/> (for <c>a &gt; b</c>
    /// it is <c>a - b</c>, for <c>|a|</c> it is <c>a</c>), appended to <paramref name="g"/>; -1 when smooth.</summary>
    public static int KinkGap(Graph g, int node)
    {
        ArgumentNullException.ThrowIfNull(g);
        g.CheckNode(node, nameof(node));
        return Entries[(int)g.OpOf(node)].Gap?.Invoke(g, node) ?? -1;
    }

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

    /// <summary><c>a^k</c>, for <see cref="Op.PowConst"/> and <see cref="Op.Pow"/> alike (same bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Pow(double a, double k) => Math.Pow(a, k);

    /// <summary><c>exp(a)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Exp(double a) => Math.Exp(a);

    /// <summary><c>log(a)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Log(double a) => Math.Log(a);

    /// <summary><c>sqrt(a)</c>, correctly rounded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sqrt(double a) => Math.Sqrt(a);

    /// <summary><c>tanh(a)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Tanh(double a) => Math.Tanh(a);

    /// <summary><c>sin(a)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sin(double a) => Math.Sin(a);

    /// <summary><c>cos(a)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Cos(double a) => Math.Cos(a);

    /// <summary><c>|a|</c>; <c>|-0| = 0</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Abs(double a) => Math.Abs(a);

    /// <summary>1 for positive <paramref name="a"/>, -1 for negative, and <paramref name="a"/> itself
    /// for ±0 and NaN (PyTorch's <c>sign</c>: 0 at 0, NaN for NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sign(double a) => a > 0 ? 1.0 : a < 0 ? -1.0 : a;

    /// <summary><c>exp(a) - 1</c>, accurate for tiny <paramref name="a"/> (Kahan: the rounding of
    /// <c>exp(a)</c> is divided out by <c>log</c> of the same rounded number).</summary>
    public static double Expm1(double a)
    {
        double u = Math.Exp(a);
        if (u == 1.0) return a;
        double um1 = u - 1.0;
        if (um1 == -1.0 || double.IsInfinity(u)) return um1;
        // a / log(u) is close to 1; forming um1 * a first would overflow for a near 709.
        return um1 * (a / Math.Log(u));
    }

    /// <summary><c>tan(a)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Tan(double a) => Math.Tan(a);

    /// <summary><c>atan(a)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Atan(double a) => Math.Atan(a);

    /// <summary><c>atan2(y, x)</c> with IEEE's conventions for zeros and infinities.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Atan2(double y, double x) => Math.Atan2(y, x);

    /// <summary><c>asin(a)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Asin(double a) => Math.Asin(a);

    /// <summary><c>acos(a)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Acos(double a) => Math.Acos(a);

    /// <summary><c>sinh(a)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sinh(double a) => Math.Sinh(a);

    /// <summary><c>cosh(a)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Cosh(double a) => Math.Cosh(a);

    /// <summary><c>asinh(a)</c>, the C library's (accurate for huge and tiny |a|).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Asinh(double a) => Math.Asinh(a);

    /// <summary><c>atanh(a)</c>, the C library's (accurate near 0 and ±1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Atanh(double a) => Math.Atanh(a);

    /// <summary>The logistic function, without overflow: for negative <paramref name="a"/> it is
    /// <c>e/(1+e)</c> with <c>e = exp(a)</c>, which keeps the tiny (even subnormal) results that
    /// <c>1/(1+exp(-a))</c> would lose to <c>exp(-a) = Inf</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sigmoid(double a)
    {
        if (a < 0)
        {
            double e = Math.Exp(a);
            return e / (1.0 + e);
        }
        return 1.0 / (1.0 + Math.Exp(-a));
    }

    /// <summary><c>log(1 + exp(a))</c> without overflow for large <paramref name="a"/>
    /// and without losing the tiny result for very negative <paramref name="a"/>.</summary>
    public static double Softplus(double a) => a > 0 ? a + Log1P(Math.Exp(-a)) : Log1P(Math.Exp(a));

    /// <summary><c>log(1 + x)</c>, accurate for tiny x (the rounding of <c>1 + x</c> is corrected).</summary>
    public static double Log1P(double x)
    {
        double u = 1.0 + x;
        if (u == 1.0) return x;
        double d = u - 1.0;
        // log(u) * x / (u - 1) cancels the rounding error of forming u; only valid while u is finite.
        return double.IsInfinity(u) ? Math.Log(u) : Math.Log(u) * (x / d);
    }

    /// <summary>1 if <c>a &gt; b</c>, 0 if <c>a &lt;= b</c>, NaN if either is NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Greater(double a, double b) => a > b ? 1.0 : a <= b ? 0.0 : double.NaN;

    /// <summary><paramref name="ifTrue"/> when the condition is positive, <paramref name="ifFalse"/> when it
    /// is zero, NaN when it is NaN (so a NaN input reaches the output through a comparison).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Select(double condition, double ifTrue, double ifFalse) =>
        condition > 0 ? ifTrue : condition == 0 ? ifFalse : double.NaN;

    /// <summary>The error function, accurate to about 1 ulp (<see cref="ErrorFunction"/>).</summary>
    public static double Erf(double a) => ErrorFunction.Erf(a);

    // d/da a^b = b a^(b-1), but 0 where a = b = 0 (0 · 0^-1 would be NaN); elsewhere the formula is
    // already 0 at b = 0, and keeping it there keeps its b-derivative, so the mixed second
    // derivatives agree in either order. d/db a^b = a^b log a, but 0 where a = 0 and b >= 0 (0^b is
    // constant there; 0 · log 0 = NaN). The values are PyTorch's pow_backward_self and pow_backward_exponent.
    private static (int A, int B) PowPartials(Graph g, int n)
    {
        int a = g.A(n), b = g.B(n), zero = g.Constant(0);
        int power = g.OpOf(b) == Op.Constant ? g.PowConst(a, g.ConstantOf(b) - 1) : g.Apply(Op.Pow, a, g.Sub(b, g.One));
        int byPower = g.Mul(b, power);
        int da = g.Select(g.Greater(g.Unary(Op.Abs, a), zero), byPower, g.Select(g.Greater(g.Unary(Op.Abs, b), zero), byPower, zero));
        int byLog = g.Mul(n, g.Unary(Op.Log, a));
        int db = g.Select(g.Greater(g.Unary(Op.Abs, a), zero), byLog, g.Select(g.Greater(zero, b), byLog, zero));
        return (da, db);
    }

    // atan2(y, x): (x, -y) / (x² + y²). NaN at the origin, where the angle has no derivative (as PyTorch).
    private static (int A, int B) Atan2Partials(Graph g, int n)
    {
        int y = g.A(n), x = g.B(n);
        int r = g.Add(g.Mul(x, x), g.Mul(y, y));
        return (g.Div(x, r), g.Neg(g.Div(y, r)));
    }

    // 1 / sqrt(1 + a²), written as (1/|a|) / sqrt(1 + 1/a²) for |a| > 1 so that a² cannot overflow.
    private static (int A, int B) AsinhPartials(Graph g, int n)
    {
        int a = g.A(n);
        int small = g.Div(g.One, g.Unary(Op.Sqrt, g.Add(g.One, g.Mul(a, a))));
        int r = g.Div(g.One, g.Unary(Op.Abs, a));
        int large = g.Div(r, g.Unary(Op.Sqrt, g.Add(g.One, g.Mul(r, r))));
        return (g.Select(g.Greater(g.Unary(Op.Abs, a), g.One), large, small), -1);
    }

    // 1 - a², as (1 - a)(1 + a): both factors are exact near ±1, where a² rounds away the difference.
    private static int OneMinusSquare(Graph g, int a) => g.Mul(g.Sub(g.One, a), g.Add(g.One, a));

    private static MethodInfo? Resolve(Entry e)
    {
        if (e.Method == null) return null;
        var parameters = Enumerable.Repeat(typeof(double), e.Op == Op.PowConst ? 2 : e.Arity).ToArray();
        return typeof(Primitives).GetMethod(e.Method, BindingFlags.Public | BindingFlags.Static, parameters)
            ?? throw new InvalidOperationException($"No method Primitives.{e.Method} for {e.Op}.");
    }

    private static T? Create<T>(MethodInfo? m, int arity) where T : Delegate =>
        m != null && m.GetParameters().Length == arity ? m.CreateDelegate<T>() : null;
}

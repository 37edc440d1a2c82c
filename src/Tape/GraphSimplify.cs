namespace TapeAD.Tape;

public sealed partial class Graph
{
    /// <summary>
    /// How far, in binary orders of magnitude, a value computed by an optimised graph may be from
    /// the values the literal graph computes: <see cref="Optimize"/> keeps every intermediate within
    /// a factor <c>2^64</c> of a literal value, so it can overflow or underflow only where the
    /// literal arithmetic comes within <c>2^64</c> of doing so itself.
    /// </summary>
    public const double MaxSeparation = 64;

    // The separation (|log2| of the factor) between the node being built and the literal value it
    // stands for: 0 for each node Optimize copies, more for the remainder a pulled-out constant leaves.
    private double _separation;

    /// <summary>
    /// Local rewrites applied on insert. Each is exact in IEEE arithmetic (up to the sign of a zero
    /// result): <c>x*0</c> is not folded, because <c>Inf*0</c> is NaN, nor <c>select(c, x, x)</c> to
    /// <c>x</c>, because a NaN condition makes it NaN.
    /// Returns the node to use instead, or -1 when the node must be created as asked.
    /// </summary>
    private int Simplify(Op op, int a, int b, int c, double k)
    {
        if (AllConstant(op, a, b, c))
            return FoldConstant(op, a, b, c, k);
        if (_reassociate)
        {
            int rewritten = Reassociate(op, a, b, c);
            if (rewritten >= 0) return rewritten;
        }

        switch (op)
        {
            case Op.Add:
                if (IsZero(a)) return b;
                if (IsZero(b)) return a;
                // Contributions from both branches of one select merge into one select.
                if (_op[a] == Op.Select && _op[b] == Op.Select && _a[a] == _a[b])
                    return Select(_a[a], Add(_b[a], _b[b]), Add(_c[a], _c[b]));
                if (_op[b] == Op.Neg) return Sub(a, _a[b]);
                if (_op[a] == Op.Neg) return Sub(b, _a[a]);
                break;
            case Op.Sub:
                if (IsZero(b)) return a;
                if (IsZero(a)) return Neg(b);
                if (_op[b] == Op.Neg) return Add(a, _a[b]);
                break;
            case Op.Mul:
                if (IsConstant(a, 1)) return b;
                if (IsConstant(b, 1)) return a;
                if (IsConstant(a, -1)) return Neg(b);
                if (IsConstant(b, -1)) return Neg(a);
                if (_op[a] == Op.Neg && _op[b] == Op.Neg) return Mul(_a[a], _a[b]);
                if (_op[a] == Op.Neg) return Neg(Mul(_a[a], b));
                if (_op[b] == Op.Neg) return Neg(Mul(a, _a[b]));
                break;
            case Op.Div:
                if (IsConstant(b, 1)) return a;
                if (IsConstant(b, -1)) return Neg(a);
                if (_op[a] == Op.Neg) return Neg(Div(_a[a], b));
                break;
            case Op.Neg:
                if (_op[a] == Op.Neg) return _a[a];
                break;
            case Op.PowConst:
                if (k == 1) return a;
                if (k == 0) return One;
                if (k == 2) return Mul(a, a);
                if (k == -1) return Div(One, a);
                break;
        }
        return -1;
    }

    /// <summary>The rewrites <see cref="Optimize"/> enables; -1 when none applies.</summary>
    private int Reassociate(Op op, int a, int b, int c)
    {
        switch (op)
        {
            case Op.Mul:
            {
                if (_op[b] == Op.Constant) (a, b) = (b, a);
                if (_op[a] != Op.Constant)
                {
                    // x·(k·y) → k·(x·y): constants move outward, where they meet and fold. x·y is the
                    // value divided by k, so the pull spends |log2 k| of the separation budget.
                    if (_op[b] == Op.Mul && ConstantOperand(b, out int kb, out int yb) && CanSeparate(kb))
                        return Mul(kb, Scaled(kb, Op.Mul, a, yb));
                    if (_op[a] == Op.Mul && ConstantOperand(a, out int ka, out int ya) && CanSeparate(ka))
                        return Mul(ka, Scaled(ka, Op.Mul, ya, b));
                    break;
                }
                // k₁·(k₂·x) → (k₁k₂)·x while the product is a normal number (no overflow, no
                // underflow, one rounding); and k·(-x) → (-k)·x, exact.
                if (_op[b] == Op.Mul && ConstantOperand(b, out int k2, out int x) && double.IsNormal(_k[a] * _k[k2]))
                    return Mul(Constant(_k[a] * _k[k2]), x);
                if (_op[b] == Op.Neg) return Mul(Constant(-_k[a]), _a[b]);
                break;
            }
            case Op.Neg:
                if (_op[a] == Op.Mul && ConstantOperand(a, out int k, out int y))
                    return Mul(Constant(-_k[k]), y);
                break;
            case Op.Select:
            {
                // select(c, k·x, 0) → k·select(c, x, 0): the select no longer depends on k, so
                // one select serves every direction that scales the same branch.
                // Exact for a finite k (Inf·0 would be NaN where the branch is discarded).
                if (IsZero(c) && ScaledByFiniteConstant(b, out int kb, out int xb))
                    return Mul(kb, Scaled(kb, Op.Select, a, xb, c));
                if (IsZero(b) && ScaledByFiniteConstant(c, out int kc, out int xc))
                    return Mul(kc, Scaled(kc, Op.Select, a, b, xc));
                // select(c, 0, k) → k·select(c, 0, 1): the indicator is shared by every k.
                if (IsZero(b) && IsScalableConstant(c)) return Mul(c, Select(a, b, One));
                if (IsZero(c) && IsScalableConstant(b)) return Mul(b, Select(a, One, c));
                // select(c, select(c, x, y), z) → select(c, x, z), and select(c, x, select(c, y, z)) →
                // select(c, x, z): the outer select takes a branch only where the inner one takes the
                // same, and a NaN or negative condition gives NaN either way.
                if (_op[b] == Op.Select && _a[b] == a) return Select(a, _b[b], c);
                if (_op[c] == Op.Select && _a[c] == a) return Select(a, b, _c[c]);
                // select(c, k, k·x) → k·select(c, 1, x), and select(c, k·x, k) → k·select(c, x, 1):
                // exact for a finite k (k·1 is k, k·NaN is NaN); a reverse sweep builds one such select
                // per seeded output, and all of them share the indicator.
                if (IsScalableConstant(b) && _op[c] == Op.Mul && ConstantOperand(c, out int kt, out int xt) && kt == b)
                    return Mul(b, Select(a, One, xt));
                if (IsScalableConstant(c) && _op[b] == Op.Mul && ConstantOperand(b, out int kf, out int xf) && kf == c)
                    return Mul(c, Select(a, xf, One));
                break;
            }
        }
        return -1;
    }

    /// <summary>Whether dividing the node being built by the constant <paramref name="k"/> keeps it
    /// within <see cref="MaxSeparation"/> of a literal value; false for 0, subnormal, infinite and NaN k.</summary>
    private bool CanSeparate(int k) => _separation + Math.Abs(Math.Log2(Math.Abs(_k[k]))) <= MaxSeparation;

    /// <summary>Builds the node whose value is the one being built divided by the constant <paramref name="k"/>,
    /// charging the separation that adds to it.</summary>
    private int Scaled(int k, Op op, int a, int b, int c = -1)
    {
        double outer = _separation;
        _separation = outer + Math.Abs(Math.Log2(Math.Abs(_k[k])));
        try
        {
            return Apply(op, a, b, c);
        }
        finally
        {
            _separation = outer;
        }
    }

    private bool ConstantOperand(int mul, out int constant, out int other)
    {
        (constant, other) = _op[_a[mul]] == Op.Constant ? (_a[mul], _b[mul]) : (_b[mul], _a[mul]);
        return _op[constant] == Op.Constant;
    }

    private bool ScaledByFiniteConstant(int node, out int constant, out int other)
    {
        constant = other = -1;
        return _op[node] == Op.Mul && ConstantOperand(node, out constant, out other) && double.IsFinite(_k[constant]);
    }

    private bool IsScalableConstant(int node) =>
        _op[node] == Op.Constant && double.IsFinite(_k[node]) && _k[node] != 0 && _k[node] != 1;

    private bool AllConstant(Op op, int a, int b, int c)
    {
        // A constant condition decides a Select whatever its branches are.
        if (op == Op.Select) return _op[a] == Op.Constant;
        return _op[a] == Op.Constant && (b < 0 || _op[b] == Op.Constant) && (c < 0 || _op[c] == Op.Constant);
    }

    private int FoldConstant(Op op, int a, int b, int c, double k)
    {
        if (op == Op.Select)
        {
            double condition = _k[a];
            return condition > 0 ? b : condition == 0 ? c : Constant(double.NaN);
        }
        double value = Primitives.Evaluate(op, _k[a], b < 0 ? 0 : _k[b], c < 0 ? 0 : _k[c], k);
        return Constant(value);
    }
}

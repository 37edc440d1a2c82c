namespace TapeAD.Tape;

public sealed partial class Graph
{
    /// <summary>
    /// Local rewrites applied on insert. Each is exact in IEEE arithmetic (up to the sign of a zero
    /// result): <c>x*0</c> is not folded, because <c>Inf*0</c> is NaN.
    /// Returns the node to use instead, or -1 when the node must be created as asked.
    /// </summary>
    private int Simplify(Op op, int a, int b, int c, double k)
    {
        if (AllConstant(op, a, b, c))
            return FoldConstant(op, a, b, c, k);

        switch (op)
        {
            case Op.Add:
                if (IsZero(a)) return b;
                if (IsZero(b)) return a;
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
            case Op.Select:
                if (b == c) return b;
                break;
        }
        return -1;
    }

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

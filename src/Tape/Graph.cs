using System.Globalization;
using System.Text;

namespace TapeAD.Tape;

/// <summary>
/// An append-only, hash-consed expression graph (a Wengert list). A node's operands always have
/// smaller indices, so index order is a topological order and every pass is a plain loop.
/// Inserting a node that already exists returns the existing one (common-subexpression
/// elimination), after local rewrites such as constant folding and <c>x*1 = x</c>.
/// </summary>
/// <remarks>A graph is not thread-safe while nodes are added; reading a finished graph is.</remarks>
public sealed partial class Graph
{
    private Op[] _op = new Op[64];
    private int[] _a = new int[64];
    private int[] _b = new int[64];
    private int[] _c = new int[64];
    private double[] _k = new double[64];
    private readonly Dictionary<NodeKey, int> _index = new();
    private int _inputCount;
    private bool _reassociate;

    private readonly record struct NodeKey(Op Op, int A, int B, int C, long K);

    /// <summary>Creates an empty graph.</summary>
    public Graph() => One = Constant(1.0);

    /// <summary>Number of nodes.</summary>
    public int Count { get; private set; }

    /// <summary>One more than the largest input index used by an <see cref="Input"/> node.</summary>
    public int InputCount => _inputCount;

    /// <summary>The constant 1, present in every graph.</summary>
    public int One { get; }

    /// <summary>The primitive of node <paramref name="node"/>.</summary>
    public Op OpOf(int node) => _op[node];

    /// <summary>First operand, or -1.</summary>
    public int A(int node) => _a[node];

    /// <summary>Second operand, or -1.</summary>
    public int B(int node) => _b[node];

    /// <summary>Third operand (only <see cref="Op.Select"/>), or -1.</summary>
    public int C(int node) => _c[node];

    /// <summary>The value of a <see cref="Op.Constant"/> node or the exponent of a <see cref="Op.PowConst"/> node.</summary>
    public double ConstantOf(int node) => _k[node];

    /// <summary>The input index of an <see cref="Op.Input"/> node.</summary>
    public int InputIndexOf(int node) => (int)_k[node];

    /// <summary>Whether the node is a constant equal to <paramref name="value"/> (bit for bit, so -0 is not 0).</summary>
    public bool IsConstant(int node, double value) =>
        _op[node] == Op.Constant && BitConverter.DoubleToInt64Bits(_k[node]) == BitConverter.DoubleToInt64Bits(value);

    /// <summary>Whether the node is a constant of either sign of zero.</summary>
    public bool IsZero(int node) => _op[node] == Op.Constant && _k[node] == 0.0;

    /// <summary>The constant node with this value.</summary>
    public int Constant(double value) => Intern(Op.Constant, -1, -1, -1, value);

    /// <summary>The node for input number <paramref name="index"/>.</summary>
    public int Input(int index)
    {
        if (index < 0) throw new ArgumentOutOfRangeException(nameof(index), index, "An input index must be 0 or more.");
        _inputCount = Math.Max(_inputCount, index + 1);
        return Intern(Op.Input, -1, -1, -1, index);
    }

    /// <summary>The input node for <paramref name="index"/> if the graph has one, else -1.</summary>
    public int FindInput(int index) =>
        _index.TryGetValue(new NodeKey(Op.Input, -1, -1, -1, BitConverter.DoubleToInt64Bits(index)), out int n) ? n : -1;

    /// <summary>Adds (or finds) a node applying a primitive, after local simplification.</summary>
    /// <param name="op">The primitive (not Constant or Input: use <see cref="Constant"/> and <see cref="Input"/>).</param>
    /// <param name="a">First operand.</param>
    /// <param name="b">Second operand, or -1.</param>
    /// <param name="c">Third operand (Select only), or -1.</param>
    /// <param name="k">PowConst's exponent; ignored otherwise.</param>
    public int Apply(Op op, int a, int b = -1, int c = -1, double k = 0)
    {
        if (op is Op.Constant or Op.Input)
            throw new ArgumentException($"Use Constant or Input to make a {op} node.", nameof(op));
        int arity = Primitives.ArityOf(op);
        CheckOperand(a, arity >= 1, nameof(a));
        CheckOperand(b, arity >= 2, nameof(b));
        CheckOperand(c, arity >= 3, nameof(c));
        if (op != Op.PowConst) k = 0;

        int simplified = Simplify(op, a, b, c, k);
        if (simplified >= 0) return simplified;
        if (Primitives.IsCommutative(op) && b < a) (a, b) = (b, a);
        return Intern(op, a, b, c, k);
    }

    /// <summary><c>a + b</c>.</summary>
    public int Add(int a, int b) => Apply(Op.Add, a, b);

    /// <summary><c>a - b</c>.</summary>
    public int Sub(int a, int b) => Apply(Op.Sub, a, b);

    /// <summary><c>a * b</c>.</summary>
    public int Mul(int a, int b) => Apply(Op.Mul, a, b);

    /// <summary><c>a / b</c>.</summary>
    public int Div(int a, int b) => Apply(Op.Div, a, b);

    /// <summary><c>-a</c>.</summary>
    public int Neg(int a) => Apply(Op.Neg, a);

    /// <summary><c>a^k</c> for a constant exponent.</summary>
    public int PowConst(int a, double k) => Apply(Op.PowConst, a, k: k);

    /// <summary>A one-operand primitive such as <see cref="Op.Exp"/> or <see cref="Op.Tanh"/>.</summary>
    public int Unary(Op op, int a) => Apply(op, a);

    /// <summary><c>a &gt; b</c> as 1 or 0.</summary>
    public int Greater(int a, int b) => Apply(Op.Greater, a, b);

    /// <summary><c>condition ? ifTrue : ifFalse</c>.</summary>
    public int Select(int condition, int ifTrue, int ifFalse) => Apply(Op.Select, condition, ifTrue, ifFalse);

    /// <summary>
    /// Copies the nodes that <paramref name="outputs"/> depend on into a new graph, in the same
    /// order (dead-node removal). <paramref name="outputs"/> is rewritten to the new indices.
    /// </summary>
    public Graph Extract(int[] outputs) => Copy(outputs, new Graph());

    /// <summary>
    /// Like <see cref="Extract"/>, but rebuilds every live node through the simplifier with the
    /// rewrites that reassociate constants enabled: <c>x(ky) → k(xy)</c>, <c>k₁(k₂x) → (k₁k₂)x</c>,
    /// <c>-(kx) → (-k)x</c> and <c>select(c, kx, 0) → k·select(c, x, 0)</c>; and the exact
    /// <c>select(c, k, kx) → k·select(c, 1, x)</c> and <c>select(c, select(c, x, y), z) → select(c, x, z)</c>
    /// (either branch). They shrink derivative graphs, where weights multiply weights; a recorded
    /// function keeps its literal arithmetic.
    /// </summary>
    /// <remarks>
    /// The rule that keeps them safe: a constant <c>k</c> is moved out of a product only while the
    /// remainder <c>xy</c>, which is the literal value divided by <c>k</c>, stays within a factor
    /// <c>2^</c><see cref="MaxSeparation"/> of a value the literal graph computes. Each such move
    /// charges <c>|log₂ k|</c> against that budget, and moves nested inside it add up, so a chain of
    /// weights is folded in segments rather than into one constant that overflows while the rest
    /// underflows. Constants fold only into a normal product (no overflow, no underflow); the select
    /// rule needs a finite <c>k</c>, the sign rules are exact. So an optimised graph overflows or
    /// underflows only where the literal arithmetic itself comes within <c>2^64</c> of doing so, and
    /// elsewhere it differs from it by rounding alone: a product rounds as often as before.
    /// </remarks>
    public Graph Optimize(int[] outputs) => Copy(outputs, new Graph { _reassociate = true });

    private Graph Copy(int[] outputs, Graph result)
    {
        var live = new bool[Count];
        foreach (int o in outputs) CheckNode(o, nameof(outputs));
        foreach (int o in outputs) live[o] = true;
        for (int i = Count - 1; i >= 0; i--)
        {
            if (!live[i]) continue;
            if (_a[i] >= 0) live[_a[i]] = true;
            if (_b[i] >= 0) live[_b[i]] = true;
            if (_c[i] >= 0) live[_c[i]] = true;
        }
        var map = new int[Count];
        for (int i = 0; i < Count; i++)
        {
            if (!live[i]) continue;
            int a = Map(map, _a[i]), b = Map(map, _b[i]), c = Map(map, _c[i]);
            map[i] = _op[i] switch
            {
                Op.Constant => result.Constant(_k[i]),
                Op.Input => result.Input((int)_k[i]),
                _ when result._reassociate => result.Apply(_op[i], a, b, c, _k[i]),
                _ => result.Intern(_op[i], a, b, c, _k[i]),
            };
        }
        // Inputs that no output uses still count: the function keeps its declared arity.
        result._inputCount = Math.Max(result._inputCount, _inputCount);
        for (int j = 0; j < outputs.Length; j++) outputs[j] = map[outputs[j]];
        return result;
    }

    /// <summary>A readable listing, one node a line (for debugging and the CLI).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < Count; i++)
        {
            sb.Append('%').Append(i).Append(" = ");
            switch (_op[i])
            {
                case Op.Constant: sb.Append(_k[i].ToString("R", CultureInfo.InvariantCulture)); break;
                case Op.Input: sb.Append("x[").Append((int)_k[i]).Append(']'); break;
                default:
                    sb.Append(Primitives.NameOf(_op[i])).Append("(%").Append(_a[i]);
                    if (_b[i] >= 0) sb.Append(", %").Append(_b[i]);
                    if (_c[i] >= 0) sb.Append(", %").Append(_c[i]);
                    if (_op[i] == Op.PowConst) sb.Append(", ").Append(_k[i].ToString("R", CultureInfo.InvariantCulture));
                    sb.Append(')');
                    break;
            }
            sb.AppendLine();
        }
        return sb.ToString();
    }

    internal void CheckNode(int node, string paramName)
    {
        if ((uint)node >= (uint)Count)
            throw new ArgumentOutOfRangeException(paramName, node, $"Expected a node of this graph (0..{Count - 1}).");
    }

    private static int Map(int[] map, int node) => node < 0 ? -1 : map[node];

    private void CheckOperand(int node, bool needed, string paramName)
    {
        if (needed) CheckNode(node, paramName);
        else if (node != -1) throw new ArgumentException($"Expected no operand {paramName} (-1), got {node}.", paramName);
    }

    private int Intern(Op op, int a, int b, int c, double k)
    {
        var key = new NodeKey(op, a, b, c, BitConverter.DoubleToInt64Bits(k));
        if (_index.TryGetValue(key, out int existing)) return existing;
        if (Count == _op.Length) Grow();
        int n = Count++;
        _op[n] = op; _a[n] = a; _b[n] = b; _c[n] = c; _k[n] = k;
        _index.Add(key, n);
        return n;
    }

    private void Grow()
    {
        int size = _op.Length * 2;
        Array.Resize(ref _op, size);
        Array.Resize(ref _a, size);
        Array.Resize(ref _b, size);
        Array.Resize(ref _c, size);
        Array.Resize(ref _k, size);
    }
}

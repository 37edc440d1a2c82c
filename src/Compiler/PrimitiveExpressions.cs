using System.Linq.Expressions;
using TapeAD.Tape;

namespace TapeAD.Compiler;

/// <summary>
/// The expression computing one primitive. Add, Sub, Mul, Div and Neg are the IEEE operators the
/// primitives' value methods are; every other op calls <see cref="Primitives.MethodOf"/>, the very
/// method the interpreter calls, so compiled and interpreted results agree bit for bit and a new
/// primitive needs nothing here.
/// </summary>
internal static class PrimitiveExpressions
{
    private static readonly int[] ParameterCounts =
        Enum.GetValues<Op>().Select(op => Primitives.MethodOf(op)?.GetParameters().Length ?? 0).ToArray();

    /// <param name="op">The primitive.</param>
    /// <param name="operands">One expression per graph operand, in order.</param>
    /// <param name="k">The node's constant (PowConst's exponent), passed when the method takes one more parameter than the op has operands.</param>
    public static Expression Apply(Op op, ReadOnlySpan<Expression> operands, double k) => op switch
    {
        Op.Add => Expression.Add(operands[0], operands[1]),
        Op.Sub => Expression.Subtract(operands[0], operands[1]),
        Op.Mul => Expression.Multiply(operands[0], operands[1]),
        Op.Div => Expression.Divide(operands[0], operands[1]),
        Op.Neg => Expression.Negate(operands[0]),
        _ => Call(op, operands, k),
    };

    private static MethodCallExpression Call(Op op, ReadOnlySpan<Expression> operands, double k)
    {
        var method = Primitives.MethodOf(op) ?? throw new ArgumentException($"{op} has no value method to compile.", nameof(op));
        int count = ParameterCounts[(int)op];
        if (count != operands.Length && count != operands.Length + 1)
            throw new InvalidOperationException($"{op}: its method takes {count} parameters for {operands.Length} operands.");
        var arguments = new Expression[count];
        operands.CopyTo(arguments);
        if (count > operands.Length) arguments[^1] = Expression.Constant(k);
        return Expression.Call(method, arguments);
    }
}

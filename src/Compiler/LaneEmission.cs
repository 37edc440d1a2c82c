using System.Linq.Expressions;
using TapeAD.Tape;

namespace TapeAD.Compiler;

/// <summary>
/// What the <see cref="MethodEmitter"/> emits per value: one <c>double</c> per call
/// (<see cref="ScalarEmission"/>) or one SIMD vector holding the same value for several inputs
/// (<see cref="VectorEmission"/>). The emitter's structure (nesting, locals, chunking) is the same
/// for both; only the value type, the span reads and writes and the primitives differ.
/// </summary>
internal interface ILaneEmission
{
    /// <summary>The type of a value: <c>double</c> or a vector of them.</summary>
    Type ValueType { get; }

    /// <summary>Doubles one value takes in the input, result and scratch spans.</summary>
    int Width { get; }

    /// <summary>The constant <paramref name="value"/>.</summary>
    Expression Constant(double value);

    /// <summary>Reads value <paramref name="index"/> of an input or scratch span.</summary>
    Expression Read(ParameterExpression span, int index);

    /// <summary>Writes value <paramref name="index"/> of a result or scratch span.</summary>
    Expression Write(ParameterExpression span, int index, Expression value);

    /// <summary>The primitive <paramref name="op"/> on its operands (<paramref name="k"/>: PowConst's exponent).</summary>
    Expression Apply(Op op, ReadOnlySpan<Expression> operands, double k);
}

/// <summary>One value per call: the primitives' own value methods and plain span reads.</summary>
internal sealed class ScalarEmission : ILaneEmission
{
    public static ScalarEmission Instance { get; } = new();

    public Type ValueType => typeof(double);

    public int Width => 1;

    public Expression Constant(double value) => Expression.Constant(value);

    public Expression Read(ParameterExpression span, int index) =>
        Expression.Call(span.Type == typeof(ReadOnlySpan<double>) ? SpanAccess.ReadInput : SpanAccess.ReadScratch, span, Expression.Constant(index));

    public Expression Write(ParameterExpression span, int index, Expression value) =>
        Expression.Call(SpanAccess.WriteMethod, span, Expression.Constant(index), value);

    public Expression Apply(Op op, ReadOnlySpan<Expression> operands, double k) => PrimitiveExpressions.Apply(op, operands, k);
}

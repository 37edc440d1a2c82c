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

    /// <summary>The compiled methods' delegate type, taking the three <see cref="Parameters"/>.</summary>
    Type DelegateType { get; }

    /// <summary>New parameters for a method: the inputs, the results, and the scratch values that
    /// pass between the methods of one graph.</summary>
    (ParameterExpression X, ParameterExpression Result, ParameterExpression Scratch) Parameters();

    /// <summary>The constant <paramref name="value"/>.</summary>
    Expression Constant(double value);

    /// <summary>Reads value <paramref name="index"/> of the inputs or the scratch.</summary>
    Expression Read(ParameterExpression values, int index);

    /// <summary>Writes value <paramref name="index"/> of the results or the scratch.</summary>
    Expression Write(ParameterExpression values, int index, Expression value);

    /// <summary>The primitive <paramref name="op"/> on its operands (<paramref name="k"/>: PowConst's exponent).</summary>
    Expression Apply(Op op, ReadOnlySpan<Expression> operands, double k);
}

/// <summary>One value per call: the primitives' own value methods and span reads through <see cref="SpanAccess"/>.</summary>
internal sealed class ScalarEmission : ILaneEmission
{
    public static ScalarEmission Instance { get; } = new();

    public Type ValueType => typeof(double);

    public Type DelegateType => typeof(GraphMethod);

    public (ParameterExpression X, ParameterExpression Result, ParameterExpression Scratch) Parameters() =>
        (Expression.Parameter(typeof(ReadOnlySpan<double>), "x"), Expression.Parameter(typeof(Span<double>), "result"),
            Expression.Parameter(typeof(Span<double>), "scratch"));

    public Expression Constant(double value) => Expression.Constant(value);

    public Expression Read(ParameterExpression values, int index) =>
        Expression.Call(values.Type == typeof(ReadOnlySpan<double>) ? SpanAccess.ReadInput : SpanAccess.ReadScratch, values, Expression.Constant(index));

    public Expression Write(ParameterExpression values, int index, Expression value) =>
        Expression.Call(SpanAccess.WriteMethod, values, Expression.Constant(index), value);

    public Expression Apply(Op op, ReadOnlySpan<Expression> operands, double k) => PrimitiveExpressions.Apply(op, operands, k);
}

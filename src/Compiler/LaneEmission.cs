using System.Linq.Expressions;
using System.Reflection;
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

    /// <summary>New parameters for a method: the inputs, the results, the scratch values that
    /// pass between the methods of one graph, and where the emission reads constants from a table
    /// (<see cref="IsTabled"/>) that table, else null.</summary>
    (ParameterExpression X, ParameterExpression Result, ParameterExpression Scratch, ParameterExpression? Constants) Parameters();

    /// <summary>The constant <paramref name="value"/>, in the code.</summary>
    Expression Constant(double value);

    /// <summary>Whether <paramref name="value"/> is read from the method's constant table rather than
    /// written into the code (<see cref="Constant"/>).</summary>
    bool IsTabled(double value);

    /// <summary>Entry <paramref name="index"/> of the constant table <paramref name="constants"/>.</summary>
    Expression ReadConstant(ParameterExpression constants, int index);

    /// <summary>Whether a method loads each input it reads into a local once (at its first read)
    /// rather than reading it where it is used.</summary>
    bool LoadsInputsOnce { get; }

    /// <summary>Reads value <paramref name="index"/> of the inputs or the scratch.</summary>
    Expression Read(ParameterExpression values, int index);

    /// <summary>Writes value <paramref name="index"/> of the results or the scratch.</summary>
    Expression Write(ParameterExpression values, int index, Expression value);

    /// <summary>The primitive <paramref name="op"/> on its operands (<paramref name="k"/>: PowConst's exponent).</summary>
    Expression Apply(Op op, ReadOnlySpan<Expression> operands, double k);

    /// <summary><see cref="Op.Select"/> whose condition is an indicator, the value of an <see cref="Op.Greater"/>
    /// node (exactly 1, +0 or <see cref="double.NaN"/>): the same bits as <see cref="Apply"/> gives it, in
    /// fewer operations where the lanes know a shorter form.</summary>
    Expression SelectOnIndicator(Expression indicator, Expression ifTrue, Expression ifFalse);

    /// <summary>Two groups' values of the primitive <paramref name="op"/> in one call, as a pair whose
    /// fields <c>First</c> and <c>Second</c> hold <paramref name="a"/>'s and <paramref name="b"/>'s; null where
    /// the lanes have no such call for <paramref name="op"/>.</summary>
    (Expression Call, FieldInfo First, FieldInfo Second)? ApplyPair(Op op, Expression a, Expression b);

    /// <summary>A read of entry <paramref name="last"/> of <paramref name="values"/>, the highest the method
    /// touches, to run first: once it is checked the JIT drops the bounds check of every later access at a
    /// smaller constant index. Null where accesses are not checked.</summary>
    Expression? Reach(ParameterExpression values, int last);
}

/// <summary>One value per call: the primitives' own value methods and span reads through <see cref="SpanAccess"/>.</summary>
internal sealed class ScalarEmission : ILaneEmission
{
    public static ScalarEmission Instance { get; } = new();

    public Type ValueType => typeof(double);

    public Type DelegateType => typeof(GraphMethod);

    public (ParameterExpression X, ParameterExpression Result, ParameterExpression Scratch, ParameterExpression? Constants) Parameters() =>
        (Expression.Parameter(typeof(ReadOnlySpan<double>), "x"), Expression.Parameter(typeof(Span<double>), "result"),
            Expression.Parameter(typeof(Span<double>), "scratch"), null);

    public Expression Constant(double value) => Expression.Constant(value);

    // A double constant is an immediate operand or a load the JIT folds into its use: no table.
    public bool IsTabled(double value) => false;

    public Expression ReadConstant(ParameterExpression constants, int index) =>
        throw new InvalidOperationException("Scalar code writes its constants into the code.");

    // A span read per use costs the JIT an inlined call and temporaries each time, and past about a
    // thousand locals it stops keeping them in registers.
    public bool LoadsInputsOnce => true;

    public Expression Read(ParameterExpression values, int index) =>
        Expression.Call(values.Type == typeof(ReadOnlySpan<double>) ? SpanAccess.ReadInput : SpanAccess.ReadScratch, values, Expression.Constant(index));

    public Expression Write(ParameterExpression values, int index, Expression value) =>
        Expression.Call(SpanAccess.WriteMethod, values, Expression.Constant(index), value);

    public Expression Apply(Op op, ReadOnlySpan<Expression> operands, double k) => PrimitiveExpressions.Apply(op, operands, k);

    // A scalar select is a compare and a branch or conditional move whatever the condition.
    public Expression SelectOnIndicator(Expression indicator, Expression ifTrue, Expression ifFalse) =>
        PrimitiveExpressions.Apply(Op.Select, [indicator, ifTrue, ifFalse], 0);

    // One group: there is no second value to pair.
    public (Expression Call, FieldInfo First, FieldInfo Second)? ApplyPair(Op op, Expression a, Expression b) => null;

    // SpanAccess reads and writes without bounds checks.
    public Expression? Reach(ParameterExpression values, int last) => null;
}

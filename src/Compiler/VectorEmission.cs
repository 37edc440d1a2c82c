using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.Intrinsics;
using TapeAD.Tape;

namespace TapeAD.Compiler;

/// <summary>The signature of a method compiled for SIMD lanes: structure-of-arrays inputs, results and
/// scratch, one vector per value, and the method's constants (each broadcast to a vector). Arrays, not
/// spans: expression trees index arrays natively, while a span read or write is a helper call the JIT
/// must inline, and in a large method its inliner runs out of budget.</summary>
internal delegate void VectorMethod<TVector>(TVector[] x, TVector[] result, TVector[] scratch, TVector[] constants) where TVector : struct;

/// <summary>
/// One SIMD vector per value, one input per lane: the batch form of a compiled graph. Arithmetic is
/// the vector type's own operators (expanded by the JIT as intrinsics); every other primitive calls a
/// method of <see cref="VectorOps256"/> or <see cref="VectorOps512"/> that gives each lane exactly the
/// scalar code's bits. Constants other than +0 are read from a table passed to the method, which the
/// JIT folds into the instruction using them as a memory operand: written as <c>Create(c)</c> it
/// hoists every constant used twice (a network's weights are, by the value and by each derivative)
/// into a register for the whole method, runs out of the 16 AVX registers and spills values to the
/// stack on the critical path; measured on the seed Jacobian, the table halved the method's time.
/// +0 stays in the code: the JIT rematerialises it with one register-clearing instruction.
/// </summary>
internal sealed class VectorEmission : ILaneEmission
{
    private readonly MethodInfo _constant, _lanewise, _selectOnIndicator;
    private readonly Type _arrayType;
    private readonly Dictionary<Op, MethodInfo> _primitives = [];
    private readonly Dictionary<Op, MethodInfo> _pairs = [];
    private readonly FieldInfo _first, _second;

    // The types are passed whole (no MakeGenericType, no MakeArrayType), so the trimmer sees every one.
    private VectorEmission([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods)] Type ops,
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods)] Type vectorClass, Type valueType, Type arrayType, Type delegateType, int width,
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] Type pairType)
    {
        _first = pairType.GetField("Item1")!;
        _second = pairType.GetField("Item2")!;
        ValueType = valueType;
        _arrayType = arrayType;
        Width = width;
        DelegateType = delegateType;
        _constant = vectorClass.GetMethod("Create", [typeof(double)])!;
        _lanewise = ops.GetMethod("Lanewise")!;
        _selectOnIndicator = ops.GetMethod("SelectOnIndicator")!;
        foreach (var op in Enum.GetValues<Op>())
        {
            int arity = Primitives.ArityOf(op);
            var method = arity == 0 ? null : ops.GetMethod(op.ToString(), Enumerable.Repeat(valueType, arity).ToArray());
            if (method != null) _primitives.Add(op, method);
            var pair = arity == 1 ? ops.GetMethod(op + "Pair", [valueType, valueType]) : null;
            if (pair != null) _pairs.Add(op, pair);
        }
    }

    /// <summary>Four inputs per <see cref="Vector256{T}"/>.</summary>
    public static VectorEmission Of256 { get; } = new(typeof(VectorOps256), typeof(Vector256), typeof(Vector256<double>), typeof(Vector256<double>[]),
        typeof(VectorMethod<Vector256<double>>), Vector256<double>.Count, typeof((Vector256<double>, Vector256<double>)));

    /// <summary>Eight inputs per <see cref="Vector512{T}"/>.</summary>
    public static VectorEmission Of512 { get; } = new(typeof(VectorOps512), typeof(Vector512), typeof(Vector512<double>), typeof(Vector512<double>[]),
        typeof(VectorMethod<Vector512<double>>), Vector512<double>.Count, typeof((Vector512<double>, Vector512<double>)));

    /// <summary>The widest form the hardware accelerates, or null when it accelerates neither.</summary>
    public static VectorEmission? Widest =>
        Vector512.IsHardwareAccelerated ? Of512 : Vector256.IsHardwareAccelerated ? Of256 : null;

    public Type ValueType { get; }

    /// <summary>Inputs per vector.</summary>
    public int Width { get; }

    public Type DelegateType { get; }

    public (ParameterExpression X, ParameterExpression Result, ParameterExpression Scratch, ParameterExpression? Constants) Parameters()
    {
        var array = _arrayType;
        return (Expression.Parameter(array, "x"), Expression.Parameter(array, "result"), Expression.Parameter(array, "scratch"),
            Expression.Parameter(array, "constants"));
    }

    public Expression Constant(double value) => Expression.Call(_constant, Expression.Constant(value));

    public bool IsTabled(double value) => BitConverter.DoubleToInt64Bits(value) != 0;

    public Expression ReadConstant(ParameterExpression constants, int index) => Read(constants, index);

    // An array read at a constant index is a memory operand of the instruction using it, while
    // inputs held in locals for the whole method take registers the graph's values need: with two
    // groups of an 8-input graph they took all 16, and every partial sum went through the stack.
    public bool LoadsInputsOnce => false;

    public Expression Read(ParameterExpression values, int index) => Expression.ArrayIndex(values, Expression.Constant(index));

    public Expression Write(ParameterExpression values, int index, Expression value) =>
        Expression.Assign(Expression.ArrayAccess(values, Expression.Constant(index)), value);

    public Expression SelectOnIndicator(Expression indicator, Expression ifTrue, Expression ifFalse) =>
        Expression.Call(_selectOnIndicator, indicator, ifTrue, ifFalse);

    // Every constant index of an array access is checked against the array's length; with the highest
    // checked first, the JIT proves the rest in range. Measured on the seed Jacobian: 42 of its 896
    // instructions were such checks, and each split the code into blocks its optimisations stopped at
    // (with them gone, 729 instructions).
    public Expression Reach(ParameterExpression values, int last) => Read(values, last);

    public (Expression Call, FieldInfo First, FieldInfo Second)? ApplyPair(Op op, Expression a, Expression b) =>
        _pairs.TryGetValue(op, out var pair) ? (Expression.Call(pair, a, b), _first, _second) : null;

    public Expression Apply(Op op, ReadOnlySpan<Expression> operands, double k)
    {
        switch (op)
        {
            case Op.Add: return Expression.Add(operands[0], operands[1]);
            case Op.Sub: return Expression.Subtract(operands[0], operands[1]);
            case Op.Mul: return Expression.Multiply(operands[0], operands[1]);
            case Op.Div: return Expression.Divide(operands[0], operands[1]);
            case Op.Neg: return Expression.Negate(operands[0]);
        }
        if (_primitives.TryGetValue(op, out var method)) return Expression.Call(method, operands.ToArray());
        // Operands are read once each; a missing one is any vector (the primitive ignores it).
        var unused = Constant(0.0);
        return Expression.Call(_lanewise,
            operands[0], operands.Length > 1 ? operands[1] : unused, operands.Length > 2 ? operands[2] : unused,
            Expression.Constant(op), Expression.Constant(k));
    }
}

using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.Intrinsics;
using TapeAD.Tape;

namespace TapeAD.Compiler;

/// <summary>
/// One SIMD vector per value, one input per lane: the batch form of a compiled graph. Inputs,
/// results and scratch are structure-of-arrays (value <c>i</c> of lane <c>l</c> at <c>i * Width + l</c>),
/// and every primitive calls a method of <see cref="VectorOps256"/> or <see cref="VectorOps512"/> that
/// gives each lane exactly the scalar code's bits.
/// </summary>
internal sealed class VectorEmission : ILaneEmission
{
    private readonly MethodInfo _readInput, _readScratch, _write, _constant, _lanewise;
    private readonly Dictionary<Op, MethodInfo> _primitives = [];

    private VectorEmission(Type ops, Type valueType, int width)
    {
        ValueType = valueType;
        Width = width;
        _readInput = ops.GetMethod("Read", [typeof(ReadOnlySpan<double>), typeof(int)])!;
        _readScratch = ops.GetMethod("Read", [typeof(Span<double>), typeof(int)])!;
        _write = ops.GetMethod("Write")!;
        // The vector type's own Create(double): an intrinsic, like the operators below.
        _constant = valueType.Assembly.GetType(valueType.Namespace + "." + valueType.Name.Split('`')[0])!
            .GetMethod("Create", [typeof(double)])!;
        _lanewise = ops.GetMethod("Lanewise")!;
        foreach (var op in Enum.GetValues<Op>())
        {
            int arity = Primitives.ArityOf(op);
            var method = arity == 0 ? null : ops.GetMethod(op.ToString(), Enumerable.Repeat(valueType, arity).ToArray());
            if (method != null) _primitives.Add(op, method);
        }
    }

    /// <summary>Four inputs per <see cref="Vector256{T}"/>.</summary>
    public static VectorEmission Of256 { get; } = new(typeof(VectorOps256), typeof(Vector256<double>), Vector256<double>.Count);

    /// <summary>Eight inputs per <see cref="Vector512{T}"/>.</summary>
    public static VectorEmission Of512 { get; } = new(typeof(VectorOps512), typeof(Vector512<double>), Vector512<double>.Count);

    /// <summary>The widest form the hardware accelerates, or null when it accelerates neither.</summary>
    public static VectorEmission? Widest =>
        Vector512.IsHardwareAccelerated ? Of512 : Vector256.IsHardwareAccelerated ? Of256 : null;

    public Type ValueType { get; }

    public int Width { get; }

    public Expression Constant(double value) => Expression.Call(_constant, Expression.Constant(value));

    public Expression Read(ParameterExpression span, int index) =>
        Expression.Call(span.Type == typeof(ReadOnlySpan<double>) ? _readInput : _readScratch, span, Expression.Constant(index));

    public Expression Write(ParameterExpression span, int index, Expression value) =>
        Expression.Call(_write, span, Expression.Constant(index), value);

    public Expression Apply(Op op, ReadOnlySpan<Expression> operands, double k)
    {
        // Arithmetic as the vector type's own operators: the JIT expands those as intrinsics, while a
        // helper call must be inlined, and in a large method the inliner's budget runs out.
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

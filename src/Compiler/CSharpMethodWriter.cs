using System.Globalization;
using System.Linq.Expressions;
using System.Text;

namespace TapeAD.Compiler;

/// <summary>
/// Prints one method lambda of <see cref="MethodEmitter"/> as a C# method: the very statements
/// FastExpressionCompiler compiles, as text. It knows the few expression forms the emitter and
/// <see cref="PrimitiveExpressions"/> produce (a block of assignments and span writes over
/// arithmetic, value-method calls, constants and locals) and refuses any other by name.
/// </summary>
/// <remarks>Nested expressions are printed recursively: their depth is bounded by
/// <see cref="CompilerOptions.MaxInlineDepth"/>, every deeper value lives in a local.</remarks>
internal static class CSharpMethodWriter
{
    public static void Write(StringBuilder output, Expression<GraphMethod> lambda, string name)
    {
        var block = (BlockExpression)lambda.Body;
        output.Append("    private static void ").Append(name)
            .Append("(ReadOnlySpan<double> x, Span<double> result, Span<double> scratch)\n    {\n");
        var spans = new Dictionary<ParameterExpression, string>
        {
            [lambda.Parameters[0]] = "xs",
            [lambda.Parameters[1]] = "rs",
            [lambda.Parameters[2]] = "ss",
        };
        output.Append("        ref double xs = ref MemoryMarshal.GetReference(x);\n");
        output.Append("        ref double rs = ref MemoryMarshal.GetReference(result);\n");
        output.Append("        ref double ss = ref MemoryMarshal.GetReference(scratch);\n");
        if (block.Variables.Count > 0)
            output.Append("        double ").AppendJoin(", ", block.Variables.Select(v => v.Name)).Append(";\n");
        var line = new StringBuilder();
        foreach (var statement in block.Expressions)
        {
            if (statement is DefaultExpression) continue;
            line.Clear();
            Statement(line, statement, spans);
            output.Append("        ").Append(line).Append(";\n");
        }
        output.Append("    }\n");
    }

    private static void Statement(StringBuilder s, Expression statement, Dictionary<ParameterExpression, string> spans)
    {
        switch (statement)
        {
            case BinaryExpression { NodeType: ExpressionType.Assign, Left: ParameterExpression local } assign:
                s.Append(local.Name).Append(" = ");
                Value(s, assign.Right, spans);
                break;
            case MethodCallExpression call when call.Method == SpanAccess.WriteMethod:
                SpanCell(s, call, spans);
                s.Append(" = ");
                Value(s, call.Arguments[2], spans);
                break;
            default:
                throw Unsupported(statement);
        }
    }

    private static void Value(StringBuilder s, Expression e, Dictionary<ParameterExpression, string> spans)
    {
        switch (e)
        {
            case ConstantExpression { Value: double d }:
                string literal = Literal(d);
                // Parenthesised when negative, so that negating it never prints the decrement `--`.
                if (literal[0] == '-') s.Append('(').Append(literal).Append(')');
                else s.Append(literal);
                break;
            case ParameterExpression local:
                s.Append(local.Name);
                break;
            case BinaryExpression binary when Operator(binary.NodeType) is { } op:
                s.Append('(');
                Value(s, binary.Left, spans);
                s.Append(' ').Append(op).Append(' ');
                Value(s, binary.Right, spans);
                s.Append(')');
                break;
            case UnaryExpression { NodeType: ExpressionType.Negate } negate:
                s.Append("(-");
                Value(s, negate.Operand, spans);
                s.Append(')');
                break;
            case MethodCallExpression call when call.Method == SpanAccess.ReadInput || call.Method == SpanAccess.ReadScratch:
                SpanCell(s, call, spans);
                break;
            case MethodCallExpression { Object: null } call:
                s.Append(PrimitiveSource.CallName(call.Method)).Append('(');
                for (int i = 0; i < call.Arguments.Count; i++)
                {
                    if (i > 0) s.Append(", ");
                    Value(s, call.Arguments[i], spans);
                }
                s.Append(')');
                break;
            default:
                throw Unsupported(e);
        }
    }

    private static string? Operator(ExpressionType type) => type switch
    {
        ExpressionType.Add => "+",
        ExpressionType.Subtract => "-",
        ExpressionType.Multiply => "*",
        ExpressionType.Divide => "/",
        _ => null,
    };

    // Spans are read and written through refs, as the compiled delegates do: every index was
    // checked against the lengths once, at the entry point.
    private static void SpanCell(StringBuilder s, MethodCallExpression call, Dictionary<ParameterExpression, string> spans) =>
        s.Append("Unsafe.Add(ref ").Append(spans[(ParameterExpression)call.Arguments[0]]).Append(", ")
            .Append(((int)((ConstantExpression)call.Arguments[1]).Value!).ToString(CultureInfo.InvariantCulture)).Append(')');

    /// <summary>A C# literal with exactly the bits of <paramref name="d"/>: round-trip digits, signed
    /// zeros, infinities and NaN by name.</summary>
    public static string Literal(double d)
    {
        if (double.IsNaN(d)) return "double.NaN";
        if (double.IsPositiveInfinity(d)) return "double.PositiveInfinity";
        if (double.IsNegativeInfinity(d)) return "double.NegativeInfinity";
        if (d == 0) return double.IsNegative(d) ? "-0d" : "0d";
        return d.ToString("R", CultureInfo.InvariantCulture) + "d";
    }

    private static NotSupportedException Unsupported(Expression e) =>
        new($"Emitting C#: the compiler produced a {e.NodeType} expression ({e}), which the source writer does not know; add it to {nameof(CSharpMethodWriter)}.");
}

using System.Text.RegularExpressions;

namespace TapeAD.Compiler;

/// <summary>Names and limits for <see cref="SourceEmitter.EmitCSharp(TapeAD.Tape.TapeFunction, SourceEmitterOptions?)"/>.</summary>
public sealed partial record SourceEmitterOptions
{
    /// <summary>The defaults: class <c>TapeAD.Generated.Model</c>, the compiler's default limits.</summary>
    public static SourceEmitterOptions Default { get; } = new();

    /// <summary>The namespace of the emitted class: identifiers separated by dots.</summary>
    public string Namespace { get; init; } = "TapeAD.Generated";

    /// <summary>The name of the emitted static class.</summary>
    public string ClassName { get; init; } = "Model";

    /// <summary>The emission limits, the same as the compiled delegate's (statements per method,
    /// inline depth), so the emitted methods are the delegate's methods. <see cref="CompilerOptions.InterpretAboveNodes"/>
    /// does not apply: emitted source is always straight-line code.</summary>
    public CompilerOptions Compiler { get; init; } = CompilerOptions.Default;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Compiler, nameof(Compiler));
        Compiler.Validate();
        if (Namespace is null || !Namespace.Split('.').All(IsIdentifier))
            throw new ArgumentException($"Expected {nameof(Namespace)} to be C# identifiers separated by dots, got '{Namespace}'.", nameof(Namespace));
        if (!IsIdentifier(ClassName))
            throw new ArgumentException($"Expected {nameof(ClassName)} to be a C# identifier, got '{ClassName}'.", nameof(ClassName));
    }

    private static bool IsIdentifier(string? name) => name is not null && Identifier().IsMatch(name) && !Keywords.Contains(name);

    [GeneratedRegex(@"^[\p{L}_][\p{L}\p{Nd}_]*$")]
    private static partial Regex Identifier();

    private static readonly HashSet<string> Keywords =
    [
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue",
        "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally",
        "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock",
        "long", "namespace", "new", "null", "object", "operator", "out", "override", "params", "private", "protected",
        "public", "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static", "string",
        "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort",
        "using", "virtual", "void", "volatile", "while",
    ];
}

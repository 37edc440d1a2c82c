using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace TapeAD.Tests;

/// <summary>The entry point of an emitted class, as a delegate (spans cannot go through reflection's Invoke).</summary>
public delegate void SpanEvaluate(ReadOnlySpan<double> x, Span<double> result);

/// <summary>Compiles emitted C# with Roslyn against the .NET base library only, so a file that needs
/// anything from TapeAD fails to compile, and hands out its entry points.</summary>
internal static class EmittedSource
{
    private static readonly MetadataReference[] BaseLibrary =
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToArray();

    /// <summary>Compiles the sources into one optimised assembly; fails the test with Roslyn's
    /// diagnostics when any source has an error or a warning.</summary>
    public static Assembly Compile(params string[] sources)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create($"Emitted{Guid.NewGuid():N}",
            sources.Select(s => CSharpSyntaxTree.ParseText(s, parse)),
            BaseLibrary,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release,
                nullableContextOptions: NullableContextOptions.Enable, warningLevel: 9999));
        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        var problems = emitted.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        if (!emitted.Success || problems.Length > 0)
            Assert.Fail("Emitted source does not compile cleanly:\n" + string.Join("\n", problems.Take(20)));
        return Assembly.Load(stream.ToArray());
    }

    public static Type Class(Assembly assembly, string fullName) =>
        assembly.GetType(fullName) ?? throw new InvalidOperationException($"No class {fullName} in the emitted assembly.");

    public static SpanEvaluate Evaluate(Type type) =>
        type.GetMethod("Evaluate", BindingFlags.Public | BindingFlags.Static)!.CreateDelegate<SpanEvaluate>();

    public static SpanEvaluate EvaluateBatch(Type type) =>
        type.GetMethod("EvaluateBatch", BindingFlags.Public | BindingFlags.Static)!.CreateDelegate<SpanEvaluate>();
}

using TapeAD.Tape;

namespace TapeAD.Compiler;

/// <summary>Compiles tape functions: <c>f.Hessian().Compile()</c>.</summary>
public static class TapeFunctionCompilation
{
    /// <summary>Compiles <paramref name="function"/> with the default options.</summary>
    public static CompiledFunction Compile(this TapeFunction function) => CompiledFunction.Compile(function);

    /// <summary>Compiles <paramref name="function"/> with <paramref name="options"/>.</summary>
    public static CompiledFunction Compile(this TapeFunction function, CompilerOptions options) =>
        CompiledFunction.Compile(function, options);
}

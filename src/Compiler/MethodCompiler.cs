using System.Diagnostics.CodeAnalysis;
using FastExpressionCompiler;

namespace TapeAD.Compiler;

/// <summary>Emits a graph as one or more methods and compiles each with FastExpressionCompiler.
/// Methods are emitted and compiled one at a time so that only one method's expression tree is
/// alive at once, however large the graph.</summary>
internal static class MethodCompiler
{
    [RequiresDynamicCode("Compiles expression trees to IL; where dynamic code is unsupported (NativeAOT) CompiledFunction interprets instead.")]
    public static (MethodKernel Kernel, bool UsedSystemCompiler) Compile(UsePlan plan, string description, CompilerOptions options)
    {
        var (methods, _, scratchLength, usedSystemCompiler) = CompileMethods<GraphMethod>(plan, ScalarEmission.Instance, description, options);
        return (new MethodKernel(methods, scratchLength), usedSystemCompiler);
    }

    /// <summary>The graph's methods for <paramref name="lanes"/> (whose delegate type is <typeparamref name="TMethod"/>),
    /// each evaluating <paramref name="groups"/> independent groups of inputs (<see cref="MethodEmitter"/>),
    /// each method's constant table (empty unless the lanes read constants from one), and the values
    /// of scratch they pass between them.</summary>
    [RequiresDynamicCode("Compiles expression trees to IL; where dynamic code is unsupported (NativeAOT) CompiledFunction interprets instead.")]
    [UnconditionalSuppressMessage("Trimming", "IL2026:RequiresUnreferencedCode",
        Justification = "The trees call only public static methods of Math, Primitives, the kernels and the vector operations, which their owners look up with typeof(...).GetMethod (so the trimmer keeps them), and SpanAccess's methods, which it keeps the same way.")]
    public static (TMethod[] Methods, double[][] Constants, int ScratchLength, bool UsedSystemCompiler) CompileMethods<TMethod>(
        UsePlan plan, ILaneEmission lanes, string description, CompilerOptions options, int groups = 1) where TMethod : Delegate
    {
        // Every node is a statement per group: the JIT's limit is on the method's statements.
        var methodOf = plan.AssignMethods(Math.Max(1, options.MaxStatementsPerMethod / groups), out int methodCount);
        var emitter = new MethodEmitter(plan, lanes, methodOf, methodCount, options.MaxInlineDepth, groups);
        var methods = new TMethod[methodCount];
        var constants = new double[methodCount][];
        bool usedSystemCompiler = false;
        int start = 0;
        for (int m = 0; m < methodCount; m++)
        {
            int end = start;
            while (end < methodOf.Length && methodOf[end] == m) end++;
            var lambda = emitter.Emit(m, start, end);
            constants[m] = emitter.Constants;
            var compiled = (TMethod?)lambda.CompileFast(ifFastFailedReturnNull: true);
            if (compiled == null)
            {
                if (options.RequireFastCompiler)
                    throw new InvalidOperationException($"{description}: FastExpressionCompiler could not compile method {m} of {methodCount}; the emitter produced an expression it does not support.");
                compiled = (TMethod)lambda.Compile();
                usedSystemCompiler = true;
            }
            methods[m] = compiled;
            start = end;
        }
        return (methods, constants, emitter.ScratchLength, usedSystemCompiler);
    }
}

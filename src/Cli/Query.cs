using TapeAD.Compiler;
using TapeAD.Layers;
using TapeAD.Tape;

namespace TapeAD.Cli;

/// <summary>The derivative queries the command line offers, by name.</summary>
public static class Query
{
    /// <summary>The query names, in the order help lists them.</summary>
    public static readonly string[] Names = ["value", "gradient", "jacobian", "hessian", "hvp", "diag", "laplacian"];

    /// <summary>Builds query <paramref name="name"/> of <paramref name="model"/> as a scalar graph.</summary>
    /// <param name="model">The model's value function.</param>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="outputIndex">The output for gradient (default 0) and single-output hvp (default all outputs).</param>
    public static TapeFunction Build(TapeFunction model, string name, int? outputIndex) => name switch
    {
        "value" => NoIndex(model, name, outputIndex),
        "gradient" => model.Gradient(outputIndex ?? 0),
        "jacobian" => NoIndex(model, name, outputIndex).Jacobian(),
        "hessian" => NoIndex(model, name, outputIndex).Hessian(),
        "hvp" => outputIndex is int k ? model.HessianVectorProduct(k) : model.HessianVectorProduct(),
        "diag" => NoIndex(model, name, outputIndex).SecondOrderJacobian(),
        "laplacian" => NoIndex(model, name, outputIndex).Laplacian(),
        _ => throw new UsageException($"unknown query '{name}'; expected one of {string.Join(", ", Names)}"),
    };

    /// <summary>
    /// Compiles query <paramref name="name"/> of <paramref name="model"/>. A chain's queries of all
    /// outputs go to whichever level is cheaper (<see cref="ChainCompilation"/>: straight-line code for
    /// small networks, layer-level matrix products for wide ones); the rest compile the scalar graph.
    /// </summary>
    public static ICompiledQuery Compile(LoadedModel model, string name, int? outputIndex)
    {
        if (model.Chain is { } chain && outputIndex == null)
        {
            ICompiledQuery? layered = name switch
            {
                "value" => chain.CompileValue(),
                "jacobian" => chain.CompileJacobian(),
                "hessian" => chain.CompileHessian(),
                "hvp" => chain.CompileHessianVectorProduct(),
                "diag" => chain.CompileSecondOrderJacobian(),
                "laplacian" => chain.CompileLaplacian(),
                _ => null,
            };
            if (layered != null) return layered;
        }
        return Build(model.Function, name, outputIndex).Compile();
    }

    private static TapeFunction NoIndex(TapeFunction model, string name, int? outputIndex) =>
        outputIndex == null ? model : throw new UsageException($"--output-index applies to gradient and hvp, not to {name}");
}

using TapeAD.Tape;

namespace TapeAD.Cli;

/// <summary>The derivative queries the command line offers, by name.</summary>
public static class Query
{
    /// <summary>The query names, in the order help lists them.</summary>
    public static readonly string[] Names = ["value", "gradient", "jacobian", "hessian", "hvp", "diag", "laplacian"];

    /// <summary>Builds query <paramref name="name"/> of <paramref name="model"/>.</summary>
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

    private static TapeFunction NoIndex(TapeFunction model, string name, int? outputIndex) =>
        outputIndex == null ? model : throw new UsageException($"--output-index applies to gradient and hvp, not to {name}");
}

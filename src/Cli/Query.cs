using TapeAD.Compiler;
using TapeAD.Layers;
using TapeAD.Tape;

namespace TapeAD.Cli;

/// <summary>The derivative queries the command line offers, by name.</summary>
public static class Query
{
    /// <summary>The query names, in the order help lists them.</summary>
    public static readonly string[] Names = ["value", "gradient", "jacobian", "hessian", "hvp", "diag", "laplacian"];

    /// <summary>The query type a name stands for.</summary>
    public static QueryType TypeOf(string name) => name switch
    {
        "value" => QueryType.Value,
        "gradient" => QueryType.Gradient,
        "jacobian" => QueryType.Jacobian,
        "hessian" => QueryType.Hessian,
        "hvp" => QueryType.HessianVectorProduct,
        "diag" => QueryType.SecondOrderJacobian,
        "laplacian" => QueryType.Laplacian,
        _ => throw new UsageException($"unknown query '{name}'; expected one of {string.Join(", ", Names)}"),
    };

    /// <summary>The output index a query takes: the given one for gradient (default 0) and single-output hvp (default all
    /// outputs); an index for any other query is a usage error. The model checks the range.</summary>
    public static int? OutputIndexFor(string name, int? outputIndex)
    {
        var type = TypeOf(name);
        if (outputIndex != null && type is not (QueryType.Gradient or QueryType.HessianVectorProduct))
            throw new UsageException($"--output-index applies to gradient and hvp, not to {name}");
        return type == QueryType.Gradient ? outputIndex ?? 0 : outputIndex;
    }

    /// <summary>Builds query <paramref name="name"/> of <paramref name="model"/> as a scalar graph (for emitting it as C#).</summary>
    public static TapeFunction Build(TapeFunction model, string name, int? outputIndex) =>
        TensorFunction.ScalarQuery(model, TypeOf(name), OutputIndexFor(name, outputIndex));

    /// <summary>
    /// Compiles query <paramref name="name"/> of <paramref name="model"/> at the level and in the mode the
    /// one cost model chooses (<see cref="TensorFunction.Choose"/>): straight-line code for small models, the
    /// tensor executor for wide ones, for JSON chains and ONNX files alike.
    /// </summary>
    public static ICompiledQuery Compile(LoadedModel model, string name, int? outputIndex) =>
        model.Tensor.Compile(TypeOf(name), OutputIndexFor(name, outputIndex));

    /// <summary>How query <paramref name="name"/> runs (level, mode, rows), as <see cref="Compile"/> will run it.</summary>
    public static QueryChoice Choose(LoadedModel model, string name, int? outputIndex) =>
        model.Tensor.Choose(TypeOf(name), OutputIndexFor(name, outputIndex));
}

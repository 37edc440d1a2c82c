using TapeAD.Compiler;
using TapeAD.Nn;
using TapeAD.Tape;

namespace TapeAD.Layers;

/// <summary>
/// One-line compiled queries of a <see cref="Chain"/>, at whichever level is cheaper:
/// <c>var soj = chain.CompileSecondOrderJacobian();</c>. Small networks go through the scalar graph
/// (<see cref="Chain.ToFunction"/> compiled to straight-line code, <see cref="CompiledFunction"/>):
/// a few dozen operations with no loops beat any kernel. Once the weights times the rows the query
/// propagates exceed <see cref="ScalarGraphLimit"/>, the graph would be too large to compile well
/// and the tensor level (<see cref="LayerFunction"/>, <see cref="LayerQuery"/>) is used instead.
/// Both return an <see cref="ICompiledQuery"/> with <c>Evaluate</c> and <c>EvaluateBatch</c>.
/// </summary>
public static class ChainCompilation
{
    /// <summary>Weights × propagated rows up to which the scalar graph is used.</summary>
    public const long ScalarGraphLimit = 2000;

    /// <summary>The tensor-level function of <paramref name="chain"/>.</summary>
    public static LayerFunction ToLayerFunction(this Chain chain) => LayerFunction.FromChain(chain);

    /// <summary>The compiled value <c>y = f(x)</c>.</summary>
    public static ICompiledQuery CompileValue(this Chain chain) =>
        Choose(chain, 1, f => f, l => l.Value());

    /// <summary>The compiled Jacobian, shape <c>[m, d]</c>.</summary>
    public static ICompiledQuery CompileJacobian(this Chain chain) =>
        Choose(chain, 1 + Math.Min(chain.InputLength, chain.OutputLength), f => f.Jacobian(), l => l.Jacobian());

    /// <summary>The compiled Hessian of every output, shape <c>[m, d, d]</c>.</summary>
    public static ICompiledQuery CompileHessian(this Chain chain) =>
        Choose(chain, (1 + chain.InputLength) * (1 + chain.OutputLength), f => f.Hessian(), l => l.Hessian());

    /// <summary>The compiled Hessian-vector product of every output, shape <c>[m, d]</c>; inputs are <c>x</c> then <c>v</c>.</summary>
    public static ICompiledQuery CompileHessianVectorProduct(this Chain chain) =>
        Choose(chain, 2 + 2 * Math.Min(chain.InputLength, chain.OutputLength), f => f.HessianVectorProduct(), l => l.HessianVectorProduct());

    /// <summary>The compiled second-order Jacobian, shape <c>[m, d]</c>.</summary>
    public static ICompiledQuery CompileSecondOrderJacobian(this Chain chain) =>
        Choose(chain, 1 + 2 * chain.InputLength, f => f.SecondOrderJacobian(), l => l.SecondOrderJacobian());

    /// <summary>The compiled Laplacian, shape <c>[m]</c>.</summary>
    public static ICompiledQuery CompileLaplacian(this Chain chain) =>
        Choose(chain, 2 + chain.InputLength, f => f.Laplacian(), l => l.Laplacian());

    /// <summary>Whether a query propagating <paramref name="rows"/> rows per input is small enough for the scalar graph.</summary>
    public static bool PrefersScalarGraph(Chain chain, long rows)
    {
        ArgumentNullException.ThrowIfNull(chain);
        return chain.Layers.Sum(l => (long)l.Inputs * l.Outputs) * rows <= ScalarGraphLimit;
    }

    private static ICompiledQuery Choose(Chain chain, long rows, Func<TapeFunction, TapeFunction> scalar, Func<LayerFunction, LayerQuery> tensor) =>
        PrefersScalarGraph(chain, rows) ? scalar(chain.ToFunction()).Compile() : tensor(LayerFunction.FromChain(chain));
}

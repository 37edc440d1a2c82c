using TapeAD.Compiler;
using TapeAD.Nn;

namespace TapeAD.Layers;

/// <summary>
/// A <see cref="Chain"/> as a <see cref="TensorFunction"/> (a dense layer is three nodes: a matrix
/// product, a bias add and its activation) and one-line compiled queries at whichever level is cheaper:
/// <c>var soj = chain.CompileSecondOrderJacobian();</c>. Small networks become straight-line code (the
/// expanded graph is exactly <see cref="Chain.ToFunction"/>'s), wide ones run on the tensor executor;
/// <see cref="Tape.CostModel"/> decides. All return an <see cref="ICompiledQuery"/>.
/// </summary>
public static class ChainCompilation
{
    /// <summary>The chain recorded as a tensor graph.</summary>
    public static TensorFunction ToTensorFunction(this Chain chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        var g = new TensorGraph();
        int x = g.Input(0, chain.InputLength);
        foreach (var layer in chain.Layers)
        {
            x = g.Add(g.MatMul(x, layer.Weights, layer.Outputs, layer.Inputs), g.Constant(layer.Bias));
            var act = layer.Activation;
            x = g.Map(x, new ElementMap(Activations.NameOf(act), v => Activations.Record(act, v)));
        }
        return new TensorFunction(g, [x], chain.InputLength, chain.Name);
    }

    /// <summary>The compiled value <c>y = f(x)</c>.</summary>
    public static ICompiledQuery CompileValue(this Chain chain) => chain.ToTensorFunction().CompileValue();

    /// <summary>The compiled gradient of output <paramref name="outputIndex"/>, shape <c>[d]</c>.</summary>
    public static ICompiledQuery CompileGradient(this Chain chain, int outputIndex = 0) => chain.ToTensorFunction().CompileGradient(outputIndex);

    /// <summary>The compiled Jacobian, shape <c>[m, d]</c>.</summary>
    public static ICompiledQuery CompileJacobian(this Chain chain) => chain.ToTensorFunction().CompileJacobian();

    /// <summary>The compiled Hessian of every output, shape <c>[m, d, d]</c>.</summary>
    public static ICompiledQuery CompileHessian(this Chain chain) => chain.ToTensorFunction().CompileHessian();

    /// <summary>The compiled Hessian-vector product of every output, shape <c>[m, d]</c>; inputs are <c>x</c> then <c>v</c>.</summary>
    public static ICompiledQuery CompileHessianVectorProduct(this Chain chain) => chain.ToTensorFunction().CompileHessianVectorProduct();

    /// <summary>The compiled Hessian-vector product of output <paramref name="outputIndex"/>, shape <c>[d]</c>.</summary>
    public static ICompiledQuery CompileHessianVectorProduct(this Chain chain, int outputIndex) => chain.ToTensorFunction().CompileHessianVectorProduct(outputIndex);

    /// <summary>The compiled second-order Jacobian, shape <c>[m, d]</c>.</summary>
    public static ICompiledQuery CompileSecondOrderJacobian(this Chain chain) => chain.ToTensorFunction().CompileSecondOrderJacobian();

    /// <summary>The compiled Laplacian, shape <c>[m]</c>.</summary>
    public static ICompiledQuery CompileLaplacian(this Chain chain) => chain.ToTensorFunction().CompileLaplacian();
}

using TapeAD.Layers;
using TapeAD.Tape;

namespace TapeAD.Onnx;

/// <summary>How the importer handles one ONNX operator: operand counts, the attributes it understands,
/// and the function that records it. An attribute not listed makes the import fail.</summary>
internal sealed record OperatorRule(int MinInputs, int MaxInputs, string[] Attributes, Func<NodeContext, Tensor> Apply);

/// <summary>The supported ONNX operators (default domain), one entry each.</summary>
internal static class Operators
{
    // Declared before All, whose initializer reads it.
    private static readonly string[] ConstantAttributes = ["value", "value_float", "value_floats", "value_int", "value_ints"];

    public static readonly IReadOnlyDictionary<string, OperatorRule> All = new SortedDictionary<string, OperatorRule>(StringComparer.Ordinal)
    {
        ["Add"] = Binary(TensorOp.Add),
        ["Sub"] = Binary(TensorOp.Sub),
        ["Mul"] = Binary(TensorOp.Mul),
        ["Div"] = Binary(TensorOp.Div),
        ["Pow"] = new(2, 2, [], Elementwise.Pow),
        ["Neg"] = Unary("neg", x => -x),
        ["Exp"] = Unary("exp", VarMath.Exp),
        ["Log"] = Unary("log", VarMath.Log),
        ["Sqrt"] = Unary("sqrt", VarMath.Sqrt),
        ["Sin"] = Unary("sin", VarMath.Sin),
        ["Cos"] = Unary("cos", VarMath.Cos),
        ["Tanh"] = Unary("tanh", VarMath.Tanh),
        ["Sigmoid"] = Unary("sigmoid", VarMath.Sigmoid),
        ["Softplus"] = Unary("softplus", VarMath.Softplus),
        ["Erf"] = Unary("erf", VarMath.Erf),
        ["Relu"] = Unary("relu", VarMath.Relu),
        ["LeakyRelu"] = new(1, 1, ["alpha"], n => Parametrised(n, "leaky_relu", n.Float("alpha", 0.01f), (x, a) => VarMath.LeakyRelu(x, a))),
        ["Elu"] = new(1, 1, ["alpha"], n => Parametrised(n, "elu", n.Float("alpha", 1.0), (x, a) => VarMath.Elu(x, a))),
        ["Selu"] = new(1, 1, ["alpha", "gamma"], Elementwise.Selu),
        ["Gelu"] = new(1, 1, ["approximate"], Elementwise.Gelu),
        ["Identity"] = new(1, 1, [], n => n.Input(0)),
        ["Gemm"] = new(2, 3, ["alpha", "beta", "transA", "transB"], LinearAlgebra.Gemm),
        ["MatMul"] = new(2, 2, [], LinearAlgebra.MatMul),
        ["Flatten"] = new(1, 1, ["axis"], ShapeOps.Flatten),
        ["Reshape"] = new(2, 2, ["allowzero"], ShapeOps.Reshape),
        ["Squeeze"] = new(1, 2, ["axes"], ShapeOps.Squeeze),
        ["Unsqueeze"] = new(1, 2, ["axes"], ShapeOps.Unsqueeze),
        ["Concat"] = new(1, int.MaxValue, ["axis"], ShapeOps.Concat),
        ["Constant"] = new(0, 0, ConstantAttributes, Constant),
    };

    private static OperatorRule Unary(string key, Func<Var, Var> f)
    {
        var map = new ElementMap(key, f);
        return new(1, 1, [], n => Elementwise.Map(n, n.Input(0), map));
    }

    private static Tensor Parametrised(NodeContext n, string name, double parameter, Func<Var, double, Var> f) =>
        Elementwise.Map(n, n.Input(0), new ElementMap($"{name}({Elementwise.R(parameter)})", x => f(x, parameter)));

    private static OperatorRule Binary(TensorOp op) => new(2, 2, [], n => Elementwise.Broadcast(n, n.Input(0), n.Input(1), op));

    /// <summary>A Constant node: exactly one of its value attributes.</summary>
    private static Tensor Constant(NodeContext node)
    {
        if (node.Attributes.Count != 1)
            throw node.Invalid($"expected exactly one of {string.Join(", ", ConstantAttributes)}, got {node.Attributes.Count} attributes");
        var a = node.Attributes[0];
        var (shape, values) = a.Name switch
        {
            "value" => TensorReader.Read(a.T ?? throw node.Invalid("attribute 'value' holds no tensor"), node.Label),
            "value_float" => ([], [node.Float(a.Name, 0)]),
            "value_int" => ([], [node.Int(a.Name, 0)]),
            "value_floats" => ([a.Floats.Count], Array.ConvertAll(node.Floats(a.Name)!, v => (double)v)),
            _ => ((int[] Shape, double[] Values))([a.Ints.Count], Array.ConvertAll(node.Ints(a.Name)!, v => (double)v)),
        };
        return Tensor.Constant(shape, values);
    }
}

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

    // A Dictionary, not a SortedDictionary: looked up once per node, and its string-keyed code is precompiled
    // in the framework, where a SortedDictionary's is JIT-compiled at every start (~30 methods). Names is the sorted view.
    public static readonly IReadOnlyDictionary<string, OperatorRule> All = new Dictionary<string, OperatorRule>(StringComparer.Ordinal)
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
        ["Abs"] = Unary("abs", VarMath.Abs),
        ["Tan"] = Unary("tan", VarMath.Tan),
        ["Atan"] = Unary("atan", VarMath.Atan),
        ["Sinh"] = Unary("sinh", VarMath.Sinh),
        ["Cosh"] = Unary("cosh", VarMath.Cosh),
        ["Asinh"] = Unary("asinh", VarMath.Asinh),
        ["Atanh"] = Unary("atanh", VarMath.Atanh),
        ["Softsign"] = Unary("softsign", VarMath.Softsign),
        ["HardSwish"] = Unary("hardswish", VarMath.Hardswish),
        ["HardSigmoid"] = new(1, 1, ["alpha", "beta"], Elementwise.HardSigmoid),
        ["PRelu"] = new(2, 2, [], Elementwise.PRelu),
        ["Clip"] = new(1, 3, ["min", "max"], Selection.Clip),
        ["Max"] = new(1, int.MaxValue, [], n => Selection.MaxMin(n, max: true)),
        ["Min"] = new(1, int.MaxValue, [], n => Selection.MaxMin(n, max: false)),
        ["Where"] = new(3, 3, [], Selection.Where),
        ["Sum"] = new(1, int.MaxValue, [], n => Elementwise.Variadic(n, mean: false)),
        ["Mean"] = new(1, int.MaxValue, [], n => Elementwise.Variadic(n, mean: true)),
        ["ReduceSum"] = new(1, 2, Reductions.Attributes, n => Reductions.Reduce(n, Reductions.Kind.Sum)),
        ["ReduceMean"] = new(1, 2, Reductions.Attributes, n => Reductions.Reduce(n, Reductions.Kind.Mean)),
        ["ReduceMax"] = new(1, 2, Reductions.Attributes, n => Reductions.Reduce(n, Reductions.Kind.Max)),
        ["ReduceMin"] = new(1, 2, Reductions.Attributes, n => Reductions.Reduce(n, Reductions.Kind.Min)),
        ["Softmax"] = new(1, 1, ["axis"], n => Reductions.Softmax(n, log: false)),
        ["LogSoftmax"] = new(1, 1, ["axis"], n => Reductions.Softmax(n, log: true)),
        ["LayerNormalization"] = new(2, 3, ["axis", "epsilon", "stash_type"], Normalization.LayerNormalization),
        ["BatchNormalization"] = new(5, 5, ["epsilon", "momentum", "training_mode", "spatial"], Normalization.BatchNormalization),
        ["Dropout"] = new(1, 3, ["ratio", "seed"], Dropout),
        ["Shape"] = new(1, 1, ["start", "end"], Indexing.Shape),
        ["Gather"] = new(2, 2, ["axis"], Indexing.Gather),
        ["Slice"] = new(1, 5, ["starts", "ends", "axes"], Indexing.Slice),
        ["Transpose"] = new(1, 1, ["perm"], Indexing.Transpose),
        ["Expand"] = new(2, 2, [], Indexing.Expand),
        ["LeakyRelu"] = new(1, 1, ["alpha"], n => Parametrised(n, "leaky_relu", n.Float("alpha", 0.01), (x, a) => VarMath.LeakyRelu(x, a))),
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

    /// <summary>The supported operators' names in ordinal order, as messages and <see cref="OnnxModel.SupportedOperators"/> list them.</summary>
    public static readonly IReadOnlyList<string> Names = SortedNames();

    private static IReadOnlyList<string> SortedNames()
    {
        var names = All.Keys.ToArray();
        Array.Sort(names, StringComparer.Ordinal);
        return Array.AsReadOnly(names);
    }

    /// <summary>Dropout at inference is the identity; a model that asks for training mode is refused.</summary>
    private static Tensor Dropout(NodeContext node)
    {
        if (node.OptionalInput(2) != null && node.ConstantInput(2, "training_mode").Any(v => v != 0))
            throw node.Unsupported("training_mode is true; only inference (dropout as the identity) is supported");
        return node.Input(0);
    }

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
            "value_floats" => ([a.Floats.Count], Array.ConvertAll(node.Floats(a.Name)!, NodeContext.Decimal)),
            _ => ((int[] Shape, double[] Values))([a.Ints.Count], Array.ConvertAll(node.Ints(a.Name)!, v => (double)v)),
        };
        return Tensor.Constant(shape, values);
    }
}

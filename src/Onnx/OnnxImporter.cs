using Onnx;
using TapeAD.Layers;
using DataType = Onnx.TensorProto.Types.DataType;
using DimCase = Onnx.TensorShapeProto.Types.Dimension.ValueOneofCase;

namespace TapeAD.Onnx;

/// <summary>
/// Turns a parsed ONNX model into a <see cref="TensorFunction"/>: one pass over the nodes in file
/// order (which ONNX requires to be topological), each node recorded on a fresh tensor graph
/// (operations on constants fold there, so weight preprocessing leaves no nodes).
/// Everything is local to one call, so a failed import leaves nothing behind.
/// </summary>
internal static class OnnxImporter
{
    public static OnnxModel Import(ModelProto model, string name)
    {
        var graphProto = model.Graph ?? throw new InvalidDataException($"{name}: not an ONNX model (it has no graph); is the file empty or not ONNX?");
        // Since IR version 3 a model must name its operator sets; a file cut after its graph lacks them.
        if (model.IrVersion >= 3 && model.OpsetImport.Count == 0)
            throw new InvalidDataException($"{name}: the model imports no operator set (ONNX requires one from IR version 3 on); is the file truncated?");
        OnnxLimits.CheckVersions(model.IrVersion, DefaultOpset(model), name);
        var graph = new TensorGraph();
        var values = new Dictionary<string, Tensor>(StringComparer.Ordinal);

        foreach (var init in graphProto.Initializer)
        {
            var (shape, data) = TensorReader.Read(init, $"{name}: initializer");
            if (!values.TryAdd(init.Name, Tensor.Constant(shape, data)))
                throw new InvalidDataException($"{name}: initializer '{init.Name}' is defined twice.");
        }

        var inputs = new List<OnnxPort>();
        int inputLength = 0;
        foreach (var info in graphProto.Input)
        {
            if (values.ContainsKey(info.Name)) continue; // an initializer that is also listed as an input is a constant
            var (elementType, declared, shape) = DeclaredInput(info, name, inputLength);
            int length = (int)Tensor.SizeOf(shape);
            var tensor = length == 0 ? Tensor.Constant(shape, []) : Tensor.Computed(shape, graph.Input(inputLength, length));
            if (!values.TryAdd(info.Name, tensor))
                throw new InvalidDataException($"{name}: graph input '{info.Name}' is declared twice.");
            inputs.Add(new OnnxPort(info.Name, elementType, declared, shape, inputLength, length));
            inputLength += length;
        }

        var producers = Producers(graphProto, values, name);
        var operatorCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < graphProto.Node.Count; i++)
        {
            var node = graphProto.Node[i];
            var result = Record(name, graph, node, i, values, producers, DefaultOpset(model));
            values[node.Output[0]] = result;
            operatorCounts.TryGetValue(node.OpType, out int count);
            operatorCounts[node.OpType] = count + 1;
        }

        var outputs = new List<OnnxPort>();
        var outputNodes = new List<int>();
        foreach (var info in graphProto.Output)
        {
            if (!values.TryGetValue(info.Name, out var y))
                throw new InvalidDataException($"{name}: graph output '{info.Name}' is computed by no node.");
            var (elementType, declared) = DeclaredOutput(info, y, name);
            outputs.Add(new OnnxPort(info.Name, elementType, declared, y.Shape, outputs.Sum(p => p.Length), (int)y.Size));
            if (y.Size > 0) outputNodes.Add(y.NodeIn(graph));
        }

        int recorded = graph.Count;
        var function = new TensorFunction(graph, outputNodes, inputLength, name);
        return new OnnxModel(name, function, inputs, outputs, operatorCounts, graphProto.Node.Count, recorded,
            DefaultOpset(model), model.IrVersion, $"{model.ProducerName} {model.ProducerVersion}".Trim());
    }

    private static Tensor Record(string name, TensorGraph graph, NodeProto node, int index, Dictionary<string, Tensor> values, Dictionary<string, int> producers, long opset)
    {
        // The operands are filled in after the checks; the context names the node in every message.
        var operands = new Tensor?[node.Input.Count];
        var context = new NodeContext(name, graph, node, index, operands, opset);
        if (node.Domain is not ("" or "ai.onnx"))
            throw context.Unsupported($"operator domain '{node.Domain}' is not supported (only the default ONNX domain)");
        if (!Operators.All.TryGetValue(node.OpType, out var rule))
            throw context.Unsupported($"operator {node.OpType} is not supported; supported operators: {string.Join(", ", Operators.Names)}");
        foreach (var a in node.Attribute)
            if (!rule.Attributes.Contains(a.Name))
                throw context.Unsupported($"attribute '{a.Name}' is not supported; {node.OpType} supports "
                    + (rule.Attributes.Length == 0 ? "no attributes" : string.Join(", ", rule.Attributes)));
        if (node.Input.Count < rule.MinInputs || node.Input.Count > rule.MaxInputs)
            throw context.Invalid($"expected {Range(rule.MinInputs, rule.MaxInputs)} inputs, got {node.Input.Count}");
        if (node.Output.Count == 0 || node.Output[0].Length == 0 || node.Output.Skip(1).Any(o => o.Length > 0))
            throw context.Unsupported($"exactly one output is supported, got outputs [{string.Join(", ", node.Output.Select(o => $"'{o}'"))}]");

        for (int j = 0; j < operands.Length; j++)
        {
            string input = node.Input[j];
            if (input.Length == 0) continue; // an optional input left out
            if (values.TryGetValue(input, out var t)) { operands[j] = t; continue; }
            throw producers.TryGetValue(input, out int later)
                ? context.Invalid($"uses '{input}', which node {later} computes later: the nodes are not in topological order, as ONNX requires")
                : context.Invalid($"uses '{input}', which nothing defines (no graph input, initializer or node output; is the file truncated?)");
        }
        return rule.Apply(context);
    }

    /// <summary>Which node computes each value; a value defined twice breaks ONNX's single assignment.</summary>
    private static Dictionary<string, int> Producers(GraphProto graph, Dictionary<string, Tensor> defined, string name)
    {
        var producers = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < graph.Node.Count; i++)
            foreach (string output in graph.Node[i].Output.Where(o => o.Length > 0))
                if (defined.ContainsKey(output) || !producers.TryAdd(output, i))
                    throw new InvalidDataException($"{name}: value '{output}' (output of node {i}, {graph.Node[i].OpType}) is defined more than once.");
        return producers;
    }

    /// <summary>An input's element type and shape, refused unless its size fits the limits
    /// (<see cref="OnnxLimits"/>) beside the <paramref name="inputLength"/> numbers of the inputs before it.</summary>
    private static (string ElementType, string Declared, int[] Shape) DeclaredInput(ValueInfoProto info, string name, int inputLength)
    {
        string what = $"{name}: graph input '{info.Name}'";
        var tensorType = info.Type?.TensorType ?? throw new NotSupportedException($"{what} is not a tensor; only tensor inputs are supported.");
        if ((DataType)tensorType.ElemType is not (DataType.Float or DataType.Double))
            throw new NotSupportedException($"{what} has element type {TensorReader.ElementTypeName(tensorType.ElemType)}; supported: float32, float64.");
        var dims = tensorType.Shape?.Dim ?? throw new NotSupportedException($"{what} declares no shape; a shape is needed to size the function's input.");
        var shape = new long[dims.Count];
        for (int d = 0; d < shape.Length; d++)
        {
            if (dims[d].ValueCase == DimCase.DimValue && dims[d].DimValue >= 0)
                shape[d] = dims[d].DimValue;
            else if (dims[d].ValueCase != DimCase.DimValue && d == 0 && dims.Count >= 2)
                shape[d] = 1; // a symbolic batch dimension: one sample
            else
                throw new NotSupportedException($"{what} has dimension {d} = {FormatDim(dims[d])} of shape {Format(dims)}; " +
                    "only the first (batch) dimension of an input of rank 2 or more may be symbolic, and it is taken as 1.");
        }
        if (OnnxLimits.TooLarge(shape) is { } tooLarge)
            throw new NotSupportedException($"{what}: {tooLarge}.");
        long length = OnnxLimits.ElementCount(shape);
        if (inputLength + length > OnnxLimits.MaxInputLength)
            throw new NotSupportedException($"{what} of shape {Format(dims)} holds {length} numbers, after {inputLength} in the inputs before it; " +
                $"the inputs may hold at most {OnnxLimits.MaxInputLength} (2^20) numbers in all.");
        return (TensorReader.ElementTypeName(tensorType.ElemType), Format(dims), Array.ConvertAll(shape, d => (int)d));
    }

    private static (string ElementType, string Declared) DeclaredOutput(ValueInfoProto info, Tensor y, string name)
    {
        var tensorType = info.Type?.TensorType;
        if (tensorType?.Shape is { } declared)
        {
            bool fits = declared.Dim.Count == y.Rank
                && declared.Dim.Select((dim, d) => dim.ValueCase != DimCase.DimValue || dim.DimValue == y.Shape[d]).All(ok => ok);
            if (!fits)
                throw new InvalidDataException($"{name}: graph output '{info.Name}' is declared {Format(declared.Dim)} but computes {Tensor.Format(y.Shape)}.");
        }
        return (tensorType == null ? "unknown" : TensorReader.ElementTypeName(tensorType.ElemType),
            tensorType?.Shape is { } s ? Format(s.Dim) : Tensor.Format(y.Shape));
    }

    private static long DefaultOpset(ModelProto model) =>
        model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();

    private static string Format(IEnumerable<TensorShapeProto.Types.Dimension> dims) => $"[{string.Join(", ", dims.Select(FormatDim))}]";

    private static string FormatDim(TensorShapeProto.Types.Dimension dim) => dim.ValueCase switch
    {
        DimCase.DimValue => dim.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        DimCase.DimParam => dim.DimParam,
        _ => "?",
    };

    private static string Range(int min, int max) => min == max ? $"{min}" : max == int.MaxValue ? $"{min} or more" : $"{min} to {max}";
}

using System.Text;
using Google.Protobuf;
using Onnx;
using TapeAD.Compiler;
using TapeAD.Layers;
using TapeAD.Tape;

namespace TapeAD.Onnx;

/// <summary>
/// An ONNX model imported as a tensor graph (<see cref="TensorFunction"/>), node by node, so any DAG of
/// the supported operators works (residual connections, several inputs, several outputs). Its
/// <c>Compile…</c> methods answer every query at the cheaper level, as a <see cref="Nn.Chain"/>'s do:
/// the tensor executor for wide models, straight-line code from the scalar graph for small ones.
/// </summary>
/// <remarks>
/// <para>The function's input is the concatenation of the graph inputs in declared order
/// (initializers that are also listed as inputs are constants, not inputs), each flattened
/// row-major; a symbolic batch dimension is taken as 1. Its output is the concatenation of the graph
/// outputs in declared order. <see cref="Inputs"/> and <see cref="Outputs"/> say where each sits.
/// float32 weights are widened to double; the tape computes in double.</para>
/// <para>Errors: a file that is not valid protobuf, is truncated, or breaks ONNX's rules (values used
/// before they are computed, wrong operand shapes, defined twice) throws <see cref="InvalidDataException"/>;
/// a valid model that uses an operator, attribute, element type or shape the importer does not support
/// throws <see cref="NotSupportedException"/>. Messages name the node (index and name) and the operator,
/// and list what is supported. Loading keeps no state, so a failed load leaves nothing behind.</para>
/// </remarks>
public sealed class OnnxModel
{
    private readonly Lazy<IReadOnlyDictionary<string, int>> _operatorCounts;

    internal OnnxModel(string name, TensorFunction function, IReadOnlyList<OnnxPort> inputs, IReadOnlyList<OnnxPort> outputs,
        Dictionary<string, int> operatorCounts, int onnxNodeCount, int recordedNodeCount, long opset, long irVersion, string producer)
    {
        Name = name;
        Tensor = function;
        Inputs = inputs;
        Outputs = outputs;
        // Sorted on first use only (inspect, tests): a SortedDictionary's code is JIT-compiled at every start.
        _operatorCounts = new(() => new SortedDictionary<string, int>(operatorCounts, StringComparer.Ordinal));
        OnnxNodeCount = onnxNodeCount;
        RecordedNodeCount = recordedNodeCount;
        Opset = opset;
        IrVersion = irVersion;
        Producer = producer;
    }

    /// <summary>The ONNX operators this importer supports (default domain).</summary>
    public static IReadOnlyList<string> SupportedOperators => Operators.Names;

    /// <summary>The model's name: the file name, or the name given to <see cref="Load(byte[], string)"/>.</summary>
    public string Name { get; }

    /// <summary>The model as a tensor graph: a function of the concatenated inputs to the concatenated outputs.</summary>
    public TensorFunction Tensor { get; }

    /// <summary>The same function as a scalar graph (expanded from <see cref="Tensor"/> on first use; large for wide models).</summary>
    public TapeFunction Function => Tensor.ToScalarFunction();

    /// <summary>Number of inputs a call takes.</summary>
    public int InputLength => Tensor.InputLength;

    /// <summary>Number of outputs a call gives.</summary>
    public int OutputLength => Tensor.OutputLength;

    /// <summary>The compiled value, at the cheaper level.</summary>
    public ICompiledQuery CompileValue() => Tensor.CompileValue();

    /// <summary>The compiled gradient of output <paramref name="outputIndex"/>, shape <c>[d]</c>.</summary>
    public ICompiledQuery CompileGradient(int outputIndex = 0) => Tensor.CompileGradient(outputIndex);

    /// <summary>The compiled Jacobian, shape <c>[m, d]</c>.</summary>
    public ICompiledQuery CompileJacobian() => Tensor.CompileJacobian();

    /// <summary>The compiled Hessian of every output, shape <c>[m, d, d]</c>.</summary>
    public ICompiledQuery CompileHessian() => Tensor.CompileHessian();

    /// <summary>The compiled Hessian-vector product of every output, shape <c>[m, d]</c>; inputs are <c>x</c> then <c>v</c>.</summary>
    public ICompiledQuery CompileHessianVectorProduct() => Tensor.CompileHessianVectorProduct();

    /// <summary>The compiled Hessian-vector product of output <paramref name="outputIndex"/>, shape <c>[d]</c>.</summary>
    public ICompiledQuery CompileHessianVectorProduct(int outputIndex) => Tensor.CompileHessianVectorProduct(outputIndex);

    /// <summary>The compiled second-order Jacobian, shape <c>[m, d]</c>.</summary>
    public ICompiledQuery CompileSecondOrderJacobian() => Tensor.CompileSecondOrderJacobian();

    /// <summary>The compiled Laplacian, shape <c>[m]</c>.</summary>
    public ICompiledQuery CompileLaplacian() => Tensor.CompileLaplacian();

    /// <summary>The graph inputs in declared order, with their place in the function's input vector.</summary>
    public IReadOnlyList<OnnxPort> Inputs { get; }

    /// <summary>The graph outputs in declared order, with their place in the function's output vector.</summary>
    public IReadOnlyList<OnnxPort> Outputs { get; }

    /// <summary>How many nodes of each operator the ONNX graph has, by operator name (ordinal order).</summary>
    public IReadOnlyDictionary<string, int> OperatorCounts => _operatorCounts.Value;

    /// <summary>Number of nodes in the ONNX graph.</summary>
    public int OnnxNodeCount { get; }

    /// <summary>Number of tensor-graph nodes recorded (after folding, fusion and hash-consing, before dead-node removal).</summary>
    public int RecordedNodeCount { get; }

    /// <summary>Number of tensor-graph nodes the outputs depend on.</summary>
    public int OptimizedNodeCount => Tensor.NodeCount;

    /// <summary>The version of the default ONNX operator set the model imports (0 if it names none).</summary>
    public long Opset { get; }

    /// <summary>The ONNX IR version of the file.</summary>
    public long IrVersion { get; }

    /// <summary>The program that wrote the file, e.g. "pytorch 1.13.1"; empty if unknown.</summary>
    public string Producer { get; }

    /// <summary>Loads an ONNX file.</summary>
    /// <exception cref="InvalidDataException">The file is corrupt, truncated or breaks ONNX's rules.</exception>
    /// <exception cref="NotSupportedException">The model uses something the importer does not support.</exception>
    public static OnnxModel Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Load(File.ReadAllBytes(path), Path.GetFileName(path));
    }

    /// <summary>Loads an ONNX model from a stream (read to its end).</summary>
    /// <inheritdoc cref="Load(string)" path="/exception"/>
    public static OnnxModel Load(Stream stream, string name = "model")
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Load(buffer.ToArray(), name);
    }

    /// <summary>Loads an ONNX model from the bytes of a file.</summary>
    /// <inheritdoc cref="Load(string)" path="/exception"/>
    public static OnnxModel Load(byte[] bytes, string name = "model")
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(name);
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{name}: not a valid ONNX file (truncated or corrupt protobuf): {e.Message}", e);
        }
        return OnnxImporter.Import(model, name);
    }

    /// <summary>A summary for people (the <c>tapead inspect</c> command): inputs, outputs, operators, node counts.</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        sb.Append(Name).Append(": ONNX IR ").Append(IrVersion).Append(", opset ").Append(Opset);
        if (Producer.Length > 0) sb.Append(", written by ").Append(Producer);
        sb.AppendLine();
        AppendPorts(sb, "inputs", "x", Inputs, InputLength);
        AppendPorts(sb, "outputs", "y", Outputs, OutputLength);
        sb.Append("operators: ").AppendJoin(", ", OperatorCounts.Select(kv => $"{kv.Key} x{kv.Value}")).AppendLine();
        sb.Append("nodes: ").Append(OnnxNodeCount).Append(" ONNX nodes -> ").Append(RecordedNodeCount)
            .Append(" tensor nodes recorded -> ").Append(OptimizedNodeCount).AppendLine(" after dead-node removal");
        return sb.ToString();
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {InputLength} inputs -> {OutputLength} outputs, {OnnxNodeCount} ONNX nodes";

    private static void AppendPorts(StringBuilder sb, string title, string vector, IReadOnlyList<OnnxPort> ports, int total)
    {
        sb.Append(title).Append(" (").Append(total).AppendLine(" values):");
        int width = ports.Count == 0 ? 0 : ports.Max(p => p.Name.Length);
        foreach (var p in ports)
        {
            string range = p.Length == 1 ? $"{vector}[{p.Offset}]" : $"{vector}[{p.Offset}..{p.Offset + p.Length - 1}]";
            sb.Append("  ").Append(p.Name.PadRight(width)).Append("  ").Append(p.ElementType).Append(' ').Append(p.DeclaredShape)
                .Append(" -> ").AppendLine(p.Length == 0 ? "(empty)" : range);
        }
    }
}

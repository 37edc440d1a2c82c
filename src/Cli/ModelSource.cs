using TapeAD.Layers;
using TapeAD.Nn;
using TapeAD.Onnx;
using TapeAD.Tape;

namespace TapeAD.Cli;

/// <summary>A model named on the command line, as a tensor graph (JSON chains and ONNX files alike), with a description for <c>inspect</c>.</summary>
/// <param name="tensor">The model.</param>
/// <param name="describe">Writes what the model is; called on first use of <see cref="Description"/> only, since
/// <c>derive</c> never needs it and a short run's time is mostly start-up.</param>
public sealed class LoadedModel(TensorFunction tensor, Func<string> describe)
{
    private readonly Lazy<string> _description = new(describe);

    /// <summary>The model.</summary>
    public TensorFunction Tensor { get; } = tensor;

    /// <summary>What the model is: its layers or its ONNX inputs, outputs and operators.</summary>
    public string Description => _description.Value;

    /// <summary>Inputs a call takes.</summary>
    public int InputLength => Tensor.InputLength;

    /// <summary>The model as a scalar graph, expanded on first use (large for wide models: only the scalar-level queries need it).</summary>
    public TapeFunction Function => Tensor.ToScalarFunction();
}

/// <summary>Resolves a <c>--model</c> argument: <c>builtin:NAME</c>, an ONNX file or a JSON model file.</summary>
public static class ModelSource
{
    private const string Builtin = "builtin:";

    /// <summary>Loads the model named by <paramref name="spec"/>.</summary>
    public static LoadedModel Load(string spec)
    {
        if (spec.StartsWith(Builtin, StringComparison.Ordinal))
            return FromChain(spec, BuiltinModels.Get(spec[Builtin.Length..]));
        if (!File.Exists(spec)) throw new FileNotFoundException($"{spec}: no such model file (or use builtin:seed)");
        if (spec.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            var onnx = OnnxModel.Load(spec);
            return new LoadedModel(onnx.Tensor, () => onnx.Describe().TrimEnd());
        }
        return FromChain(spec, ModelFile.Load(spec));
    }

    private static LoadedModel FromChain(string spec, Chain chain) => new(chain.ToTensorFunction(), () => Describe(spec, chain));

    private static string Describe(string spec, Chain chain)
    {
        var lines = new List<string>
        {
            $"{spec}: chain '{chain.Name}', {chain.InputLength} inputs -> {chain.OutputLength} outputs",
            "layers:",
        };
        lines.AddRange(chain.Layers.Select((l, k) => $"  {k}: Dense({l.Inputs}, {l.Outputs}, {Activations.NameOf(l.Activation)})"));
        return string.Join(Environment.NewLine, lines);
    }
}

using TapeAD.Nn;
using TapeAD.Onnx;
using TapeAD.Tape;

namespace TapeAD.Cli;

/// <summary>A model named on the command line: its value function, and its layers when it is a chain
/// (which lets queries run at the tensor level).</summary>
public sealed record LoadedModel(TapeFunction Function, Chain? Chain, string Description);

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
            return new LoadedModel(onnx.Function, null, onnx.Describe().TrimEnd());
        }
        return FromChain(spec, ModelFile.Load(spec));
    }

    private static LoadedModel FromChain(string spec, Chain chain)
    {
        var lines = new List<string>
        {
            $"{spec}: chain '{chain.Name}', {chain.InputLength} inputs -> {chain.OutputLength} outputs",
            "layers:",
        };
        lines.AddRange(chain.Layers.Select((l, k) => $"  {k}: Dense({l.Inputs}, {l.Outputs}, {Activations.NameOf(l.Activation)})"));
        var function = chain.ToFunction();
        lines.Add($"nodes: {function.Graph.Count} tape nodes");
        return new LoadedModel(function, chain, string.Join(Environment.NewLine, lines));
    }
}

using TapeAD.Nn;
using TapeAD.Onnx;
using TapeAD.Tape;

namespace TapeAD.Cli;

/// <summary>Resolves a <c>--model</c> argument: <c>builtin:NAME</c>, an ONNX file or a JSON model file.</summary>
public static class ModelSource
{
    private const string Builtin = "builtin:";

    /// <summary>The value function of the model named by <paramref name="spec"/>.</summary>
    public static TapeFunction Load(string spec)
    {
        if (spec.StartsWith(Builtin, StringComparison.Ordinal))
            return BuiltinModels.Get(spec[Builtin.Length..]).ToFunction();
        if (!File.Exists(spec)) throw new FileNotFoundException($"{spec}: no such model file (or use builtin:seed)");
        return IsOnnx(spec) ? OnnxModel.Load(spec).Function : ModelFile.Load(spec).ToFunction();
    }

    /// <summary>A description of the model: its inputs, outputs, layers or operators, and tape size.</summary>
    public static string Describe(string spec)
    {
        if (!spec.StartsWith(Builtin, StringComparison.Ordinal) && !File.Exists(spec))
            throw new FileNotFoundException($"{spec}: no such model file (or use builtin:seed)");
        if (!spec.StartsWith(Builtin, StringComparison.Ordinal) && IsOnnx(spec))
            return OnnxModel.Load(spec).Describe();
        var chain = spec.StartsWith(Builtin, StringComparison.Ordinal)
            ? BuiltinModels.Get(spec[Builtin.Length..])
            : ModelFile.Load(spec);
        var lines = new List<string>
        {
            $"{spec}: chain '{chain.Name}', {chain.InputLength} inputs -> {chain.OutputLength} outputs",
            "layers:",
        };
        lines.AddRange(chain.Layers.Select((l, k) => $"  {k}: Dense({l.Inputs}, {l.Outputs}, {Activations.NameOf(l.Activation)})"));
        lines.Add($"nodes: {chain.ToFunction().Graph.Count} tape nodes");
        return string.Join(Environment.NewLine, lines);
    }

    private static bool IsOnnx(string path) => path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);
}

using TapeAD.Nn;
using TapeAD.Tape;

namespace TapeAD.Cli;

/// <summary>Resolves a <c>--model</c> argument: <c>builtin:NAME</c> or a JSON model file.</summary>
public static class ModelSource
{
    /// <summary>The value function of the model named by <paramref name="spec"/>.</summary>
    public static TapeFunction Load(string spec)
    {
        const string builtin = "builtin:";
        if (spec.StartsWith(builtin, StringComparison.Ordinal))
            return BuiltinModels.Get(spec[builtin.Length..]).ToFunction();
        if (!File.Exists(spec)) throw new FileNotFoundException($"{spec}: no such model file (or use builtin:seed)");
        return ModelFile.Load(spec).ToFunction();
    }
}

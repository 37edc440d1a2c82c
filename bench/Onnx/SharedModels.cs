namespace TapeAD.Bench.Onnx;

/// <summary>
/// Where the shared benchmark models live (<c>shared/models/bench/</c>: <c>pinn_f64.onnx</c>,
/// <c>wide_f64.onnx</c>, <c>residual_pinn_f64.onnx</c>, and the JSON twins <c>pinn.json</c>, <c>wide.json</c>):
/// <c>TAPEAD_BENCH_MODELS</c> if set, else the first <c>shared/models/bench</c> found walking up from the
/// working directory, then from the bench's own directory (worktrees sit at different depths below it).
/// </summary>
public static class SharedModels
{
    public const string Variable = "TAPEAD_BENCH_MODELS";

    public static string Directory { get; } = Locate();

    /// <summary>The file <paramref name="name"/> in <see cref="Directory"/>.</summary>
    /// <exception cref="FileNotFoundException">When it is not there.</exception>
    public static string File(string name)
    {
        string path = Path.Combine(Directory, name);
        return System.IO.File.Exists(path) ? path
            : throw new FileNotFoundException($"Shared benchmark model {name} not found in {Directory} (set {Variable} to the folder holding it).", path);
    }

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } set) return set;
        foreach (var start in new[] { System.IO.Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "shared", "models", "bench");
                if (System.IO.Directory.Exists(candidate)) return candidate;
            }
        throw new DirectoryNotFoundException($"No shared/models/bench folder above {System.IO.Directory.GetCurrentDirectory()} or {AppContext.BaseDirectory}; set {Variable}.");
    }
}

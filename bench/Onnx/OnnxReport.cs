using TapeAD.Bench.Torch;

namespace TapeAD.Bench.Onnx;

/// <summary>
/// <c>onnx [pinn|wide|residual ...] [query ...] [--time-ms N] [--row-budget-ms M]</c>: the tensor-graph
/// harness as one table, timed with a Stopwatch on 1 thread. Per model and query: preparation (load +
/// compile) of the ONNX query and of its JSON twin, their time per input on a batch, TorchSharp batched
/// (rebuilt from the ONNX file) on 1,024 inputs, every answer checked first. A batch of 1,024 is timed
/// unless one would take longer than the row budget (default 1,500 ms; today's interpreted scalar ONNX
/// graphs take 1–35 ms per input): then the first rows that fit, a multiple of 8, shown in "rows".
/// </summary>
public static class OnnxReport
{
    public static int Run(string[] args)
    {
        double budget = Option(args, "--time-ms", 400), rowBudget = Option(args, "--row-budget-ms", 1500);
        var models = OnnxCase.Models.Select(m => m.Name).Where(args.Contains).ToList();
        if (models.Count == 0) models = [.. OnnxCase.Models.Select(m => m.Name)];
        var queries = Enum.GetValues<Query>().Where(q => args.Contains(q.ToString())).ToList();
        if (queries.Count == 0) queries = [.. Enum.GetValues<Query>()];
        TorchPeer.SetThreads(1);
        WarmUp();
        Console.WriteLine($"load average at start: {File.ReadAllText("/proc/loadavg").Trim()}; models from {SharedModels.Directory}");
        Console.WriteLine("| case | prepare ONNX | prepare twin | ONNX per input | twin per input | ONNX ÷ twin | rows | TorchSharp batched | Torch ÷ ONNX | checked (twin, torch) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var model in models)
            foreach (var q in queries)
            {
                using var c = new OnnxCase(model, q);
                c.RunOnnx(8);
                var clock = System.Diagnostics.Stopwatch.StartNew();
                c.RunOnnx(8);
                double perRowMs = clock.Elapsed.TotalMilliseconds / 8;
                int rows = perRowMs * OnnxCase.Size <= rowBudget ? OnnxCase.Size
                    : Math.Clamp((int)(rowBudget / perRowMs) / 8 * 8, 8, OnnxCase.Size);
                var (twinDiff, torchDiff) = c.Verify(rows);
                double onnx = Timing.Fastest(() => c.RunOnnx(rows), budget) / rows;
                double twin = Timing.Fastest(() => c.RunJson(), budget) / OnnxCase.Size;
                double torch = Timing.Fastest(c.RunTorch, budget) / OnnxCase.Size;
                string twinName = c.SameWeights ? "" : " (pinn.json)";
                Console.WriteLine($"| {model}/{q} | {c.OnnxPrepareMs:F0} ms | {c.JsonPrepareMs:F1} ms{twinName} | {Timing.Us(onnx)} | {Timing.Us(twin)} | " +
                    $"{onnx / twin:F2} | {rows} | {Timing.Us(torch)} | {torch / onnx:F2} | {(c.SameWeights ? twinDiff.ToString("E0") : "—")}, {torchDiff:E0} |");
            }
        Console.WriteLine($"load average at end: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    /// <summary>One throwaway preparation and call of each kind, so the first row's preparation time is not the JIT's.</summary>
    private static void WarmUp()
    {
        var xs = new double[8 * 8];
        foreach (var factory in new[] { OnnxQueries.FromOnnx(SharedModels.File("residual_pinn_f64.onnx"), Query.Value),
                                        OnnxQueries.FromJson(SharedModels.File("pinn.json"), Query.Laplacian) })
        {
            var q = factory();
            q.EvaluateBatch(xs, new double[8 * q.OutputLength], 1);
        }
    }

    private static double Option(string[] args, string name, double fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? double.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }
}

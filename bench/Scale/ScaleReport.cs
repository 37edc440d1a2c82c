using TapeAD.Bench.Torch;

namespace TapeAD.Bench.Scale;

/// <summary>
/// The scale comparison in one table, timed with a Stopwatch: per case the fastest of several batch
/// calls (the minimum is the least disturbed by other processes on a shared machine), as µs per input
/// and GFLOP/s (2 flops per multiply-add of the layer products the algorithm needs), next to
/// TorchSharp's matmul ceiling measured the same way. Every peer is checked against TapeAD first.
/// Usage: <c>scale [pinn|wide|seed ...] [--one-output] [--time-ms N]</c> (default all three, 600 ms per
/// measurement; <c>--one-output</c>: only wide's gradient and HVP of output 0).
/// </summary>
public static class ScaleReport
{
    public static int Run(string[] args)
    {
        int at = Array.IndexOf(args, "--time-ms");
        double budget = at >= 0 ? double.Parse(args[at + 1]) : 600;
        var models = args.Where(a => a is "seed" or "pinn" or "wide").ToList();
        bool oneOutputOnly = args.Contains("--one-output");
        if (models.Count == 0) models = ["pinn", "wide", "seed"];
        Console.WriteLine($"load average at start: {File.ReadAllText("/proc/loadavg").Trim()}");

        TorchPeer.SetThreads(1);
        var ceiling = new TorchMatmulCeiling();
        ceiling.Setup();
        double matmul = TorchMatmulCeiling.Flops / Timing.Fastest(ceiling.Matmul, budget) / 1e3;
        ceiling.Cleanup();
        Console.WriteLine($"TorchSharp matmul 1024×64 · 64×64 float64, 1 thread: {matmul:F1} GFLOP/s (the ceiling)");
        Console.WriteLine();
        Console.WriteLine("| case | TapeAD 1 thread | GFLOP/s | % of ceiling | TapeAD 2 threads | 2t ÷ 1t | TorchSharp 1 thread | TorchSharp 2 threads | Torch(1t) ÷ TapeAD(1t) | hand batched Laplacian | hand ÷ TapeAD | checked (torch, hand) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var model in models)
        {
            foreach (var (q, output) in Cells(model, oneOutputOnly))
            {
                using var c = new ScaleCase(model, q, output);
                var (torchDiff, handDiff) = c.Verify();
                double one = Timing.Fastest(() => c.RunTapeAD(1), budget) / ScaleCase.Size;
                double two = Timing.Fastest(() => c.RunTapeAD(2), budget) / ScaleCase.Size;
                double gflops = 2.0 * c.MultiplyAdds / one / 1e3;
                string flops = c.MultiplyAdds > 0 ? $"{gflops:F1} | {100 * gflops / matmul:F0} %" : "— | —";
                string hand = "—", handRatio = "—";
                TorchPeer.SetThreads(1);
                double t1 = Timing.Fastest(c.RunTorch, budget) / ScaleCase.Size;
                TorchPeer.SetThreads(2);
                double t2 = Timing.Fastest(c.RunTorch, budget) / ScaleCase.Size;
                TorchPeer.SetThreads(1);
                var (torch1, torch2, ratio) = (Timing.Us(t1), Timing.Us(t2), $"{t1 / one:F1}×");
                if (c.Hand != null)
                {
                    double h = Timing.Fastest(c.RunHand, budget) / ScaleCase.Size;
                    (hand, handRatio) = (Timing.Us(h), $"{h / one:F1}×");
                }
                Console.WriteLine($"| {c.Name} | {Timing.Us(one)} | {flops} | {Timing.Us(two)} | {one / two:F2} | {torch1} | {torch2} | {ratio} | {hand} | {handRatio} | {torchDiff:E0}, {handDiff:E0} |");
            }
        }
        Console.WriteLine();
        Console.WriteLine($"load average at end: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    // Every query of the model, then for wide the one-output queries issue 14 targets (gradient and HVP
    // of output 0 at the tensor level against TorchSharp's batched vjp and hvp); only those with --one-output.
    private static IEnumerable<(Query Query, int? Output)> Cells(string model, bool oneOutputOnly)
    {
        if (!oneOutputOnly)
            foreach (var q in Enum.GetValues<Query>()) yield return (q, null);
        if (model == "wide")
        {
            yield return (Query.Jacobian, 0);
            yield return (Query.Hvp, 0);
        }
    }
}

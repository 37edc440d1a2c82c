namespace TapeAD.Bench.Batches;

/// <summary>
/// <c>small-batch [seed|small-deep ...] [--time-ms N]</c>: the <see cref="SmallBatch"/> comparison timed
/// with a Stopwatch (fastest batch call, per input), every path checked against TapeAD first.
/// </summary>
public static class SmallBatchReport
{
    public static int Run(string[] args)
    {
        var (budget, models) = Start(args);
        Console.WriteLine("| case | hand batch | TapeAD batch | TapeAD loop | hand per call | TorchSharp batched | TapeAD batch ÷ hand batch | largest difference |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var model in models)
            foreach (var q in Enum.GetValues<Query>())
            {
                using var c = new SmallBatchCase(model, q);
                double worst = c.Verify().Max(v => v.Worst);
                double Per(Action run) => Timing.Fastest(run, budget) / SmallBatchCase.Size;
                double hand = Per(c.RunHandBatch), batch = Per(c.RunTapeADBatch);
                Console.WriteLine($"| {model}/{q} | {Timing.Us(hand)} | {Timing.Us(batch)} | {Timing.Us(Per(c.RunTapeADLoop))} | " +
                    $"{Timing.Us(Per(c.RunHandLoop))} | {Timing.Us(Per(c.RunTorch))} | {batch / hand:F2} | {worst:E0} |");
            }
        Console.WriteLine($"load average at end: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    /// <summary>The options both small-network reports take (<c>--time-ms N</c>, model names), TorchSharp on one
    /// thread, and the load line that opens a report.</summary>
    internal static (double Budget, List<string> Models) Start(string[] args)
    {
        int at = Array.IndexOf(args, "--time-ms");
        double budget = at >= 0 ? double.Parse(args[at + 1]) : 400;
        var models = args.Where(a => a is "seed" or "small-deep").ToList();
        if (models.Count == 0) models = ["seed", "small-deep"];
        Torch.TorchPeer.SetThreads(1);
        Console.WriteLine($"load average at start: {File.ReadAllText("/proc/loadavg").Trim()}; " +
            $"Vector512 hardware-accelerated: {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}");
        return (budget, models);
    }
}

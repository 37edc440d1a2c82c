using System.Diagnostics;

namespace TapeAD.Bench;

/// <summary>
/// <c>check [model ...]</c>: verifies both peers against TapeAD on every query (as every benchmark's
/// GlobalSetup does) and prints a rough Stopwatch time per call for each, to size the benchmark run.
/// </summary>
public static class CheckReport
{
    public static int Run(string[] args)
    {
        var models = args.Length > 0 ? args : Models.Names;
        Torch.TorchPeer.SetThreads(1);
        Console.WriteLine("| case | max rel diff hand | max rel diff torch | TapeAD µs | hand µs | torch µs |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var name in models)
            foreach (var q in Enum.GetValues<Query>())
            {
                using var c = new Case(name, q);
                var xs = Models.Inputs(c.Model, q, 8);
                var (h, t) = c.Verify(xs);
                var r = new double[c.OutputLength];
                double tape = Time(() => c.Compiled.Evaluate(xs[0], r));
                double hand = Time(() => c.RunHand(xs[0], r));
                double torch = Time(() => c.Torch.Run(q, 1, xs[0], r));
                Console.WriteLine($"| {name}/{q} | {h:E1} | {t:E1} | {tape:F3} | {hand:F3} | {torch:F1} |");
            }
        return 0;
    }

    private static double Time(Action a)
    {
        // Long enough for tiered JIT to promote the peers' loops to optimized code.
        var warm = Stopwatch.StartNew();
        while (warm.ElapsedMilliseconds < 400) a();
        var sw = Stopwatch.StartNew();
        int n = 0;
        while (sw.ElapsedMilliseconds < 200) { a(); n++; }
        return sw.Elapsed.TotalMicroseconds / n;
    }
}

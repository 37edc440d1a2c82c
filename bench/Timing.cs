using System.Diagnostics;

namespace TapeAD.Bench;

/// <summary>Stopwatch timing for the bench's quick reports (BenchmarkDotNet does the careful runs).</summary>
public static class Timing
{
    /// <summary>Microseconds as people read them: "683 ns", "1.10 µs", "12.6 µs", "118 µs".</summary>
    public static string Us(double us) => us >= 100 ? $"{us:F0} µs" : us >= 10 ? $"{us:F1} µs" : us >= 1 ? $"{us:F2} µs" : $"{us * 1000:F0} ns";

    /// <summary>Fastest of repeated calls in µs, after a warm-up long enough for tiered compilation;
    /// at least 3 timed calls, more while the budget lasts. The minimum is the least disturbed by other
    /// processes on a shared machine.</summary>
    public static double Fastest(Action run, double budgetMs)
    {
        var clock = Stopwatch.StartNew();
        do run(); while (clock.Elapsed.TotalMilliseconds < budgetMs / 2);
        double best = double.MaxValue;
        int calls = 0;
        clock.Restart();
        while (calls < 3 || clock.Elapsed.TotalMilliseconds < budgetMs)
        {
            long start = Stopwatch.GetTimestamp();
            run();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            calls++;
        }
        return best;
    }
}

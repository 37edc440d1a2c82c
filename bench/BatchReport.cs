using System.Diagnostics;
using TapeAD.Compiler;
using TapeAD.Layers;
using TapeAD.Nn;

namespace TapeAD.Bench;

/// <summary>
/// The in-memory batch path that <c>tapead derive</c>'s streaming is compared with: one query of a
/// built-in chain through <see cref="ICompiledQuery.EvaluateBatch(ReadOnlySpan{double}, Span{double}, int)"/>
/// on one array holding every row (random inputs in [-2, 2), like bench/tools/make_rows.py).
/// Usage: <c>batch MODEL QUERY ROWS [THREADS]</c>, QUERY one of hessian, diag, laplacian, jacobian, value.
/// Prints the best of three wall times (the least disturbed on a shared machine).
/// </summary>
public static class BatchReport
{
    public static int Run(string[] args)
    {
        var chain = BuiltinModels.Get(args[0]);
        ICompiledQuery query = args[1] switch
        {
            "hessian" => chain.CompileHessian(),
            "diag" => chain.CompileSecondOrderJacobian(),
            "laplacian" => chain.CompileLaplacian(),
            "jacobian" => chain.CompileJacobian(),
            "value" => chain.CompileValue(),
            var other => throw new ArgumentException($"unknown query '{other}'"),
        };
        int rows = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
        int threads = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : Environment.ProcessorCount;
        var random = new Random(12);
        var inputs = new double[(long)rows * query.InputLength];
        for (long i = 0; i < inputs.LongLength; i++) inputs[i] = 4 * random.NextDouble() - 2;
        var results = new double[(long)rows * query.OutputLength];
        Console.WriteLine($"load average at start: {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine($"{args[0]} {args[1]}: {rows} rows, {query.OutputLength} numbers each, {threads} threads, " +
            $"arrays {(inputs.LongLength + results.LongLength) * 8 >> 20} MB");
        double best = double.MaxValue;
        for (int run = 0; run < 3; run++)
        {
            var clock = Stopwatch.StartNew();
            query.EvaluateBatch(inputs, results, threads);
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
            Console.WriteLine($"  run {run}: {clock.Elapsed.TotalSeconds:F3} s");
        }
        Console.WriteLine($"best: {best:F3} s ({best / rows * 1e9:F0} ns per row)");
        return 0;
    }
}

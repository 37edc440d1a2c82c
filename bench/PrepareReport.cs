using System.Diagnostics;
using TapeAD.Compiler;

namespace TapeAD.Bench;

/// <summary>
/// Cost of preparing each query (record + differentiate + compile), timed with a Stopwatch over
/// several cold repetitions (each repetition records the model afresh, so nothing is cached), and the
/// graph sizes: nodes of the recorded value graph, nodes of the query's graph after extraction (what
/// the outputs need), and the live nodes the compiler emits.
/// Usage: <c>prepare [model ...] [query ...] [repetitions] [--compile-all] [--time-call]</c>.
/// <c>--compile-all</c> compiles graphs the compiler would interpret (above
/// <see cref="CompilerOptions.InterpretAboveNodes"/>), to show what compiling them would cost and give;
/// <c>--time-call</c> adds a rough Stopwatch time per call of the prepared function.
/// </summary>
public static class PrepareReport
{
    public static int Run(string[] args)
    {
        bool compileAll = args.Contains("--compile-all"), timeCall = args.Contains("--time-call");
        args = args.Where(a => !a.StartsWith("--")).ToArray();
        var options = compileAll ? CompilerOptions.Default with { InterpretAboveNodes = int.MaxValue } : CompilerOptions.Default;
        static bool IsQuery(string a) => !int.TryParse(a, out _) && Enum.TryParse<Query>(a, out _);
        var models = args.Where(a => !int.TryParse(a, out _) && !IsQuery(a)).ToList();
        if (models.Count == 0) models = [.. Models.Names];
        var queries = args.Where(IsQuery).Select(Enum.Parse<Query>).ToList();
        if (queries.Count == 0) queries = [.. Enum.GetValues<Query>()];
        int reps = args.Select(a => int.TryParse(a, out int r) ? r : 0).FirstOrDefault(r => r > 0, 5);

        Console.WriteLine("| model | query | record ms | differentiate ms | compile ms | total ms (median) | value nodes | query nodes | emitted nodes | backend |" + (timeCall ? " µs per call |" : ""));
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---|" + (timeCall ? "---:|" : ""));
        // Warm up the library's own code paths (JIT of Tape/Compiler) on the seed model.
        Models.Prepare(Models.Load("seed"), Query.Hessian);
        foreach (var name in models)
        {
            var model = Models.Load(name);
            foreach (var q in queries)
            {
                var rec = new List<double>(); var dif = new List<double>(); var com = new List<double>(); var tot = new List<double>();
                int valueNodes = 0, queryNodes = 0, emitted = 0; string backend = "";
                CompiledFunction? last = null;
                for (int r = 0; r < reps; r++)
                {
                    var sw = Stopwatch.StartNew();
                    var f = model.ToFunction();
                    double t1 = sw.Elapsed.TotalMilliseconds;
                    var qf = Models.Build(f, q);
                    double t2 = sw.Elapsed.TotalMilliseconds;
                    var c = qf.Compile(options);
                    double t3 = sw.Elapsed.TotalMilliseconds;
                    rec.Add(t1); dif.Add(t2 - t1); com.Add(t3 - t2); tot.Add(t3);
                    valueNodes = f.Graph.Count; queryNodes = qf.Graph.Count; emitted = c.NodeCount; backend = c.Backend.ToString();
                    last = c;
                }
                string call = timeCall ? $" {TimeCall(last!):F2} |" : "";
                Console.WriteLine($"| {name} | {q} | {Median(rec):F2} | {Median(dif):F2} | {Median(com):F2} | {Median(tot):F2} | {valueNodes:N0} | {queryNodes:N0} | {emitted:N0} | {backend} |{call}");
            }
        }
        return 0;
    }

    private static double TimeCall(CompiledFunction c)
    {
        var x = new double[c.InputLength];
        for (int j = 0; j < x.Length; j++) x[j] = 0.1 * (j + 1) - 0.4;
        var r = new double[c.OutputLength];
        var sw = Stopwatch.StartNew();
        int n = 0;
        while (sw.ElapsedMilliseconds < 300) { c.Evaluate(x, r); n++; }
        sw.Restart();
        for (int i = 0; i < n; i++) c.Evaluate(x, r);
        return sw.Elapsed.TotalMicroseconds / n;
    }

    private static double Median(List<double> v)
    {
        var s = v.OrderBy(x => x).ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : 0.5 * (s[s.Length / 2 - 1] + s[s.Length / 2]);
    }
}

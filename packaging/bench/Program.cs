// Time per call of emitted code and of the library's compiled query (FEC under the JIT, the
// interpreted fallback under NativeAOT), and the start-up of a process making its first call.
//   EmitBench table          every case, ns per call (best of 5 runs of about 0.2 s)
//   EmitBench first CASE     one emitted call, then exit (time the process)
//   EmitBench first-lib CASE the library's record + differentiate + compile + one call, then exit
using System.Diagnostics;
using System.Runtime.CompilerServices;
using TapeAD.Compiler;
using TapeAD.Nn;
using TapeAD.Tape;

var cases = new (string Name, Func<TapeFunction> Query, Emitted Evaluate)[]
{
    ("seed diag", () => BuiltinModels.Seed().ToFunction().SecondOrderJacobian(), Generated.SeedDiag.Evaluate),
    ("seed hessian", () => BuiltinModels.Seed().ToFunction().Hessian(), Generated.SeedHessian.Evaluate),
    ("pinn gradient", () => BuiltinModels.Get("pinn").ToFunction().Gradient(0), Generated.PinnGradient.Evaluate),
    ("pinn laplacian", () => BuiltinModels.Get("pinn").ToFunction().Laplacian(), Generated.PinnLaplacian.Evaluate),
};

string mode = args.Length > 0 ? args[0] : "table";
if (mode is "first" or "first-lib")
{
    var c = cases.Single(c => c.Name == args[1]);
    var x = Enumerable.Range(0, 8).Select(i => 0.1 * i - 0.3).ToArray();
    if (mode == "first")
    {
        // The emitted class's InputLength is not reachable through the delegate: the first case sizes fit in 8 inputs, 75 results.
        var r = new double[75];
        int d = c.Name.StartsWith("seed", StringComparison.Ordinal) ? 5 : 8;
        int m = c.Name switch { "seed diag" => 15, "seed hessian" => 75, "pinn gradient" => 8, _ => 1 };
        c.Evaluate(x.AsSpan(0, d), r.AsSpan(0, m));
        Console.WriteLine(r[0]);
    }
    else
    {
        var f = c.Query().Compile();
        Console.WriteLine(f.Evaluate(x.AsSpan(0, f.InputLength))[0]);
    }
    return 0;
}

Console.WriteLine($"dynamic code: {RuntimeFeature.IsDynamicCodeSupported}");
Console.WriteLine($"{"case",-16} {"library backend",-16} {"library ns",11} {"emitted ns",11} {"same bits",9}");
foreach (var (name, query, emitted) in cases)
{
    var library = query().Compile();
    var x = new double[library.InputLength];
    var rng = new Random(1);
    for (int i = 0; i < x.Length; i++) x[i] = rng.NextDouble() - 0.5;
    var a = new double[library.OutputLength];
    var b = new double[library.OutputLength];
    library.Evaluate(x, a);
    emitted(x, b);
    bool same = a.AsSpan().SequenceEqual(b);
    double libraryNs = Time(() => library.Evaluate(x, a));
    double emittedNs = Time(() => emitted(x, b));
    Console.WriteLine($"{name,-16} {library.Backend,-16} {libraryNs,11:F1} {emittedNs,11:F1} {same,9}");
}
return 0;

static double Time(Action call)
{
    for (int i = 0; i < 2000; i++) call();   // past tiering
    Thread.Sleep(150);
    long n = 1;
    var sw = Stopwatch.StartNew();
    while (sw.ElapsedMilliseconds < 20) { call(); n++; }
    double best = double.MaxValue;
    for (int run = 0; run < 5; run++)
    {
        long calls = Math.Max(1, n * 10);
        sw.Restart();
        for (long i = 0; i < calls; i++) call();
        best = Math.Min(best, sw.Elapsed.TotalNanoseconds / calls);
    }
    return best;
}

delegate void Emitted(ReadOnlySpan<double> x, Span<double> result);

using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;
using TapeAD.Bench.Torch;

namespace TapeAD.Bench;

/// <summary>In-process (no child builds) and short: the whole suite fits in about 10 minutes on 2 cores.</summary>
public sealed class BenchConfig : ManualConfig
{
    public BenchConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(5)
            .WithIterationTime(TimeInterval.FromMilliseconds(120))
            .WithId("Short"));
        AddDiagnoser(MemoryDiagnoser.Default);
        HideColumns(Column.Error, Column.RatioSD, Column.AllocRatio);
        // Case names such as "small-deep/SecondOrderJacobian" would otherwise be shortened to "(...)".
        WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(40));
    }
}

/// <summary>Which cases run; <c>--cases seed,pinn</c> on the command line narrows them by model.</summary>
public static class Cases
{
    public static string[]? ModelFilter { get; set; }

    private static bool Selected(string model) => ModelFilter == null || ModelFilter.Contains(model);

    /// <summary>Cases whose TapeAD function is compiled rather than interpreted (graphs above 200,000
    /// nodes are interpreted): a loop of 1,024 calls over them takes at most a few hundred milliseconds.</summary>
    public static readonly HashSet<string> Compiled =
    [
        .. new[] { "seed", "small-deep" }.SelectMany(m => Enum.GetValues<Query>().Select(q => $"{m}/{q}")),
        "pinn/Value", "pinn/Jacobian", "pinn/Hvp", "wide/Value",
    ];

    public static IEnumerable<string> All() =>
        Models.Names.Where(Selected).SelectMany(m => Enum.GetValues<Query>().Select(q => $"{m}/{q}"));

    public static IEnumerable<string> BatchAll() => All().Where(Compiled.Contains);

    public static IEnumerable<string> BatchPeersOnly() => All().Where(c => !Compiled.Contains(c));

    // Preparing wide/Hessian takes seconds and gigabytes; keep the last case for the next benchmark.
    private static Case? _last;

    public static Case Get(string id)
    {
        if (_last != null && $"{_last.ModelName}/{_last.Query}" == id) return _last;
        _last?.Dispose();
        _last = null;
        GC.Collect();
        return _last = Case.Parse(id);
    }
}

/// <summary>One call on one input, each peer checked against TapeAD in GlobalSetup. TorchSharp runs on 1 thread.</summary>
[Config(typeof(BenchConfig))]
public class PerCall
{
    private Case _c = null!;
    private double[] _x = null!, _r = null!;

    [ParamsSource(typeof(Cases), nameof(Cases.All))]
    public string Case { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        TorchPeer.SetThreads(1);
        _c = Cases.Get(Case);
        var xs = Models.Inputs(_c.Model, _c.Query, 4);
        _c.Verify(xs);
        _x = xs[0];
        _r = new double[_c.OutputLength];
    }

    [Benchmark(Baseline = true)]
    public void HandWritten() => _c.RunHand(_x, _r);

    [Benchmark]
    public void TapeAD() => _c.Compiled.Evaluate(_x, _r);

    [Benchmark]
    public void TorchSharp() => _c.Torch.Run(_c.Query, 1, _x, _r);
}

/// <summary>1,024 inputs; times are per input (OperationsPerInvoke). TapeAD and the hand-written peer
/// loop over per-input calls (there is no batch API yet); TorchSharp runs the batched tensor form.</summary>
public abstract class BatchBase
{
    public const int Size = 1024;
    protected Case C = null!;
    protected double[][] Xs = null!;
    protected double[] Flat = null!, R = null!;
    protected int OutLen;

    public abstract string Case { get; set; }

    protected virtual int TorchThreads => 1;

    [GlobalSetup]
    public void Setup()
    {
        TorchPeer.SetThreads(TorchThreads);
        C = Cases.Get(Case);
        Xs = Models.Inputs(C.Model, C.Query, Size);
        Flat = Xs.SelectMany(x => x).ToArray();
        OutLen = C.OutputLength;
        R = new double[Size * OutLen];
        C.Verify(Xs.Take(16).ToArray());
    }

    protected void LoopHand()
    {
        for (int s = 0; s < Size; s++) C.RunHand(Xs[s], R.AsSpan(s * OutLen, OutLen));
    }

    protected void LoopTapeAD()
    {
        var f = C.Compiled;
        for (int s = 0; s < Size; s++) f.Evaluate(Xs[s], R.AsSpan(s * OutLen, OutLen));
    }

    protected void RunTorch() => C.Torch.Run(C.Query, Size, Flat, R);
}

/// <summary>Batch of 1,024 for the cases TapeAD compiles.</summary>
[Config(typeof(BenchConfig))]
public class Batch : BatchBase
{
    [ParamsSource(typeof(Cases), nameof(Cases.BatchAll))]
    public override string Case { get; set; } = "";

    [Benchmark(Baseline = true, OperationsPerInvoke = Size)]
    public void HandWritten() => LoopHand();

    [Benchmark(OperationsPerInvoke = Size)]
    public void TapeAD() => LoopTapeAD();

    [Benchmark(OperationsPerInvoke = Size)]
    public void TorchSharp() => RunTorch();
}

/// <summary>Batch of 1,024 for the peers only, on the cases whose TapeAD graph is interpreted
/// (pinn second order, all of wide): TapeAD's per-input time there is its per-call time, measured in
/// <see cref="PerCall"/>, and a loop of 1,024 such calls would take seconds per operation.</summary>
[Config(typeof(BenchConfig))]
public class BatchPeersOnly : BatchBase
{
    [ParamsSource(typeof(Cases), nameof(Cases.BatchPeersOnly))]
    public override string Case { get; set; } = "";

    [Benchmark(Baseline = true, OperationsPerInvoke = Size)]
    public void HandWritten() => LoopHand();

    [Benchmark(OperationsPerInvoke = Size)]
    public void TorchSharp() => RunTorch();
}

/// <summary>TorchSharp's batched form on 2 threads (all of this machine's cores), for pinn and wide.</summary>
[Config(typeof(BenchConfig))]
public class BatchTorch2Threads : BatchBase
{
    [ParamsSource(nameof(Selected))]
    public override string Case { get; set; } = "";

    public static IEnumerable<string> Selected() => Cases.All().Where(c => c.StartsWith("pinn/") || c.StartsWith("wide/"));

    protected override int TorchThreads => 2;

    [Benchmark(OperationsPerInvoke = Size)]
    public void TorchSharp() => RunTorch();
}

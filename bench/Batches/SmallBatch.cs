using BenchmarkDotNet.Attributes;
using TapeAD.Bench.Torch;

namespace TapeAD.Bench.Batches;

/// <summary>
/// Batch of 1,024 on 1 thread, per input (OperationsPerInvoke), for every query of seed and small-deep:
/// TapeAD's batch, TapeAD's loop of <c>Evaluate</c> calls, the hand-written per-call peer in a loop, the
/// hand-written batch peer (baseline: issue 14's targets are against it) and TorchSharp batched.
/// <c>--cases seed</c> narrows by model.
/// </summary>
[Config(typeof(BenchConfig))]
public class SmallBatch
{
    private SmallBatchCase _c = null!;

    [ParamsSource(nameof(All))]
    public string Case { get; set; } = "";

    public static IEnumerable<string> All() =>
        new[] { "seed", "small-deep" }.Where(m => Cases.ModelFilter == null || Cases.ModelFilter.Contains(m))
            .SelectMany(m => Enum.GetValues<Query>().Select(q => $"{m}/{q}"));

    private static SmallBatchCase? _last;

    [GlobalSetup]
    public void Setup()
    {
        TorchPeer.SetThreads(1);
        if (_last == null || $"{_last.ModelName}/{_last.Query}" != Case)
        {
            _last?.Dispose();
            var parts = Case.Split('/');
            _last = new SmallBatchCase(parts[0], Enum.Parse<Query>(parts[1]));
            _last.Verify();
        }
        _c = _last;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = SmallBatchCase.Size)]
    public void HandBatch() => _c.RunHandBatch();

    [Benchmark(OperationsPerInvoke = SmallBatchCase.Size)]
    public void TapeADBatch() => _c.RunTapeADBatch();

    [Benchmark(OperationsPerInvoke = SmallBatchCase.Size)]
    public void TapeADLoop() => _c.RunTapeADLoop();

    [Benchmark(OperationsPerInvoke = SmallBatchCase.Size)]
    public void HandLoop() => _c.RunHandLoop();

    [Benchmark(OperationsPerInvoke = SmallBatchCase.Size)]
    public void TorchSharp() => _c.RunTorch();
}

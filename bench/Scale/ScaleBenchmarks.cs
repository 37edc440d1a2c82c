using BenchmarkDotNet.Attributes;
using TapeAD.Bench.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace TapeAD.Bench.Scale;

/// <summary>The cases of the scale benchmarks (issue #8).</summary>
public static class ScaleCases
{
    /// <summary>pinn, wide and seed (the scalar-graph batch path) × every query; <c>--cases</c> narrows by model.</summary>
    public static IEnumerable<string> All() =>
        new[] { "pinn", "wide", "seed" }.Where(m => Cases.ModelFilter == null || Cases.ModelFilter.Contains(m))
            .SelectMany(m => Enum.GetValues<Query>().Select(q => $"{m}/{q}"));

    private static ScaleCase? _last;

    /// <summary>Keeps the last case for the next benchmark (its Torch tensors included).</summary>
    public static ScaleCase Get(string id)
    {
        if (_last != null && $"{_last.ModelName}/{_last.Query}" == id) return _last;
        _last?.Dispose();
        var parts = id.Split('/');
        _last = new ScaleCase(parts[0], Enum.Parse<Query>(parts[1]));
        _last.Verify();
        return _last;
    }
}

/// <summary>Batch of 1,024 on 1 and 2 threads: TapeAD's <c>EvaluateBatch</c> (tensor level, chosen by
/// <c>ChainCompilation</c>) against TorchSharp's batched nested autograd on the same number of threads.
/// Times per input (OperationsPerInvoke).</summary>
[Config(typeof(BenchConfig))]
public class ScaleBatch
{
    private ScaleCase _c = null!;

    [ParamsSource(typeof(ScaleCases), nameof(ScaleCases.All))]
    public string Case { get; set; } = "";

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        TorchPeer.SetThreads(Threads);
        _c = ScaleCases.Get(Case);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = ScaleCase.Size)]
    public void TapeAD() => _c.RunTapeAD(Threads);

    [Benchmark(OperationsPerInvoke = ScaleCase.Size)]
    public void TorchSharp() => _c.RunTorch();
}

/// <summary>The hand-written batched forward Laplacian (TensorPrimitives, 1 thread) next to TapeAD's on 1 thread.</summary>
[Config(typeof(BenchConfig))]
public class ScaleHandLaplacian
{
    private ScaleCase _c = null!;

    [Params("pinn/Laplacian", "wide/Laplacian")]
    public string Case { get; set; } = "";

    [GlobalSetup]
    public void Setup() => _c = ScaleCases.Get(Case);

    [Benchmark(Baseline = true, OperationsPerInvoke = ScaleCase.Size)]
    public void TapeAD() => _c.RunTapeAD(1);

    [Benchmark(OperationsPerInvoke = ScaleCase.Size)]
    public void HandWritten() => _c.RunHand();
}

/// <summary>The practical ceiling: TorchSharp's own matmul of a 1024×64 by a 64×64 float64 matrix on
/// 1 thread (2·1024·64·64 = 8.4 MFLOP per operation).</summary>
[Config(typeof(BenchConfig))]
public class TorchMatmulCeiling
{
    public const double Flops = 2.0 * 1024 * 64 * 64;
    private Tensor _a = null!, _b = null!;

    [GlobalSetup]
    public void Setup()
    {
        TorchPeer.SetThreads(1);
        _a = randn(1024, 64, ScalarType.Float64);
        _b = randn(64, 64, ScalarType.Float64);
    }

    [Benchmark]
    public void Matmul()
    {
        using var product = _a.matmul(_b);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _a.Dispose();
        _b.Dispose();
    }
}

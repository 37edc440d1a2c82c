using BenchmarkDotNet.Attributes;
using TapeAD.Bench.Torch;

namespace TapeAD.Bench.Onnx;

/// <summary>
/// The tensor-graph harness under BenchmarkDotNet (issue 11's Done-when): per model (pinn, wide, residual)
/// and query, a batch of 1,024 on 1 thread through the ONNX export (baseline), its JSON twin (for the
/// residual PINN: the plain chain <c>pinn.json</c>) and TorchSharp batched rebuilt from the ONNX file;
/// times per input. Everything is checked against the ONNX query in GlobalSetup. Preparation is timed
/// by the <c>onnx</c> report, not here. With today's scalar ONNX import the ONNX rows are interpreted
/// graphs at 1–35 ms per input, so the wide cases take minutes each; <c>--cases pinn,residual</c> narrows.
/// </summary>
[Config(typeof(BenchConfig))]
public class OnnxBatch
{
    private OnnxCase _c = null!;
    private static OnnxCase? _last;

    [ParamsSource(nameof(All))]
    public string Case { get; set; } = "";

    public static IEnumerable<string> All() =>
        OnnxCase.Models.Select(m => m.Name).Where(m => Cases.ModelFilter == null || Cases.ModelFilter.Contains(m))
            .SelectMany(m => Enum.GetValues<Query>().Select(q => $"{m}/{q}"));

    [GlobalSetup]
    public void Setup()
    {
        TorchPeer.SetThreads(1);
        if (_last == null || $"{_last.ModelName}/{_last.Query}" != Case)
        {
            _last?.Dispose();
            _last = null;
            GC.Collect();
            var parts = Case.Split('/');
            _last = new OnnxCase(parts[0], Enum.Parse<Query>(parts[1]));
            _last.Verify(OnnxCase.Size);
        }
        _c = _last;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = OnnxCase.Size)]
    public void Onnx() => _c.RunOnnx();

    [Benchmark(OperationsPerInvoke = OnnxCase.Size)]
    public void Twin() => _c.RunJson();

    [Benchmark(OperationsPerInvoke = OnnxCase.Size)]
    public void TorchSharp() => _c.RunTorch();
}

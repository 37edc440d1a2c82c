using System.Diagnostics;
using TapeAD.Bench.Torch;
using TapeAD.Compiler;
using TapeAD.Nn;

namespace TapeAD.Bench.Onnx;

/// <summary>
/// One case of the tensor-graph harness (issue 11): a shared benchmark model's ONNX export next to its
/// JSON twin — the same weights as a chain for pinn and wide; for the residual PINN, which no chain
/// expresses, the plain chain of the same widths (<c>pinn.json</c>), the yardstick — and a
/// TorchSharp peer rebuilt from the ONNX file (<see cref="OnnxForward"/>). Both TapeAD queries are
/// prepared through <see cref="OnnxQueries"/> and their preparation (load + compile) timed.
/// </summary>
public sealed class OnnxCase : IDisposable
{
    public const int Size = 1024;

    /// <summary>The models: name, ONNX file, JSON twin, whether the twin has the same weights.</summary>
    public static readonly (string Name, string Onnx, string Json, bool SameWeights)[] Models =
    [
        ("pinn", "pinn_f64.onnx", "pinn.json", true),
        ("wide", "wide_f64.onnx", "wide.json", true),
        ("residual", "residual_pinn_f64.onnx", "pinn.json", false),
    ];

    public OnnxCase(string model, Query query)
    {
        var spec = Array.Find(Models, m => m.Name == model);
        if (spec.Name == null)
            throw new ArgumentException($"Unknown ONNX bench model \"{model}\"; expected one of {string.Join(", ", Models.Select(m => m.Name))}.", nameof(model));
        ModelName = model;
        Query = query;
        SameWeights = spec.SameWeights;
        string onnx = SharedModels.File(spec.Onnx), json = SharedModels.File(spec.Json);
        (Json, JsonPrepareMs) = Prepare(OnnxQueries.FromJson(json, query));
        (Onnx, OnnxPrepareMs) = Prepare(OnnxQueries.FromOnnx(onnx, query));
        Torch = OnnxForward.Load(onnx);
        var twin = ModelFile.Load(json);
        Inputs = Bench.Models.Inputs(twin, query, Size).SelectMany(x => x).ToArray();
        OnnxResults = new double[Size * Onnx.OutputLength];
        PeerResults = new double[Size * Onnx.OutputLength];
    }

    public string ModelName { get; }
    public Query Query { get; }
    public bool SameWeights { get; }
    public ICompiledQuery Onnx { get; }
    public ICompiledQuery Json { get; }
    public double OnnxPrepareMs { get; }
    public double JsonPrepareMs { get; }
    public TorchPeer Torch { get; }
    public double[] Inputs { get; }
    public double[] OnnxResults { get; }
    public double[] PeerResults { get; }

    private static (ICompiledQuery, double) Prepare(Func<ICompiledQuery> factory)
    {
        var clock = Stopwatch.StartNew();
        var query = factory();
        return (query, clock.Elapsed.TotalMilliseconds);
    }

    /// <summary>The first <paramref name="rows"/> inputs through the ONNX query, 1 thread.</summary>
    public void RunOnnx(int rows = Size) =>
        Onnx.EvaluateBatch(Inputs.AsSpan(0, rows * Onnx.InputLength), OnnxResults.AsSpan(0, rows * Onnx.OutputLength), 1);

    /// <summary>The first <paramref name="rows"/> inputs through the JSON twin's query, 1 thread.</summary>
    public void RunJson(int rows = Size) =>
        Json.EvaluateBatch(Inputs.AsSpan(0, rows * Json.InputLength), PeerResults.AsSpan(0, rows * Json.OutputLength), 1);

    /// <summary>TorchSharp batched on all 1,024 inputs (threads as set by <see cref="TorchPeer.SetThreads"/>).</summary>
    public void RunTorch() => Torch.Run(Query, Size, Inputs, PeerResults);

    /// <summary>Checks, on the first <paramref name="rows"/> inputs, the JSON twin against the ONNX query when
    /// they have the same weights, and TorchSharp against it always (<see cref="Agreement.Tight"/>).
    /// Returns the largest relative differences (twin, or NaN when the twin is another network; torch).</summary>
    public (double Twin, double Torch) Verify(int rows)
    {
        int n = Onnx.OutputLength;
        RunOnnx(rows);
        double twin = double.NaN;
        if (SameWeights)
        {
            RunJson(rows);
            twin = Agreement.Check($"{ModelName}/{Query}: JSON twin", OnnxResults.AsSpan(0, rows * n), PeerResults.AsSpan(0, rows * n), n);
        }
        RunTorch();
        double torch = Agreement.Check($"{ModelName}/{Query}: TorchSharp batched (from the ONNX file)",
            OnnxResults.AsSpan(0, rows * n), PeerResults.AsSpan(0, rows * n), n);
        return (twin, torch);
    }

    public void Dispose() => Torch.Dispose();
}

using Onnx;
using System.Runtime.InteropServices;
using TapeAD.Onnx;
using Xunit;
using Xunit.Abstractions;
using static TapeAD.Tests.OnnxTestSupport;

namespace TapeAD.Tests;

/// <summary>
/// Every model in ../shared/models (real PyTorch exports) against ONNX Runtime: values at random
/// points, and first and second derivatives against finite differences.
/// </summary>
/// <remarks>
/// ORT computes float32 models in float32 (and float64 ones here too: its CPU provider has no float64
/// Elu, so they run as float32 copies, see <see cref="CastToFloat32"/>). Its outputs therefore carry
/// rounding noise of ~1e-7 relative to the sums inside, which a central difference divides by h (first
/// derivatives) or h² (second): differences of ORT's outputs are only a loose check. The tight checks:
/// (1) the tape's value equals ORT's to 1e-5 relative (absolute 1e-7 for outputs below 0.01, where
/// float32 cancellation dominates), and the float64 model's value equals a hand-written double
/// evaluation to 1e-13; (2) the tape's derivatives equal Richardson-extrapolated central differences of
/// the tape's own double value (noise ~1e-16) to 1e-7 (first) and 1e-5 (second order). On top, the
/// derivatives match differences of ORT's outputs with h = 2^-5 (first) and 2^-4 (second), powers of
/// two so that x ± h is exact in float32, to 1e-4 and 3e-3 of max(|value|, 1): measured noise is about
/// 3e-6 and 8e-4.
/// </remarks>
public class OnnxSharedModelTests(ITestOutputHelper output)
{
    public static TheoryData<string> Models => new(Directory.GetFiles(ModelsDirectory, "*.onnx")
        .Select(f => Path.GetFileName(f)).Where(f => f != "unsupported_topk.onnx").Order());

    [Fact]
    public void The_shared_models_are_there()
    {
        Assert.True(Directory.GetFiles(ModelsDirectory, "*.onnx").Length >= 6, $"expected the shared models in {ModelsDirectory}");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Value_matches_onnx_runtime(string file)
    {
        var (model, ort) = Open(file);
        using var _ = ort;
        var random = new Random(file.Length * 7919);
        double worst = 0;
        for (int trial = 0; trial < 20; trial++)
        {
            var x = RandomPoint(random, model.Function.InputLength, trial < 10 ? 1.5 : 4.0);
            var expected = ort.Run(x);
            var actual = model.Function.Evaluate(x);
            AssertClose(expected, actual, 1e-5, 1e-2, $"{file} at [{string.Join(", ", x)}]");
            worst = Math.Max(worst, MaxRelativeError(expected, actual, 1e-2));
        }
        output.WriteLine($"{file}: largest relative difference from ORT {worst:E2}");
        output.WriteLine(model.Describe());
    }

    [Fact]
    public void Float64_model_matches_a_double_evaluation_of_its_weights()
    {
        var bytes = File.ReadAllBytes(ModelPath("mlp_elu_f64.onnx"));
        var model = OnnxModel.Load(bytes, "mlp_elu_f64.onnx");
        Assert.All(model.Inputs, p => Assert.Equal("float64", p.ElementType));
        var random = new Random(5);
        for (int trial = 0; trial < 20; trial++)
        {
            var x = RandomPoint(random, 5, 3.0);
            AssertClose(GemmEluReference(bytes, x), model.Function.Evaluate(x), 1e-13, 1e-3, "mlp_elu_f64 vs double reference");
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Derivatives_match_finite_differences(string file)
    {
        var (model, ort) = Open(file);
        using var _ = ort;
        var check = new DerivativeCheck(model.Function);
        var random = new Random(17);
        for (int trial = 0; trial < 3; trial++)
        {
            var x = RandomPoint(random, model.Function.InputLength);
            check.Against(check.Value, x, new Tolerance(1.0 / 32, 1e-7, 1e-3), new Tolerance(1.0 / 32, 1e-5, 1e-2), $"{file} vs FD of tape");
            check.Against(ort.Run, x, new Tolerance(1.0 / 32, 1e-4, 1), new Tolerance(1.0 / 16, 3e-3, 1), $"{file} vs FD of ORT");
        }
    }

    private static (OnnxModel Model, OrtRunner Ort) Open(string file)
    {
        var bytes = File.ReadAllBytes(ModelPath(file));
        var model = OnnxModel.Load(bytes, file);
        bool f64 = model.Inputs.Any(p => p.ElementType == "float64");
        return (model, new OrtRunner(f64 ? CastToFloat32(bytes) : bytes, model));
    }

    /// <summary>The float64 model's Gemm/Elu chain evaluated directly in double from its initializers.</summary>
    private static double[] GemmEluReference(byte[] bytes, double[] x)
    {
        var graph = ModelProto.Parser.ParseFrom(bytes).Graph;
        var weights = graph.Initializer.ToDictionary(t => t.Name,
            t => t.DoubleData.Count > 0 ? t.DoubleData.ToArray() : MemoryMarshal.Cast<byte, double>(t.RawData.Span).ToArray());
        var h = x;
        foreach (var node in graph.Node)
        {
            var attrs = node.Attribute.ToDictionary(a => a.Name);
            if (node.OpType == "Elu")
            {
                double alpha = attrs.TryGetValue("alpha", out var a) ? a.F : 1.0;
                h = h.Select(v => v > 0 ? v : alpha * (Math.Exp(v) - 1)).ToArray();
                continue;
            }
            Assert.Equal("Gemm", node.OpType);
            Assert.True(attrs.TryGetValue("transB", out var tb) && tb.I == 1, "expected PyTorch's Gemm with transB = 1");
            double[] w = weights[node.Input[1]], b = weights[node.Input[2]];
            int n = b.Length, k = h.Length;
            var input = h;
            h = Enumerable.Range(0, n).Select(i => Enumerable.Range(0, k).Sum(j => w[i * k + j] * input[j]) + b[i]).ToArray();
        }
        return h;
    }
}

using System.Text.Json;
using TapeAD.Compiler;
using TapeAD.Onnx;
using TapeAD.Tape;
using Xunit;

namespace TapeAD.Tests;

/// <summary>
/// The model kinds of issue 13 (LayerNorm, Softmax/LogSoftmax heads, Hardtanh/ReLU6/clamp, BatchNorm with
/// Dropout, a sliced second output, <c>x.view(x.size(0), -1)</c>, LeakyReLU(0.2)) as PyTorch 1.13 exports
/// them at opsets 13 and 17, float64, against PyTorch's own float64 derivatives saved by
/// <c>tests/models/pytorch/export.py</c>: value, Jacobian, Hessian, second-order Jacobian and Laplacian
/// to 1e-10, at the scalar level and at the tensor level.
/// </summary>
public class PyTorchExportTests
{
    private static string Folder
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "TapeAD.sln"))) dir = dir.Parent;
            if (dir == null) throw new DirectoryNotFoundException($"No TapeAD.sln above {AppContext.BaseDirectory}.");
            return Path.Combine(dir.FullName, "tests", "models", "pytorch");
        }
    }

    private static readonly Lazy<Dictionary<string, Point[]>> Reference = new(() =>
        JsonSerializer.Deserialize<Dictionary<string, Point[]>>(File.ReadAllText(Path.Combine(Folder, "reference.json")))!);

    public static TheoryData<string> Files => new(Reference.Value.Keys.Order());

    private sealed record Point(double[] x, double[] value, double[] jacobian, double[] hessian, double[] second_order_jacobian, double[] laplacian);

    [Fact]
    public void Every_model_kind_is_exported_at_opsets_13_and_17()
    {
        var kinds = Reference.Value.Keys.Select(f => f[..f.LastIndexOf("_opset", StringComparison.Ordinal)]).Distinct().ToArray();
        Assert.Equal(8, kinds.Length);
        foreach (var kind in kinds)
            foreach (int opset in new[] { 13, 17 })
                Assert.True(File.Exists(Path.Combine(Folder, $"{kind}_opset{opset}.onnx")), $"{kind} at opset {opset}");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void A_pytorch_export_matches_pytorch_float64_derivatives_at_both_levels(string file)
    {
        var model = OnnxModel.Load(Path.Combine(Folder, file));
        var s = model.Function;
        var scalar = new (string, TapeFunction)[]
        {
            ("value", s), ("jacobian", s.Jacobian()), ("hessian", s.Hessian()),
            ("second-order jacobian", s.SecondOrderJacobian()), ("laplacian", s.Laplacian()),
        };
        var tensor = new (string, ICompiledQuery)[]
        {
            ("value", model.CompileValue()), ("jacobian", model.CompileJacobian()), ("hessian", model.CompileHessian()),
            ("second-order jacobian", model.CompileSecondOrderJacobian()), ("laplacian", model.CompileLaplacian()),
        };
        foreach (var p in Reference.Value[file])
        {
            double[][] expected = [p.value, p.jacobian, p.hessian, p.second_order_jacobian, p.laplacian];
            for (int q = 0; q < expected.Length; q++)
            {
                Close(expected[q], scalar[q].Item2.Evaluate(p.x), $"{file} scalar {scalar[q].Item1}");
                Close(expected[q], tensor[q].Item2.Evaluate(p.x), $"{file} tensor {tensor[q].Item1}");
            }
        }
    }

    private static void Close(double[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-10 * Math.Max(1, Math.Abs(expected[i])),
                $"{what} [{i}]: PyTorch {expected[i]:R}, TapeAD {actual[i]:R}");
    }
}

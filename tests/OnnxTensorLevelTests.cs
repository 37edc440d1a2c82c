using TapeAD.Compiler;
using TapeAD.Layers;
using TapeAD.Nn;
using TapeAD.Onnx;
using TapeAD.Tape;
using Xunit;
using static TapeAD.Tests.OnnxTestSupport;

namespace TapeAD.Tests;

/// <summary>
/// PyTorch exports at the tensor level: every query and mode against the scalar graph the model expands
/// to (the importer's oracle, checked against ONNX Runtime in <see cref="OnnxSharedModelTests"/>), the
/// benchmark-sized exports bit for bit against their JSON twins, and their derivatives against finite
/// differences with tolerances from the differences' own error estimates.
/// </summary>
public class OnnxTensorLevelTests
{
    private static string BenchPath(string file) => Path.Combine(ModelsDirectory, "bench", file);

    public static TheoryData<string> SmallModels => new(Directory.GetFiles(ModelsDirectory, "*.onnx")
        .Select(Path.GetFileName).Where(f => f != "unsupported_topk.onnx").Order()!);

    [Theory]
    [MemberData(nameof(SmallModels))]
    public void Every_query_of_a_shared_model_at_the_tensor_level_matches_its_scalar_graph(string file)
    {
        var model = OnnxModel.Load(ModelPath(file));
        var rng = new Random(file.Length);
        for (int trial = 0; trial < 3; trial++)
        {
            var x = RandomPoint(rng, model.InputLength);
            var v = RandomPoint(rng, model.InputLength, 1);
            foreach (var (name, scalar, tensor) in TensorGraphTests.Pairs(model.Tensor))
            {
                double[] input = tensor.InputLength == x.Length ? x : [.. x, .. v];
                TensorGraphTests.AssertClose(scalar.Evaluate(input), tensor.Evaluate(input), 1e-10, $"{file} {name}");
            }
        }
    }

    [Theory]
    [InlineData("pinn_f64.onnx", "pinn.json")]
    [InlineData("wide_f64.onnx", "wide.json")]
    public void A_benchmark_export_gives_the_bits_of_its_json_twin_for_every_query(string onnx, string json)
    {
        var model = OnnxModel.Load(BenchPath(onnx));
        var twin = ModelFile.Load(BenchPath(json)).ToTensorFunction();
        var rng = new Random(4);
        var x = RandomPoint(rng, model.InputLength, 1);
        double[] xv = [.. x, .. RandomPoint(rng, model.InputLength, 1)];
        foreach (var ((name, _, a), (_, _, b)) in Queries(model.Tensor).Zip(Queries(twin)))
        {
            var input = a.InputLength == x.Length ? x : xv;
            Assert.Equal(b.Evaluate(input), a.Evaluate(input));
        }
        foreach (QueryType q in Enum.GetValues<QueryType>())
        {
            int? k = q == QueryType.Gradient ? 0 : null;
            Assert.Equal(twin.Choose(q, k), model.Tensor.Choose(q, k));
            Assert.IsType<TensorQuery>(model.Tensor.Compile(q, k));
        }
    }

    [Fact]
    public void The_residual_export_runs_at_the_tensor_level_and_agrees_with_finite_differences()
    {
        var model = OnnxModel.Load(BenchPath("residual_pinn_f64.onnx"));
        var f = model.Tensor;
        Assert.IsType<TensorQuery>(model.CompileLaplacian());
        Assert.IsType<TensorQuery>(model.CompileHessian());
        var rng = new Random(8);
        var x = RandomPoint(rng, f.InputLength, 1);
        int d = f.InputLength;
        var value = f.Value();
        var gradient = f.Gradient(0);
        var hessian = f.Hessian().Evaluate(x);
        var grad = gradient.Evaluate(x);
        for (int j = 0; j < d; j++)
        {
            var e = new double[d];
            e[j] = 1;
            // ∂y/∂x_j from differences of the value, ∂g/∂x_j (a Hessian row) from differences of the gradient.
            var first = FiniteDifferences.Estimate(p => value.Evaluate(p), x, e);
            Assert.True(Math.Abs(first.Derivative[0] - grad[j]) <= 4 * first.Error[0] + 1e-12,
                $"gradient [{j}]: {grad[j]:R}, finite differences {first.Derivative[0]:R} ± {first.Error[0]:G3}");
            var row = FiniteDifferences.Estimate(p => gradient.Evaluate(p), x, e);
            for (int l = 0; l < d; l++)
                Assert.True(Math.Abs(row.Derivative[l] - hessian[j * d + l]) <= 4 * row.Error[l] + 1e-12,
                    $"hessian [{j}, {l}]: {hessian[j * d + l]:R}, finite differences {row.Derivative[l]:R} ± {row.Error[l]:G3}");
        }
        var laplacian = f.Laplacian().Evaluate(x)[0];
        Assert.Equal(Enumerable.Range(0, d).Sum(j => hessian[j * d + j]), laplacian, 1e-12 * Math.Max(1, Math.Abs(laplacian)));
        // And the first-order queries against the scalar graph the residual network expands to.
        var s = model.Function;
        TensorGraphTests.AssertClose(s.Gradient(0).Evaluate(x), grad, 1e-12, "residual gradient vs scalar graph");
        TensorGraphTests.AssertClose(s.Evaluate(x), value.Evaluate(x), 1e-13, "residual value vs scalar graph");
    }

    [Fact]
    public void Small_exports_compile_to_straight_line_code_and_large_ones_to_the_tensor_executor()
    {
        var small = OnnxModel.Load(ModelPath("mlp_elu_f64.onnx"));
        Assert.IsType<CompiledFunction>(small.CompileSecondOrderJacobian());
        var pinn = OnnxModel.Load(BenchPath("pinn_f64.onnx"));
        Assert.IsType<TensorQuery>(pinn.CompileLaplacian());
        Assert.IsType<TensorQuery>(pinn.CompileGradient(0));
        Assert.Equal([pinn.InputLength], pinn.CompileGradient(0).Shape);
    }

    private static IEnumerable<(string Name, TapeFunction? Scalar, TensorQuery Tensor)> Queries(TensorFunction f)
    {
        yield return ("value", null, f.Value());
        yield return ("jacobian forward", null, f.Jacobian(FirstOrderMode.Forward));
        yield return ("jacobian reverse", null, f.Jacobian(FirstOrderMode.Reverse));
        yield return ("gradient", null, f.Gradient(0));
        yield return ("hessian fof", null, f.Hessian(SecondOrderMode.ForwardOverForward));
        yield return ("hessian for", null, f.Hessian(SecondOrderMode.ForwardOverReverse));
        yield return ("hessian curvature", null, f.Hessian(SecondOrderMode.Curvature));
        yield return ("hvp fof", null, f.HessianVectorProduct(SecondOrderMode.ForwardOverForward));
        yield return ("hvp for", null, f.HessianVectorProduct(SecondOrderMode.ForwardOverReverse));
        yield return ("hvp of output 0", null, f.HessianVectorProduct(0));
        yield return ("second-order jacobian forward", null, f.SecondOrderJacobian(SecondOrderMode.ForwardOverForward));
        yield return ("second-order jacobian curvature", null, f.SecondOrderJacobian(SecondOrderMode.Curvature));
        yield return ("laplacian", null, f.Laplacian());
    }
}

using TapeAD.Compiler;
using TapeAD.Nn;
using TapeAD.Onnx;
using TapeAD.Tape;
using TapeAD.Testing;
using Xunit;
using static TapeAD.Tape.VarMath;

namespace TapeAD.Tests;

/// <summary>The README's examples, verbatim where possible: they are the first thing a user copies.</summary>
public class ReadmeExampleTests
{
    [Fact]
    public void SecondOrderJacobianOfTheSeedNetwork()
    {
        var model = BuiltinModels.Seed();
        var diag = model.ToFunction().SecondOrderJacobian()
                        .Compile();
        double[] x = [0.5, -0.3, 0.8, -1.2, 0.1];
        var result = new double[diag.OutputLength];
        diag.Evaluate(x, result);

        Assert.Equal(15, result.Length);
        var hessians = model.ToFunction().Hessian().Evaluate(x);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 5; j++)
                TapeQueryTests.AssertClose(hessians[(i * 5 + j) * 5 + j], result[i * 5 + j], 1e-14, $"diag[{i},{j}]");
    }

    [Fact]
    public void HessiansOfARecordedFunction()
    {
        var f = TapeFunction.Record(2, x => new[] { Tanh(x[0] * x[1]), Elu(x[0] - 2 * x[1]) });
        var hessians = f.Hessian().Compile();
        Assert.Equal(new[] { 2, 2, 2 }, hessians.Shape);
        // ∂²tanh(ab)/∂a∂b at (a, b) = (1, 0.5): s(1 - 2·t·ab) with t = tanh(ab), s = 1 - t².
        double t = Math.Tanh(0.5), s = 1 - t * t;
        TapeQueryTests.AssertClose(s * (1 - 2 * t * 0.5), hessians.Evaluate([1.0, 0.5])[1], 1e-15, "mixed partial");
    }

    [Fact]
    public void HessianOfAnOnnxFile()
    {
        var model = OnnxModel.Load(OnnxTestSupport.ModelPath("mlp_elu_f64.onnx"));   // float32 weights are widened to double
        var hessian = model.CompileHessian();                     // every output's Hessian, [m, d, d]
        var h = hessian.Evaluate(new double[model.InputLength]);
        Assert.Equal(3 * 5 * 5, h.Length);
        Assert.Equal(model.Function.Hessian().Evaluate(new double[5]), h);
    }

    [Fact]
    public void CheckingTheSeedNetwork()
    {
        var checker = new DerivativeChecker(BuiltinModels.Seed());
        DerivativeReport report = checker.Check([0.5, -0.3, 0.8, -1.2, 0.1]);
        Assert.True(report.Passed, report.ToString());
        Assert.True(report.Compared > 100);
    }
}

using System.Globalization;
using TapeAD.Cli;
using TapeAD.Compiler;
using TapeAD.Nn;
using Xunit;

namespace TapeAD.Tests;

public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tapead-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly double[][] Inputs =
    [
        [0.5, -0.3, 0.8, -1.2, 0.1],
        [0, 0, 0, 0, 0],
        [-2.5, 1.75, 3.1, 0.01, -0.4],
    ];

    private string WriteFile(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string WriteRows(string name, IEnumerable<double[]> rows) =>
        WriteFile(name, string.Join("\n", rows.Select(r => Csv.FormatRow(r))) + "\n");

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CommandLine.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static double[] ParseLine(string line) =>
        line.Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();

    [Theory]
    [InlineData("value")]
    [InlineData("jacobian")]
    [InlineData("hessian")]
    [InlineData("diag")]
    [InlineData("laplacian")]
    [InlineData("gradient")]
    public void DeriveWritesTheLibrarysResultsInRoundTripForm(string query)
    {
        string inputs = WriteRows("x.csv", Inputs);
        string output = Path.Combine(_dir, "y.csv");
        var (code, _, err) = Run("derive", "--model", "builtin:seed", "--query", query, "--inputs", inputs, "--out", output);
        Assert.True(code == 0, err);

        var model = BuiltinModels.Seed().ToFunction();
        var expected = (query switch
        {
            "value" => model,
            "jacobian" => model.Jacobian(),
            "hessian" => model.Hessian(),
            "diag" => model.SecondOrderJacobian(),
            "laplacian" => model.Laplacian(),
            _ => model.Gradient(0),
        }).Compile();
        var lines = File.ReadAllLines(output);
        Assert.Equal(Inputs.Length, lines.Length);
        for (int n = 0; n < Inputs.Length; n++)
            Assert.Equal(expected.Evaluate(Inputs[n]), ParseLine(lines[n])); // bit-exact through text
    }

    [Fact]
    public void HvpReadsOneVectorPerInputLine()
    {
        double[][] vectors = [[1, 0, 0, 0, 0], [0.5, -1, 2, 0.25, 3], [0, 0, 0, 0, 1]];
        string inputs = WriteRows("x.csv", Inputs), vecs = WriteRows("v.csv", vectors);
        var hessian = BuiltinModels.Seed().ToFunction().Hessian().Compile();
        foreach (var index in new[] { "all", "1" })
        {
            string[] args = ["derive", "--model", "builtin:seed", "--query", "hvp", "--inputs", inputs, "--vectors", vecs];
            if (index != "all") args = [.. args, "--output-index", index];
            var (code, stdout, err) = Run(args);
            Assert.True(code == 0, err);
            var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            for (int n = 0; n < Inputs.Length; n++)
            {
                var got = ParseLine(lines[n]);
                var h = hessian.Evaluate(Inputs[n]);
                int first = index == "all" ? 0 : 1, count = index == "all" ? 3 : 1;
                Assert.Equal(count * 5, got.Length);
                for (int i = 0; i < count; i++)
                    for (int j = 0; j < 5; j++)
                    {
                        double hv = 0;
                        for (int l = 0; l < 5; l++) hv += h[((first + i) * 5 + j) * 5 + l] * vectors[n][l];
                        TapeQueryTests.AssertClose(hv, got[i * 5 + j], 1e-14, $"Hv line {n}, [{i},{j}]");
                    }
            }
        }
    }

    [Fact]
    public void DeriveOnAModelFileAgreesWithTheClosedForm()
    {
        // y = tanh(w·x + b): ∇y = s w, H = -2 y s w wᵀ with s = 1 - y², diag H_jj = -2 y s w_j².
        double[] w = [0.7, -1.3, 0.4];
        const double b = 0.2;
        string model = WriteFile("m.json",
            """{"name":"one","layers":[{"in":3,"out":1,"activation":"tanh","W":[[0.7,-1.3,0.4]],"b":[0.2]}]}""");
        double[][] xs = [[0.3, 0.1, -0.5], [1.5, 0.2, 0.9]];
        string inputs = WriteRows("x.csv", xs);
        foreach (var query in new[] { "jacobian", "hessian", "diag" })
        {
            var (code, stdout, err) = Run("derive", "--model", model, "--query", query, "--inputs", inputs);
            Assert.True(code == 0, err);
            var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            for (int n = 0; n < xs.Length; n++)
            {
                double u = w[0] * xs[n][0] + w[1] * xs[n][1] + w[2] * xs[n][2] + b;
                double y = Math.Tanh(u), s = 1 - y * y;
                double[] expected = query switch
                {
                    "jacobian" => w.Select(wj => s * wj).ToArray(),
                    "hessian" => w.SelectMany(wj => w.Select(wl => -2 * y * s * wj * wl)).ToArray(),
                    _ => w.Select(wj => -2 * y * s * wj * wj).ToArray(),
                };
                var got = ParseLine(lines[n]);
                for (int k = 0; k < expected.Length; k++)
                    TapeQueryTests.AssertClose(expected[k], got[k], 1e-12 * Math.Abs(expected[k]), $"{query} line {n} entry {k}");
            }
        }
    }

    [Theory]
    [InlineData("0.1,0.2,0.3,0.4\n", "line 1: expected 5 numbers, got 4")]
    [InlineData("0.1,0.2,0.3,0.4,0.5\n0.1,0.2,abc,0.4,0.5\n", "line 2, field 3: expected a number, got 'abc'")]
    [InlineData("0.1,0.2,0.3,0.4,0.5\n\n0.1,0.2,0.3,0.4,0.5\n", "line 2: expected 5 numbers, got 0")]
    [InlineData("", "expected at least one line of 5 numbers")]
    public void ABadInputLineIsNamedAndNothingIsWritten(string csv, string message)
    {
        string inputs = WriteFile("x.csv", csv);
        string output = Path.Combine(_dir, "y.csv");
        var (code, stdout, err) = Run("derive", "--model", "builtin:seed", "--query", "jacobian", "--inputs", inputs, "--out", output);
        Assert.Equal(CommandLine.BadInput, code);
        Assert.Contains(message, err);
        Assert.Equal("", stdout);
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(_dir, "y.csv*"));
    }

    [Theory]
    [InlineData(new[] { "derive", "--model", "builtin:seed", "--query", "curl", "--inputs", "x.csv" }, "unknown query 'curl'")]
    [InlineData(new[] { "derive", "--model", "builtin:seed", "--inputs", "x.csv" }, "missing option --query")]
    [InlineData(new[] { "derive", "--model", "builtin:seed", "--query", "hvp", "--inputs", "x.csv" }, "hvp needs --vectors")]
    [InlineData(new[] { "derive", "--model", "builtin:seed", "--query", "hessian", "--inputs", "x.csv", "--output-index", "1" }, "--output-index applies to gradient and hvp")]
    [InlineData(new[] { "derive", "--model", "builtin:seed", "--query", "value", "--inputs", "x.csv", "--colour", "red" }, "does not take --colour")]
    [InlineData(new[] { "frobnicate" }, "unknown command 'frobnicate'")]
    public void UsageErrorsExitWithTwo(string[] args, string message)
    {
        WriteRows("x.csv", Inputs);
        var (code, _, err) = Run(args.Select(a => a == "x.csv" ? Path.Combine(_dir, a) : a).ToArray());
        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains(message, err);
    }

    [Fact]
    public void BadModelsAndIndicesAreInputErrors()
    {
        string inputs = WriteRows("x.csv", Inputs);
        var (code, _, err) = Run("derive", "--model", "builtin:nope", "--query", "value", "--inputs", inputs);
        Assert.Equal(CommandLine.BadInput, code);
        Assert.Contains("seed", err);
        (code, _, err) = Run("derive", "--model", WriteFile("bad.json", "{\"name\":"), "--query", "value", "--inputs", inputs);
        Assert.Equal(CommandLine.BadInput, code);
        Assert.Contains("bad.json", err);
        (code, _, err) = Run("derive", "--model", "builtin:seed", "--query", "gradient", "--output-index", "3", "--inputs", inputs);
        Assert.Equal(CommandLine.BadInput, code);
        Assert.Contains("from 0 to 2", err);
    }

    [Fact]
    public void ModelFilesRoundTripThroughTheCommandLine()
    {
        string path = Path.Combine(_dir, "seed.json");
        ModelFile.Save(BuiltinModels.Seed(), path);
        string inputs = WriteRows("x.csv", Inputs);
        var fromFile = Run("derive", "--model", path, "--query", "hessian", "--inputs", inputs);
        var builtin = Run("derive", "--model", "builtin:seed", "--query", "hessian", "--inputs", inputs);
        Assert.Equal(0, fromFile.Code);
        Assert.Equal(builtin.Out, fromFile.Out);
    }

    [Fact]
    public void DeriveRunsWideChainsAtTheLayerLevel()
    {
        double[][] xs = [[0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.7, -0.8], [1, 0, 0, 0, 0, 0, 0, 0]];
        string inputs = WriteRows("x.csv", xs);
        var (code, stdout, err) = Run("derive", "--model", "builtin:pinn", "--query", "laplacian", "--inputs", inputs);
        Assert.True(code == 0, err);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var pinn = BuiltinModels.Get("pinn");
        var layered = TapeAD.Layers.ChainCompilation.CompileLaplacian(pinn);
        Assert.IsNotType<CompiledFunction>(layered);
        var scalar = pinn.ToFunction().Laplacian();
        for (int n = 0; n < xs.Length; n++)
        {
            var got = ParseLine(lines[n]);
            var expected = new double[1];
            layered.Evaluate(xs[n], expected);
            Assert.Equal(expected, got);
            double reference = scalar.Evaluate(xs[n])[0];
            TapeQueryTests.AssertClose(reference, got[0], 1e-11 * (1 + Math.Abs(reference)), $"laplacian line {n} against the scalar graph");
        }
    }

    [Fact]
    public void DeriveReadsOnnxFilesLikeJsonModels()
    {
        string path = OnnxTestSupport.ModelPath("mlp_elu_f64.onnx");
        var model = TapeAD.Onnx.OnnxModel.Load(path).Function;
        string inputs = WriteRows("x.csv", Inputs);
        var (code, stdout, err) = Run("derive", "--model", path, "--query", "diag", "--inputs", inputs);
        Assert.True(code == 0, err);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var expected = model.SecondOrderJacobian().Compile();
        for (int n = 0; n < Inputs.Length; n++) Assert.Equal(expected.Evaluate(Inputs[n]), ParseLine(lines[n]));
    }

    [Fact]
    public void AnUnsupportedOnnxOperatorIsNamed()
    {
        string inputs = WriteRows("x.csv", [[1.0, 2, 3, 4]]);
        var (code, _, err) = Run("derive", "--model", OnnxTestSupport.ModelPath("unsupported_topk.onnx"), "--query", "value", "--inputs", inputs);
        Assert.Equal(CommandLine.BadInput, code);
        Assert.Contains("TopK", err);
    }

    [Fact]
    public void InspectDescribesModelsAndTheirQueries()
    {
        var (code, stdout, err) = Run("inspect", OnnxTestSupport.ModelPath("two_inputs_silu_sin.onnx"));
        Assert.True(code == 0, err);
        foreach (var part in new[] { "x  float32 [batch, 3] -> x[0..2]", "t  float32 [batch, 2] -> x[3..4]", "Concat", "after dead-node removal", "hessian", "laplacian" })
            Assert.Contains(part, stdout);
        (code, stdout, err) = Run("inspect", "builtin:seed");
        Assert.True(code == 0, err);
        Assert.Contains("0: Dense(5, 3, elu)", stdout);
        Assert.Equal(CommandLine.Usage, Run("inspect").Code);
        Assert.Equal(CommandLine.BadInput, Run("inspect", Path.Combine(_dir, "missing.onnx")).Code);
    }

    [Fact]
    public void DemoPrintsEveryQueryAndAgreesWithFiniteDifferences()
    {
        var (code, stdout, err) = Run("demo");
        Assert.True(code == 0, err);
        foreach (var part in new[] { "value y", "jacobian", "hessian of y[2]", "second-order jacobian", "laplacian", "compiled", "interpreter" })
            Assert.Contains(part, stdout);
        var errors = stdout.Split('\n').Single(l => l.Contains("second-order jacobian") && l.Contains('E'))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(t => t.Contains('E')).Select(t => double.Parse(t, CultureInfo.InvariantCulture));
        Assert.All(errors, e => Assert.True(e < 1e-8, $"finite-difference difference {e}"));
    }
}

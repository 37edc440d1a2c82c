using Google.Protobuf;
using Onnx;
using TapeAD.Cli;
using TapeAD.Nn;
using TapeAD.Onnx;
using Xunit;

namespace TapeAD.Tests;

/// <summary>
/// The hostile files of issue 12, each once: sizes that overflow, wrap or ask for gigabytes, and
/// versions the importer does not know. Each must give the documented exception, naming the field,
/// tensor or node, quickly and without allocating what the file claims; the CLI an error line and exit 1.
/// </summary>
public sealed class HostileFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tapead-hostile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Far below what any of these files claims (gigabytes) and above what checking them costs.
    private const long AllocationBudget = 20 << 20;

    [Theory]
    [InlineData(1_000_000_000, 3, "layer 0, field \"W\", row 0: expected 1000000000 numbers (\"in\"), got 2")]
    [InlineData(2_000_000_000, 1, "layer 0, field \"W\", row 0: expected 2000000000 numbers (\"in\"), got 2")]
    [InlineData(1_073_741_824, 2, "layer 0, field \"W\", row 0: expected 1073741824 numbers (\"in\"), got 2")]
    public void a_json_layer_claiming_a_huge_input_is_refused_naming_the_row_before_allocating(int inputs, int outputs, string message)
    {
        string rows = string.Join(",", Enumerable.Repeat("[0.5,0.25]", outputs));
        string bias = string.Join(",", Enumerable.Repeat("0", outputs));
        string json = $$"""{"name":"h","layers":[{"in":{{inputs}},"out":{{outputs}},"activation":"tanh","W":[{{rows}}],"b":[{{bias}}]}]}""";
        var e = Refused<FormatException>(() => ModelFile.Parse(json));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void a_json_bias_of_the_wrong_length_is_refused_before_the_weights_are_allocated()
    {
        // W is right for "out": 3, but b is not: the error comes before any array of "out" × "in".
        const string json = """{"name":"h","layers":[{"in":2,"out":3,"activation":"tanh","W":[[1,2],[3,4],[5,6]],"b":[0]}]}""";
        Assert.Contains("field \"b\": expected 3 numbers (\"out\"), got 1", Refused<FormatException>(() => ModelFile.Parse(json)).Message);
    }

    [Theory]
    [InlineData(new long[] { 1048576, 1048576 }, "spans 1099511627776 elements")]
    [InlineData(new long[] { 65536, 65537 }, "spans 4295032832 elements")]
    [InlineData(new long[] { 2147483647 }, "spans 2147483647 elements, more than the 4194304")]
    [InlineData(new long[] { 1073741824, 1073741824, 16 }, "spans more than 2^63 elements")]
    [InlineData(new long[] { 0, 2147483647, 2147483647 }, "spans 4611686014132420609 elements")]
    public void an_onnx_input_claiming_a_huge_shape_is_refused_naming_the_input(long[] dims, string message)
    {
        var bytes = new OnnxModelBuilder().Input("x", dims).Node("Tanh", ["x"], "y").Output("y").Build();
        var e = Refused<NotSupportedException>(() => OnnxModel.Load(bytes, "big.onnx"));
        Assert.StartsWith("big.onnx: graph input 'x'", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void onnx_inputs_whose_total_length_passes_the_limit_are_refused_naming_the_one_that_does()
    {
        var bytes = new OnnxModelBuilder().Input("a", 1 << 19).Input("b", 1 << 19).Input("c", 1)
            .Node("Concat", ["a", "b", "c"], "y", OnnxModelBuilder.Attr("axis", 0L)).Output("y").Build();
        // Not through Refused: the first two inputs are within the limit and cost their 2^20 tape nodes.
        var e = Assert.Throws<NotSupportedException>(() => OnnxModel.Load(bytes, "many.onnx"));
        Assert.Contains("graph input 'c'", e.Message);
        Assert.Contains("after 1048576 in the inputs before it", e.Message);
    }

    [Fact]
    public void a_matmul_of_empty_matrices_with_a_huge_product_is_refused_naming_the_node()
    {
        var bytes = new OnnxModelBuilder().Input("x", 1, 2)
            .Weights("A", [65536, 0], []).Weights("B", [0, 65537], [])
            .Node("MatMul", ["A", "B"], "y").Output("y").Build();
        var e = Refused<NotSupportedException>(() => OnnxModel.Load(bytes, "mm.onnx"));
        Assert.Contains("node 0 'MatMul_0' (MatMul)", e.Message);
        Assert.Contains("[65536, 65537]", e.Message);
    }

    [Fact]
    public void a_broadcast_or_concat_whose_result_is_huge_is_refused_naming_the_node()
    {
        var random = new Random(12);
        var broadcast = new OnnxModelBuilder().Input("x", 1, 2).RandomWeights("a", random, 4096, 1).RandomWeights("b", random, 1, 4096)
            .Node("Add", ["a", "b"], "y").Output("y").Build();
        Assert.Contains("(Add): the broadcast result's shape [4096, 4096]", Refused<NotSupportedException>(() => OnnxModel.Load(broadcast, "b.onnx")).Message);

        var concat = new OnnxModelBuilder().Input("x", 1, 1 << 16);
        string[] many = Enumerable.Repeat("x", 65).ToArray();
        var bytes = concat.Node("Concat", many, "y", OnnxModelBuilder.Attr("axis", 1L)).Output("y").Build();
        Assert.Contains("(Concat): the result's shape [1, 4259840]", Refused<NotSupportedException>(() => OnnxModel.Load(bytes, "c.onnx")).Message);
    }

    [Fact]
    public void an_initializer_whose_shape_does_not_match_its_values_is_refused_naming_the_tensor()
    {
        var wrapped = new OnnxModelBuilder().Input("x", 1, 2).Weights("W", [1073741824, 1073741824, 16], [1, 2])
            .Node("Add", ["x", "W"], "y").Output("y").Build();
        var e = Refused<InvalidDataException>(() => OnnxModel.Load(wrapped, "w.onnx"));
        Assert.Contains("initializer: tensor 'W' has 2 values for shape [1073741824, 1073741824, 16] (more than 2^63 expected)", e.Message);

        var empty = new OnnxModelBuilder().Input("x", 1, 2).Weights("E", [0, 2147483647, 2147483647], [])
            .Node("Add", ["x", "E"], "y").Output("y").Build();
        Assert.Contains("tensor 'E': shape [0, 2147483647, 2147483647]", Refused<NotSupportedException>(() => OnnxModel.Load(empty, "e.onnx")).Message);
    }

    [Theory]
    [InlineData(99999L, 8L, "operator set is version 99999, which is not supported; supported: 7 to 23")]
    [InlineData(1L, 8L, "operator set is version 1, which is not supported; supported: 7 to 23")]
    [InlineData(13L, 999L, "IR version 999 is not supported; supported: 3 to 11")]
    [InlineData(13L, 2L, "IR version 2 is not supported; supported: 3 to 11")]
    public void unknown_opset_and_ir_versions_are_refused_naming_the_supported_range(long opset, long irVersion, string message)
    {
        var bytes = WithVersions(new OnnxModelBuilder(opset).Input("x", 1, 2).Node("Tanh", ["x"], "y").Output("y").Build(), irVersion);
        var e = Refused<NotSupportedException>(() => OnnxModel.Load(bytes, "v.onnx"));
        Assert.StartsWith("v.onnx: ", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void the_edges_of_the_supported_ranges_load()
    {
        foreach (var (opset, ir) in new[] { (OnnxLimits.MinOpset, OnnxLimits.MinIrVersion), (OnnxLimits.MaxOpset, OnnxLimits.MaxIrVersion) })
        {
            var bytes = WithVersions(new OnnxModelBuilder(opset).Input("x", 1, 2).Node("Tanh", ["x"], "y").Output("y").Build(), ir);
            var model = OnnxModel.Load(bytes, "edge.onnx");
            Assert.Equal(opset, model.Opset);
            Assert.Equal([TapeAD.Tape.Primitives.Tanh(0.5), TapeAD.Tape.Primitives.Tanh(-1)], model.Function.Evaluate([0.5, -1]));
        }
    }

    [Fact]
    public void inspect_of_a_model_without_outputs_prints_one_error_line_and_exits_with_one()
    {
        string path = Path.Combine(_dir, "none.onnx");
        File.WriteAllBytes(path, new OnnxModelBuilder().Input("x", 1, 2).Node("Tanh", ["x"], "y").Build());
        var (code, stdout, stderr) = Run("inspect", path);
        Assert.Equal(CommandLine.BadInput, code);
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("none.onnx", line);
        Assert.Contains("no outputs", line);
    }

    /// <summary>Every hostile file above, through the command line: one error line naming the file, exit 1.</summary>
    [Fact]
    public void the_cli_gives_one_error_line_and_exit_one_for_every_hostile_file()
    {
        var files = new Dictionary<string, byte[]>
        {
            ["in.json"] = System.Text.Encoding.UTF8.GetBytes(
                """{"name":"h","layers":[{"in":2000000000,"out":1,"activation":"tanh","W":[[1,2]],"b":[0]}]}"""),
            ["square.onnx"] = new OnnxModelBuilder().Input("x", 1048576, 1048576).Node("Tanh", ["x"], "y").Output("y").Build(),
            ["long.onnx"] = new OnnxModelBuilder().Input("x", 2147483647).Node("Tanh", ["x"], "y").Output("y").Build(),
            ["wrap.onnx"] = new OnnxModelBuilder().Input("x", 1073741824, 1073741824, 16).Node("Tanh", ["x"], "y").Output("y").Build(),
            ["mm.onnx"] = new OnnxModelBuilder().Input("x", 1, 2).Weights("A", [65536, 0], []).Weights("B", [0, 65537], [])
                .Node("MatMul", ["A", "B"], "y").Output("y").Build(),
            ["opset.onnx"] = new OnnxModelBuilder(99999).Input("x", 1, 2).Node("Tanh", ["x"], "y").Output("y").Build(),
            ["ir.onnx"] = WithVersions(new OnnxModelBuilder().Input("x", 1, 2).Node("Tanh", ["x"], "y").Output("y").Build(), 999),
        };
        string inputs = Path.Combine(_dir, "x.csv");
        File.WriteAllText(inputs, "0.5,0.5\n");
        foreach (var (name, bytes) in files)
        {
            string path = Path.Combine(_dir, name);
            File.WriteAllBytes(path, bytes);
            foreach (var args in new[] { new[] { "inspect", path }, ["derive", "--model", path, "--query", "value", "--inputs", inputs] })
            {
                var (code, _, stderr) = Run(args);
                Assert.True(code == CommandLine.BadInput, $"{name} {args[0]}: exit {code}, {stderr}");
                var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
                Assert.StartsWith("tapead: ", line);
                Assert.Contains(name, line);
            }
        }
    }

    /// <summary>Runs <paramref name="load"/>, which must throw <typeparamref name="T"/> quickly and
    /// without allocating anything near what the file claims.</summary>
    private static T Refused<T>(Action load) where T : Exception
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.Throws<T>(load);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"refusing took {clock.Elapsed}");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < AllocationBudget, $"refusing allocated {allocated} bytes: {e.Message}");
        return e;
    }

    private static byte[] WithVersions(byte[] bytes, long irVersion)
    {
        var model = ModelProto.Parser.ParseFrom(bytes);
        model.IrVersion = irVersion;
        return model.ToByteArray();
    }

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CommandLine.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}

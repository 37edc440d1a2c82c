using TapeAD.Cli;
using TapeAD.Compiler;
using TapeAD.Nn;
using Xunit;

namespace TapeAD.Tests;

/// <summary><c>tapead emit</c>: the written file compiles on its own and gives the delegate's bits;
/// bad arguments are reported, not thrown.</summary>
public sealed class EmitCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tapead-emit-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CommandLine.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Emit_writes_a_file_that_compiles_alone_and_gives_the_delegates_bits()
    {
        string path = Path.Combine(_dir, "SeedDiag.cs");
        var (code, _, err) = Run("emit", "--model", "builtin:seed", "--query", "diag", "--namespace", "My.Models", "--class", "SeedDiag", "--out", path);
        Assert.True(code == CommandLine.Ok, err);
        var evaluate = EmittedSource.Evaluate(EmittedSource.Class(EmittedSource.Compile(File.ReadAllText(path)), "My.Models.SeedDiag"));
        var compiled = BuiltinModels.Seed().ToFunction().SecondOrderJacobian().Compile();
        var rng = new Random(15);
        var expected = new double[compiled.OutputLength];
        var actual = new double[compiled.OutputLength];
        for (int n = 0; n < 50; n++)
        {
            var x = CompilerTestSupport.RandomInputs(rng, 5);
            compiled.Evaluate(x, expected);
            evaluate(x, actual);
            Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), actual.Select(BitConverter.DoubleToInt64Bits));
        }
    }

    [Fact]
    public void Emit_without_out_prints_the_source_of_the_chosen_output()
    {
        var (code, output, _) = Run("emit", "--model", "builtin:seed", "--query", "gradient", "--output-index", "2");
        Assert.Equal(CommandLine.Ok, code);
        Assert.Contains("public static class Model", output);
        Assert.Contains("gradient", output);
        Assert.Contains("public const int OutputLength = 5;", output);
    }

    [Theory]
    [InlineData(CommandLine.Usage, "unknown query 'curl'", "--model", "builtin:seed", "--query", "curl")]
    [InlineData(CommandLine.Usage, "missing option --query", "--model", "builtin:seed")]
    [InlineData(CommandLine.Usage, "emit does not take --threads", "--model", "builtin:seed", "--query", "value", "--threads", "2")]
    [InlineData(CommandLine.BadInput, "Expected ClassName to be a C# identifier, got 'static'", "--model", "builtin:seed", "--query", "value", "--class", "static")]
    [InlineData(CommandLine.BadInput, "no such model file", "--model", "missing.json", "--query", "value")]
    public void Bad_arguments_give_one_message_and_an_exit_code(int expectedCode, string message, params string[] args)
    {
        string outPath = Path.Combine(_dir, "never.cs");
        var (code, output, err) = Run(["emit", .. args, "--out", outPath]);
        Assert.Equal(expectedCode, code);
        Assert.Contains(message, err);
        Assert.Equal("", output);
        Assert.False(File.Exists(outPath));
    }
}

using TapeAD.Compiler;
using TapeAD.Tape;
using Xunit;
using static TapeAD.Tests.CompilerTestSupport;

namespace TapeAD.Tests;

/// <summary>The compiled function's surface: what it reports, which backend it picks, and how it
/// rejects wrong lengths.</summary>
public class CompilerApiTests
{
    [Fact]
    public void Reports_the_source_function_and_picks_a_single_method_for_small_graphs()
    {
        var f = SeedNetwork(v => VarMath.Elu(v)).Hessian();
        var c = CompileFast(f);
        Assert.Same(f, c.Source);
        Assert.Equal(CompiledBackend.SingleMethod, c.Backend);
        Assert.Equal(5, c.InputLength);
        Assert.Equal(75, c.OutputLength);
        Assert.Equal([3, 5, 5], c.Shape);
        Assert.Equal(f.Description, c.Description);
        Assert.InRange(c.NodeCount, 1, f.Graph.Count);
    }

    [Fact]
    public void Extension_method_compiles_the_same_function()
    {
        var f = SeedNetwork(VarMath.Tanh);
        var c = f.Compile();
        Assert.Same(f, c.Source);
        AssertSameBits(f, c, [0.1, 0.2, -0.3, 0.4, 0.5]);
    }

    [Fact]
    public void The_fast_compiler_is_required_by_default_in_debug_builds()
    {
#if DEBUG
        Assert.True(CompilerOptions.Default.RequireFastCompiler);
#else
        Assert.False(CompilerOptions.Default.RequireFastCompiler);
#endif
    }

    [Theory]
    [InlineData(4, 3, "expected 5 inputs, got 4")]
    [InlineData(6, 3, "expected 5 inputs, got 6")]
    [InlineData(5, 2, "expected a result span of length 3, got 2")]
    [InlineData(5, 4, "expected a result span of length 3, got 4")]
    public void Wrong_lengths_throw_naming_expected_and_got_and_write_nothing(int inputLength, int resultLength, string message)
    {
        var f = SeedNetwork(VarMath.Tanh);
        foreach (var options in EveryBackend)
        {
            var c = CompileFast(f, options);
            var result = Enumerable.Repeat(42.0, resultLength).ToArray();
            var e = Assert.Throws<ArgumentException>(() => c.Evaluate(new double[inputLength], result));
            Assert.Contains(message, e.Message);
            Assert.All(result, r => Assert.Equal(42.0, r));
        }
    }

    [Fact]
    public void Array_overload_checks_the_input_length()
    {
        var c = CompileFast(SeedNetwork(VarMath.Tanh));
        Assert.Equal(3, c.Evaluate(new double[5]).Length);
        Assert.Throws<ArgumentException>(() => c.Evaluate(new double[2]));
    }

    [Fact]
    public void Options_out_of_range_are_rejected()
    {
        var f = SeedNetwork(VarMath.Tanh);
        Assert.Throws<ArgumentException>(() => f.Compile(new CompilerOptions { MaxStatementsPerMethod = 0 }));
        Assert.Throws<ArgumentException>(() => f.Compile(new CompilerOptions { MaxInlineDepth = -1 }));
        Assert.Throws<ArgumentException>(() => f.Compile(new CompilerOptions { MaxInlineDepth = CompilerOptions.InlineDepthLimit + 1 }));
        Assert.Throws<ArgumentException>(() => f.Compile(new CompilerOptions { InterpretAboveNodes = -1 }));
    }

    [Fact]
    public void Functions_without_outputs_or_of_constants_and_inputs_only_compile()
    {
        var empty = TapeFunction.Record(2, x => Array.Empty<Var>());
        var leaves = TapeFunction.Record(2, x => new[] { x[1], x[0].Const(2.5), x[1], x[0], x[0].Const(-0.0), x[0].Const(double.NegativeInfinity) });
        foreach (var options in EveryBackend)
        {
            Assert.Empty(CompileFast(empty, options).Evaluate(new double[2]));
            var c = CompileFast(leaves, options);
            Assert.Equal([7.0, 2.5, 7.0, -1.0, -0.0, double.NegativeInfinity], c.Evaluate(new[] { -1.0, 7.0 }));
            AssertSameBits(leaves, c, [-1.0, 7.0]);
        }
    }

    [Fact]
    public void Backend_follows_the_size_limits()
    {
        var f = Chain(400);
        Assert.Equal(CompiledBackend.SingleMethod, CompileFast(f).Backend);
        Assert.Equal(CompiledBackend.Chunked, CompileFast(f, new CompilerOptions { RequireFastCompiler = true, MaxStatementsPerMethod = 100 }).Backend);
        Assert.Equal(CompiledBackend.Interpreted, CompileFast(f, new CompilerOptions { InterpretAboveNodes = 100 }).Backend);
    }
}

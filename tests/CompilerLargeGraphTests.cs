using TapeAD.Compiler;
using TapeAD.Tape;
using Xunit;
using static TapeAD.Tests.CompilerTestSupport;

namespace TapeAD.Tests;

/// <summary>Graphs far larger and deeper than one method can hold.</summary>
public class CompilerLargeGraphTests
{
    [Fact]
    public void A_chunked_graph_of_20000_nodes_gives_the_interpreters_bits()
    {
        var f = TapeFunction.Record(3, x =>
        {
            var a = x[0];
            var b = x[1];
            for (int i = 0; i < 2500; i++)
            {
                var t = VarMath.Tanh(a * 0.9 + b * x[2]);
                (a, b) = (b + t * 0.01, VarMath.Select(VarMath.Greater(t, a), t, VarMath.Sigmoid(a)) - 0.1);
            }
            return new[] { a, b, a * b };
        });
        Assert.InRange(f.Graph.Count, 18_000, 30_000);
        var c = CompileFast(f);
        Assert.Equal(CompiledBackend.Chunked, c.Backend);
        var rng = new Random(3);
        for (int trial = 0; trial < 5; trial++) AssertSameBits(f, c, RandomInputs(rng, 3, specialRate: 0.1));
    }

    [Fact]
    public void A_100000_deep_chain_compiles_through_the_fast_path_without_nesting_deeply()
    {
        var f = TapeFunction.Record(1, x =>
        {
            var v = x[0];
            for (int i = 0; i < 100_000; i++) v = VarMath.Tanh(v + 0.5);
            return v;
        });
        var c = CompileFast(f, new CompilerOptions { RequireFastCompiler = true, InterpretAboveNodes = int.MaxValue });
        Assert.Equal(CompiledBackend.Chunked, c.Backend);
        Assert.InRange(c.ScratchLength, 1, 8);
        AssertSameBits(f, c, [0.3]);
        AssertSameBits(f, c, [double.NaN]);
    }

    [Fact]
    public void A_graph_of_a_million_nodes_compiles_and_runs()
    {
        var f = Chain(1_000_000);
        Assert.True(f.Graph.Count >= 1_000_000);
        var c = CompileFast(f);
        Assert.Equal(CompiledBackend.Interpreted, c.Backend);
        // Registers are reused by liveness: the chain holds two inputs, two constants and v.
        Assert.InRange(c.ScratchLength, 1, 8);
        // Every node but the graph's constant 1, which the chain never reads.
        Assert.Equal(f.Graph.Count - 1, c.NodeCount);
        AssertSameBits(f, c, [0.5, 0.9]);
        AssertSameBits(f, c, [2.0, -1.0]);
    }
}

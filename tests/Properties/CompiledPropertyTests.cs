using TapeAD.Compiler;

namespace TapeAD.Tests.Properties;

/// <summary>The compiler is meant to give the interpreter's bits exactly, for every query.</summary>
public class CompiledPropertyTests
{
    [NetworkProperty(60)]
    public void Every_compiled_query_gives_the_interpreters_bits(AnyNetwork network)
    {
        var c = network.Case;
        foreach (var (query, input) in QueryList.Of(c.Function, c.X, c.V))
            Bits.Identical(query.Evaluate(input), query.Compile().Evaluate(input), $"{query.Description} compiled vs interpreted");
    }
}

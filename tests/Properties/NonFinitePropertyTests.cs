using TapeAD.Compiler;
using Xunit;

namespace TapeAD.Tests.Properties;

/// <summary>NaN and ±Inf inputs: IEEE results, no exception, and no trace left in the next call.</summary>
public class NonFinitePropertyTests
{
    private static readonly double[] Specials = [double.NaN, double.PositiveInfinity, double.NegativeInfinity];

    [NetworkProperty(60)]
    public void Non_finite_inputs_propagate_and_leave_later_calls_unaffected(AnyNetwork network, int pick)
    {
        var c = network.Case;
        var bad = (double[])c.X.Clone();
        uint p = unchecked((uint)pick);
        bad[p % bad.Length] = Specials[p / (uint)bad.Length % 3];

        // The value is what plain IEEE arithmetic gives (Chain.Evaluate), up to a NaN's sign.
        NnAssert.SameBits(c.ToChain().Evaluate(bad), c.Function.Evaluate(bad), $"value at {LayerSpec.List(bad)}");
        foreach (var (query, input) in QueryList.Of(c.Function, c.X, c.V))
        {
            var badInput = (double[])input.Clone();
            Array.Copy(bad, badInput, bad.Length);
            var compiled = query.Compile();
            var before = compiled.Evaluate(input);
            // Any NaN matches any NaN: the compiled code may give a NaN of the other sign than the
            // interpreter (seen: the Hessian of sin at NaN); every other bit must agree.
            NnAssert.SameBits(query.Evaluate(badInput), compiled.Evaluate(badInput), $"{query.Description} at {LayerSpec.List(bad)}");
            Bits.Identical(before, compiled.Evaluate(input), $"{query.Description} at the finite point after a call at {LayerSpec.List(bad)}");
        }
    }
}

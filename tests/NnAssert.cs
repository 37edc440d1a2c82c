using TapeAD.Nn;
using Xunit;

namespace TapeAD.Tests;

/// <summary>Comparisons for the Nn tests: plain evaluation against the tape interpreter.</summary>
internal static class NnAssert
{
    /// <summary>
    /// Same bits, except that any NaN matches any NaN: the tape may rewrite <c>-1 * x</c> to
    /// <c>-x</c>, which is the same number but can flip a NaN's sign bit.
    /// </summary>
    public static void SameBits(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, string context)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (double.IsNaN(expected[i]) && double.IsNaN(actual[i])) continue;
            Assert.True(BitConverter.DoubleToInt64Bits(expected[i]) == BitConverter.DoubleToInt64Bits(actual[i]),
                $"{context}, output {i}: plain {expected[i]:R}, tape {actual[i]:R}");
        }
    }

    /// <summary>Evaluates the chain both ways at <paramref name="x"/> and asserts the same bits.</summary>
    public static void PlainMatchesTape(Chain chain, double[] x)
    {
        var tape = chain.ToFunction().Evaluate(x);
        SameBits(chain.Evaluate(x), tape, $"{chain} at [{string.Join(", ", x.Select(v => v.ToString("R")))}]");
    }

    /// <summary>The parameters of every layer as bit patterns, for exact comparison.</summary>
    public static long[] ParameterBits(Chain chain) =>
        chain.Layers.SelectMany(l => l.Weights.ToArray().Concat(l.Bias.ToArray()))
            .Select(BitConverter.DoubleToInt64Bits).ToArray();
}

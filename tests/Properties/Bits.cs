using System.Globalization;
using Xunit;

namespace TapeAD.Tests.Properties;

internal static class Bits
{
    /// <summary>The same 64 bits in every entry (a NaN must be the same NaN).</summary>
    public static void Identical(double[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int k = 0; k < expected.Length; k++)
            if (BitConverter.DoubleToInt64Bits(expected[k]) != BitConverter.DoubleToInt64Bits(actual[k]))
                Assert.Fail($"{what}, entry {k}: expected {Show(expected[k])}, got {Show(actual[k])}");
    }

    public static string Show(double v) =>
        $"{v.ToString("R", CultureInfo.InvariantCulture)} (0x{BitConverter.DoubleToInt64Bits(v):X16})";
}

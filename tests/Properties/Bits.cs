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

    /// <summary>
    /// The same 64 bits in every entry, where any NaN matches any NaN: for computed results. When two NaNs
    /// meet in an add or a fused multiply-add, x86 keeps one operand's payload and sign, and the JIT may
    /// commute the operands between tiers or kernels, so which NaN survives is not the library's to fix.
    /// </summary>
    public static void SameResults(double[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int k = 0; k < expected.Length; k++)
            if (!(double.IsNaN(expected[k]) && double.IsNaN(actual[k])) && BitConverter.DoubleToInt64Bits(expected[k]) != BitConverter.DoubleToInt64Bits(actual[k]))
                Assert.Fail($"{what}, entry {k}: expected {Show(expected[k])}, got {Show(actual[k])}");
    }

    public static string Show(double v) =>
        $"{v.ToString("R", CultureInfo.InvariantCulture)} (0x{BitConverter.DoubleToInt64Bits(v):X16})";
}

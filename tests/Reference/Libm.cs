using System.Runtime.InteropServices;

namespace TapeAD.Tests.Reference;

/// <summary>The platform libm's functions that .NET's <see cref="Math"/> does not offer (glibc on this project's platform).</summary>
internal static class Libm
{
    [DllImport("libm.so.6", EntryPoint = "expm1")] public static extern double Expm1(double x);
    [DllImport("libm.so.6", EntryPoint = "log1p")] public static extern double Log1P(double x);
    [DllImport("libm.so.6", EntryPoint = "erf")] public static extern double Erf(double x);
}

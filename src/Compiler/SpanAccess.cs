using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TapeAD.Compiler;

/// <summary>
/// Span reads and writes for emitted code: expression trees cannot use span indexers, so they call
/// these. They skip bounds checks because the caller has already checked every span's length
/// against the indices the emitter uses.
/// </summary>
internal static class SpanAccess
{
    internal static readonly MethodInfo ReadInput = Method(nameof(Read), typeof(ReadOnlySpan<double>));
    internal static readonly MethodInfo ReadScratch = Method(nameof(Read), typeof(Span<double>));
    internal static readonly MethodInfo WriteMethod = Method(nameof(Write), typeof(Span<double>));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Read(ReadOnlySpan<double> s, int i) => Unsafe.Add(ref MemoryMarshal.GetReference(s), i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Read(Span<double> s, int i) => Unsafe.Add(ref MemoryMarshal.GetReference(s), i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Write(Span<double> s, int i, double value) => Unsafe.Add(ref MemoryMarshal.GetReference(s), i) = value;

    private static MethodInfo Method(string name, Type span) =>
        typeof(SpanAccess).GetMethods(BindingFlags.NonPublic | BindingFlags.Static)
            .Single(m => m.Name == name && m.GetParameters()[0].ParameterType == span);
}

namespace TapeAD.Compiler;

/// <summary>How many independent groups of inputs one call of a graph's SIMD methods evaluates.</summary>
internal static class BatchGroups
{
    /// <summary>The most groups a method interleaves.</summary>
    public const int Most = 4;

    /// <summary>The groups for <paramref name="plan"/>: <see cref="CompilerOptions.BatchGroups"/> when set, else the measured rule.</summary>
    public static int For(UsePlan plan, CompilerOptions options) => options.BatchGroups > 0 ? options.BatchGroups : 2;
}

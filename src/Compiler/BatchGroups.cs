namespace TapeAD.Compiler;

/// <summary>
/// How many independent groups of inputs one call of a graph's SIMD methods evaluates: each node is
/// emitted once per group (<see cref="MethodEmitter"/>), so the groups' dependency chains (an
/// activation's exp is ~20 dependent steps) run side by side in the out-of-order core.
/// </summary>
/// <remarks>
/// The rule is measured (AVX2, 16 registers; per input, batch 1,024, 1 thread, minima of several runs on
/// a loaded 2-core machine, indicative): against one group, two groups gave seed's value 21.9 → 17.8 ns,
/// Hessian 52.5 → 46.0, second-order Jacobian 26.6 → 22.9, HVP 28.9 → 25.5; small-deep's value (2,041
/// nodes) 336 → 305 and its second-order Jacobian (9,961 nodes, chunked) 2,090 → 950; an 8 × 8 linear map
/// (192 nodes, no exp) 15.4 → 13.1; a 6-node exp 10.5 → 7.8. Three groups were within the noise of two
/// from 6 to 432 nodes (ahead on some seed queries, behind on others, by up to 12 % either way), never
/// ahead above; four groups never ahead; both took up to three times as long to compile. No size was
/// found where a count other than two wins, so the rule is two groups whatever the size. With AVX-512's
/// 32 registers more groups may pay; that is unmeasured (no such hardware here).
/// </remarks>
internal static class BatchGroups
{
    /// <summary>The most groups a method interleaves.</summary>
    public const int Most = 4;

    /// <summary>The measured rule's count, for graphs of every size (see the remarks).</summary>
    public const int Default = 2;

    /// <summary>The groups a graph is compiled for: <see cref="CompilerOptions.BatchGroups"/> when set, else <see cref="Default"/>.</summary>
    public static int For(CompilerOptions options) => options.BatchGroups > 0 ? options.BatchGroups : Default;
}

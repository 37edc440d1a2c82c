namespace TapeAD.Compiler;

/// <summary>
/// How many independent groups of inputs one call of a graph's SIMD methods evaluates: each node is
/// emitted once per group (<see cref="MethodEmitter"/>), so the groups' dependency chains (an
/// activation's exp is ~20 dependent steps) run side by side in the out-of-order core.
/// </summary>
/// <remarks>
/// The rule is measured (AVX2, 16 registers; per input, batch 1,024, 1 thread, minima of several runs on
/// a loaded 2-core machine, indicative). Against one group, two groups gave seed's value 21.9 → 17.8 ns,
/// Hessian 52.5 → 46.0, second-order Jacobian 26.6 → 22.9, HVP 28.9 → 25.5; small-deep's value (2,041
/// nodes) 336 → 305 and its second-order Jacobian (9,961 nodes, chunked) 2,090 → 950; an 8 × 8 linear map
/// (192 nodes, no exp) 15.4 → 13.1; a 6-node exp 10.5 → 7.8. Three and four groups were then within the
/// noise of two or behind. Once selects on a comparison became blends and exp was called once per two
/// groups, four groups won on small graphs: against two, seed's value (100 nodes) 14.5–15.1 → 12.5–12.8,
/// Jacobian (187) 20.4–25.1 → 15.7–17.3, second-order Jacobian (186) 20.4–24.7 → 16.6–17.4, Laplacian (198)
/// 17.0–17.3 → 15.5–17.8, HVP (221) 23.9 → 19.2–19.4; the Hessian (426) tied (41–44 either way). On a
/// 3→12→12→1 tanh chain four lost: value (628 nodes) 140 → 149–150, Jacobian (1,141) 161 → 227–245,
/// Hessian (3,598) 519–553 → 621–974. So four groups up to <see cref="FourGroupsUpToNodes"/> nodes (seed's
/// queries but its Hessian), two above; between 256 and 628 nodes it is unmeasured and stays two. With
/// AVX-512's 32 registers other counts may pay; that is unmeasured (no such hardware here).
/// </remarks>
internal static class BatchGroups
{
    /// <summary>The most groups a method interleaves.</summary>
    public const int Most = 4;

    /// <summary>The measured rule's count for graphs above <see cref="FourGroupsUpToNodes"/> nodes.</summary>
    public const int Default = 2;

    /// <summary>The most live nodes (<see cref="UsePlan.LiveCount"/>) a graph may have for four groups.</summary>
    public const int FourGroupsUpToNodes = 256;

    /// <summary>The groups <paramref name="plan"/>'s graph is compiled for: <see cref="CompilerOptions.BatchGroups"/>
    /// when set, else the measured rule's count (see the remarks).</summary>
    public static int For(UsePlan plan, CompilerOptions options) =>
        options.BatchGroups > 0 ? options.BatchGroups : plan.LiveCount <= FourGroupsUpToNodes ? Most : Default;
}

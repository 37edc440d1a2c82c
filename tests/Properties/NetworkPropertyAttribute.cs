using FsCheck.Xunit;

namespace TapeAD.Tests.Properties;

/// <summary>
/// An FsCheck property over generated networks (<see cref="NetworkArbitraries"/>) with
/// <paramref name="runs"/> cases by default; the environment variable <c>TAPEAD_PROPERTY_RUNS</c>
/// raises every property to that many cases for long runs.
/// </summary>
/// <remarks>
/// The default run replays one fixed seed, so CI is reproducible and a red run always means a change
/// broke something; a long run (<c>TAPEAD_PROPERTY_RUNS</c> set) draws fresh seeds to explore, and a
/// failure there prints the seed to replay.
/// </remarks>
public sealed class NetworkPropertyAttribute : PropertyAttribute
{
    public const string RunsVariable = "TAPEAD_PROPERTY_RUNS";

    // A (seed, gamma) pair in the form FsCheck prints; the gamma is odd, as its generator needs.
    private const string FixedSeed = "(20261126,4521143183539140343)";

    public NetworkPropertyAttribute(int runs)
    {
        MaxTest = Runs(runs);
        Arbitrary = [typeof(NetworkArbitraries)];
        if (Environment.GetEnvironmentVariable(RunsVariable) == null) Replay = FixedSeed;
    }

    public static int Runs(int byDefault) =>
        int.TryParse(Environment.GetEnvironmentVariable(RunsVariable), out int n) && n > byDefault ? n : byDefault;
}

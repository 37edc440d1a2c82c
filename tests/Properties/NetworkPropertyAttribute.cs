using FsCheck.Xunit;

namespace TapeAD.Tests.Properties;

/// <summary>
/// An FsCheck property over generated networks (<see cref="NetworkArbitraries"/>) with
/// <paramref name="runs"/> cases by default; the environment variable <c>TAPEAD_PROPERTY_RUNS</c>
/// raises every property to that many cases for long runs.
/// </summary>
public sealed class NetworkPropertyAttribute : PropertyAttribute
{
    public const string RunsVariable = "TAPEAD_PROPERTY_RUNS";

    public NetworkPropertyAttribute(int runs)
    {
        MaxTest = Runs(runs);
        Arbitrary = [typeof(NetworkArbitraries)];
    }

    public static int Runs(int byDefault) =>
        int.TryParse(Environment.GetEnvironmentVariable(RunsVariable), out int n) && n > byDefault ? n : byDefault;
}

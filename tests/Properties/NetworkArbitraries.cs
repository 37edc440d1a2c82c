using FsCheck;
using FsCheck.Fluent;

namespace TapeAD.Tests.Properties;

/// <summary>Any generated network: weights of realistic and extreme scale, coordinates up to 1e6.</summary>
public sealed record AnyNetwork(NetworkCase Case)
{
    public override string ToString() => Case.ToString();
}

/// <summary>A network with weights of realistic scale (up to 3×) and coordinates up to 50, where
/// finite differences converge well enough to catch any wrong derivative.</summary>
public sealed record ModerateNetwork(NetworkCase Case)
{
    public override string ToString() => Case.ToString();
}

/// <summary>The arbitraries registered by <see cref="NetworkPropertyAttribute"/>.</summary>
public static class NetworkArbitraries
{
    public static Arbitrary<AnyNetwork> Any() =>
        Arb.From(NetworkGenerators.Networks(extreme: true).Select(c => new AnyNetwork(c)),
            n => NetworkShrinker.Shrink(n.Case).Select(c => new AnyNetwork(c)));

    public static Arbitrary<ModerateNetwork> Moderate() =>
        Arb.From(NetworkGenerators.Networks(extreme: false).Select(c => new ModerateNetwork(c)),
            n => NetworkShrinker.Shrink(n.Case).Select(c => new ModerateNetwork(c)));
}

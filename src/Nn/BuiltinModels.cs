namespace TapeAD.Nn;

/// <summary>
/// Named models with fixed seeds, for tests, benchmarks and the command line: the same name gives
/// the same weights on every run.
/// </summary>
public static class BuiltinModels
{
    private sealed record Spec(string Name, int Seed, int Inputs, (int outputs, Activation act)[] Layers);

    private static readonly Spec[] Specs =
    [
        new("seed", 20240501, 5, [(3, Activation.Elu), (3, Activation.Identity)]),
        new("small-deep", 20240502, 3, [(16, Activation.Sigmoid), (16, Activation.Elu), (16, Activation.Tanh), (4, Activation.Identity)]),
        new("pinn", 20240503, 8, [(64, Activation.Tanh), (64, Activation.Tanh), (64, Activation.Tanh), (1, Activation.Identity)]),
        new("wide", 20240504, 16, [(128, Activation.Softplus), (128, Activation.Softplus), (16, Activation.Identity)]),
    ];

    /// <summary>The names <see cref="Get"/> knows.</summary>
    public static IReadOnlyList<string> Names { get; } = Array.AsReadOnly(Specs.Select(s => s.Name).ToArray());

    /// <summary>The seed network: 5 → 3 elu → 3 identity.</summary>
    public static Chain Seed() => Get("seed");

    /// <summary>
    /// The built-in model called <paramref name="name"/>: <c>seed</c> (5 → 3 elu → 3),
    /// <c>small-deep</c> (3 → 16 sigmoid → 16 elu → 16 tanh → 4), <c>pinn</c> (8 → 64 tanh ×3 → 1)
    /// or <c>wide</c> (16 → 128 softplus → 128 softplus → 16).
    /// </summary>
    /// <exception cref="ArgumentException">When no built-in model has that name; the message lists the known names.</exception>
    public static Chain Get(string name)
    {
        var spec = Array.Find(Specs, s => s.Name == name)
            ?? throw new ArgumentException($"Unknown built-in model \"{name}\"; expected one of {string.Join(", ", Names)}.", nameof(name));
        return Chain.Random(spec.Name, new Random(spec.Seed), spec.Inputs, spec.Layers);
    }
}

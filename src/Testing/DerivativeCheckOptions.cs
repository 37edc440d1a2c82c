namespace TapeAD.Testing;

/// <summary>What <see cref="DerivativeChecker"/> compares and how strictly.</summary>
public sealed record DerivativeCheckOptions
{
    /// <summary>The defaults.</summary>
    public static DerivativeCheckOptions Default { get; } = new();

    /// <summary>Whether every query is compared with finite differences (of the value for first
    /// derivatives, of the forward-mode Jacobian for second derivatives).</summary>
    public bool CompareWithFiniteDifferences { get; init; } = true;

    /// <summary>Whether every query is compared with an independently built one: reverse mode with
    /// forward mode, each Hessian mode with forward over forward and with its transpose, the
    /// second-order Jacobian and Laplacian with the Hessian's diagonal and trace, Hessian-vector
    /// products with <c>H v</c>.</summary>
    public bool CompareModes { get; init; } = true;

    /// <summary>The finite-difference step along input <c>j</c> is <c>Step · max(1, |x_j|)</c>
    /// (and the finest is a quarter of it).</summary>
    public double Step { get; init; } = 1e-3;

    /// <summary>Finite-difference entries are accepted within this many times their error estimate.</summary>
    public double FiniteDifferenceSafety { get; init; } = 4;

    /// <summary>A finite-difference comparison whose error estimate is larger than this fraction of the
    /// derivative's size cannot catch a wrong derivative; it is counted as skipped, not compared
    /// (unless it fails even so).</summary>
    public double MaxRelativeUncertainty { get; init; } = 1e-3;

    /// <summary>Every computed number is trusted to this many times its first-order running rounding-error
    /// bound (each operation's rounding plus its operands' errors times its local slopes, so
    /// cancellation is accounted for). Two modes must agree within the sum of their values' bounds;
    /// a finite difference also within the bound of the differenced function, amplified by 6/h.</summary>
    public double RoundingSafety { get; init; } = 2;

    /// <summary>The vector <c>v</c> of Hessian-vector products; null for a fixed vector with entries
    /// <c>cos(1 + j)</c>.</summary>
    public IReadOnlyList<double>? Direction { get; init; }

    internal void Validate(int inputLength)
    {
        if (!(Step > 0) || !double.IsFinite(Step)) throw new ArgumentException($"Expected a positive, finite {nameof(Step)}, got {Step}.", nameof(Step));
        if (!(FiniteDifferenceSafety >= 1)) throw new ArgumentException($"Expected {nameof(FiniteDifferenceSafety)} of 1 or more, got {FiniteDifferenceSafety}.", nameof(FiniteDifferenceSafety));
        if (!(MaxRelativeUncertainty > 0)) throw new ArgumentException($"Expected a positive {nameof(MaxRelativeUncertainty)}, got {MaxRelativeUncertainty}.", nameof(MaxRelativeUncertainty));
        if (!(RoundingSafety >= 1)) throw new ArgumentException($"Expected {nameof(RoundingSafety)} of 1 or more, got {RoundingSafety}.", nameof(RoundingSafety));
        if (Direction != null && Direction.Count != inputLength)
            throw new ArgumentException($"Expected a {nameof(Direction)} of length {inputLength} (the function's inputs), got {Direction.Count}.", nameof(Direction));
        if (Direction != null && !Direction.All(double.IsFinite))
            throw new ArgumentException($"Expected a finite {nameof(Direction)}.", nameof(Direction));
    }
}

namespace TapeAD.Tape;

/// <summary>
/// A numerical derivative with an estimate of its own error, from
/// <see cref="FiniteDifferences.Estimate"/>.
/// </summary>
/// <param name="Derivative">The derivative of every output along the direction.</param>
/// <param name="Error">For each output, a bound on the error of <paramref name="Derivative"/>: the
/// difference between the Richardson estimates at two steps (which over-estimates the truncation
/// error of the finer one and also measures the noise) plus the rounding error of the differences.</param>
public sealed record FiniteDifferenceEstimate(double[] Derivative, double[] Error);

namespace TapeAD.Testing;

/// <summary>Thrown by <see cref="DerivativeChecker.AssertCorrect(double[])"/> when a derivative is out of tolerance.</summary>
public sealed class DerivativeCheckException : Exception
{
    /// <summary>Wraps a failed report; the message is the report's summary.</summary>
    public DerivativeCheckException(DerivativeReport report) : base(report?.ToString()) =>
        Report = report ?? throw new ArgumentNullException(nameof(report));

    /// <summary>The failed report.</summary>
    public DerivativeReport Report { get; }
}

namespace TapeAD.Bench;

/// <summary>How the bench decides that a peer computes the same thing as TapeAD.</summary>
public static class Agreement
{
    /// <summary>The new peers' bound: 1e-12 relative.</summary>
    public const double Tight = 1e-12;

    /// <summary>
    /// Largest relative difference between two batches of results, <paramref name="rowLength"/> numbers
    /// per input; throws beyond <paramref name="tolerance"/>. Relative to the larger magnitude of the two
    /// entries, with a floor of 1e-3 of the largest magnitude in the entry's row and of the largest the
    /// entry takes over the batch: entries that are zero up to cancellation (a scalar output that is
    /// 1e-4 here and 0.6 elsewhere, from terms of size 1) compare absolutely at the result's scale.
    /// NaN anywhere is a mismatch.
    /// </summary>
    /// <exception cref="InvalidOperationException">Naming the case, the peer, the input row and the entry.</exception>
    public static double Check(string what, ReadOnlySpan<double> ours, ReadOnlySpan<double> theirs, int rowLength, double tolerance = Tight)
    {
        if (ours.Length != theirs.Length || rowLength <= 0 || ours.Length % rowLength != 0)
            throw new ArgumentException($"{what}: expected two batches of rows of {rowLength}, got {ours.Length} and {theirs.Length} numbers.");
        int rows = ours.Length / rowLength;
        var column = new double[rowLength];
        for (int s = 0; s < rows; s++)
            for (int i = 0; i < rowLength; i++) column[i] = Math.Max(column[i], Math.Abs(ours[s * rowLength + i]));
        double worst = 0;
        for (int s = 0; s < rows; s++)
        {
            var a = ours.Slice(s * rowLength, rowLength);
            var b = theirs.Slice(s * rowLength, rowLength);
            double scale = 0;
            foreach (var v in a) scale = Math.Max(scale, Math.Abs(v));
            for (int i = 0; i < rowLength; i++)
            {
                double floor = 1e-3 * Math.Max(scale, column[i]);
                double denom = Math.Max(Math.Max(Math.Abs(a[i]), Math.Abs(b[i])), floor);
                double rel = denom == 0 ? 0 : Math.Abs(a[i] - b[i]) / denom;
                if (!(rel <= tolerance))
                    throw new InvalidOperationException($"{what} differs from TapeAD at input {s}, entry {i}: {b[i]:R} vs {a[i]:R} (relative {rel:E2}, allowed {tolerance:E0}).");
                worst = Math.Max(worst, rel);
            }
        }
        return worst;
    }
}

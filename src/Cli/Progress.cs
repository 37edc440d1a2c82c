using System.Diagnostics;
using System.Globalization;

namespace TapeAD.Cli;

/// <summary>
/// A one-line progress report (rows done, rows per second, time left) rewritten in place at most
/// twice a second, for a terminal. Given no writer it does nothing, so piped or logged runs stay clean.
/// </summary>
public sealed class Progress(TextWriter? terminal)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _last = TimeSpan.Zero;
    private bool _shown;

    /// <summary>Reports <paramref name="rows"/> done, <paramref name="fraction"/> (0 to 1) of the input read
    /// (NaN when unknown, as for a pipe: then no share and no time left are shown).</summary>
    public void Update(long rows, double fraction)
    {
        if (terminal == null || _clock.Elapsed - _last < Interval) return;
        _last = _clock.Elapsed;
        double seconds = _clock.Elapsed.TotalSeconds;
        string line = string.Create(CultureInfo.InvariantCulture, $"\r{rows:N0} rows, {rows / seconds:N0} rows/s");
        if (fraction is > 0 and < 1)
            line += string.Create(CultureInfo.InvariantCulture, $", {fraction:P0} read, {Format(TimeSpan.FromSeconds(seconds * (1 - fraction) / fraction))} left");
        terminal.Write(line + "   ");
        terminal.Flush();
        _shown = true;
    }

    /// <summary>Ends the line, if one was shown.</summary>
    public void Finish()
    {
        if (!_shown) return;
        terminal!.WriteLine();
        _shown = false;
    }

    private static string Format(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);
}

using System.Runtime.InteropServices;

namespace TapeAD.Cli;

/// <summary>
/// Where <c>derive</c> writes as it goes: a hidden temporary file, renamed onto <c>--out</c> (or
/// copied to standard output) only when every row has been written, and deleted on any error. So
/// an error leaves nothing behind and an existing <c>--out</c> untouched; messages name the path the
/// user gave, never the temporary one. Interrupted (Ctrl-C, SIGTERM, a closed terminal), it deletes the
/// temporary file before the process ends.
/// </summary>
public sealed class OutputFile : IDisposable
{
    private readonly string? _target;
    private readonly string _shownAs;
    private readonly string _temp;
    private readonly PosixSignalRegistration[] _signals;
    private FileStream? _stream;

    private OutputFile(string? target, string shownAs, string temp)
    {
        _target = target;
        _shownAs = shownAs;
        _temp = temp;
        try
        {
            _stream = new FileStream(temp, new FileStreamOptions
            {
                Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 1 << 20,
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Named(e);
        }
        // Not cancelled: the process still ends as the signal asks, only without the temporary file.
        _signals = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP }
            .Select(signal => PosixSignalRegistration.Create(signal, _ => DeleteTemporary()))];
    }

    /// <summary>An output for <paramref name="outPath"/>, or for standard output when it is null
    /// (spooled in the temporary directory, so a bad line still prints nothing).</summary>
    public static OutputFile Create(string? outPath)
    {
        string hidden = $".tapead-{Environment.ProcessId}-{Guid.NewGuid():N}.tmp";
        if (outPath == null) return new OutputFile(null, "the standard output's spool in " + Path.GetTempPath(), Path.Combine(Path.GetTempPath(), hidden));
        string full = Path.GetFullPath(outPath);
        if (Directory.Exists(full)) throw new IOException($"{outPath}: is a directory; --out needs a file name");
        // Beside the target, so that the final rename stays on one file system and is atomic.
        return new OutputFile(full, outPath, Path.Combine(Path.GetDirectoryName(full)!, hidden));
    }

    /// <summary>Appends bytes.</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        var stream = _stream ?? throw new ObjectDisposedException(nameof(OutputFile));
        try
        {
            stream.Write(bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Named(e);
        }
    }

    /// <summary>Publishes what was written: renames it onto the target, or copies it to <paramref name="stdout"/>.</summary>
    public void Commit(TextWriter stdout)
    {
        var stream = _stream ?? throw new ObjectDisposedException(nameof(OutputFile));
        _stream = null;
        try
        {
            stream.Dispose(); // flushes: a full disk shows here
            if (_target != null)
            {
                File.Move(_temp, _target, overwrite: true);
                return;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Named(e);
        }
        using var reader = new StreamReader(_temp, System.Text.Encoding.UTF8, false, 1 << 16);
        var buffer = new char[1 << 16];
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0) stdout.Write(buffer, 0, read);
        stdout.Flush();
    }

    /// <summary>Deletes the temporary file (after <see cref="Commit"/> there is none left when it was renamed).</summary>
    public void Dispose()
    {
        try
        {
            _stream?.Dispose();
        }
        catch (IOException)
        {
            // A flush failing here (a full disk) repeats the error being reported; the file goes next anyway.
        }
        _stream = null;
        DeleteTemporary();
        foreach (var signal in _signals) signal.Dispose();
    }

    private void DeleteTemporary()
    {
        if (File.Exists(_temp)) File.Delete(_temp);
    }

    /// <summary>A file error re-worded to name the user's path instead of the temporary file.</summary>
    private IOException Named(Exception e)
    {
        string reason = e.Message.Replace(_temp, _shownAs, StringComparison.Ordinal)
            .Replace(Path.GetFileName(_temp), Path.GetFileName(_shownAs), StringComparison.Ordinal);
        return new IOException($"{_shownAs}: cannot write the output: {reason}", e);
    }
}

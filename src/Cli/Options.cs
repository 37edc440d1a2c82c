namespace TapeAD.Cli;

/// <summary><c>--name value</c> options of one subcommand.</summary>
public sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    /// <summary>Parses <c>--name value</c> pairs; a repeated or valueless option is a usage error.</summary>
    public static Options Parse(ReadOnlySpan<string> args)
    {
        var options = new Options();
        for (int i = 0; i < args.Length; i += 2)
        {
            string name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal) || name.Length == 2)
                throw new UsageException($"expected an option like --model, got '{name}'");
            if (i + 1 >= args.Length)
                throw new UsageException($"option {name} needs a value");
            if (!options._values.TryAdd(name[2..], args[i + 1]))
                throw new UsageException($"option {name} is given twice");
        }
        return options;
    }

    /// <summary>The value of an option that must be present.</summary>
    public string Required(string name) =>
        Optional(name) ?? throw new UsageException($"missing option --{name}");

    /// <summary>The value of an option, or null.</summary>
    public string? Optional(string name)
    {
        _read.Add(name);
        return _values.GetValueOrDefault(name);
    }

    /// <summary>An optional non-negative integer option.</summary>
    public int? OptionalIndex(string name)
    {
        string? text = Optional(name);
        if (text == null) return null;
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int value))
            throw new UsageException($"option --{name} expects a non-negative integer, got '{text}'");
        return value;
    }

    /// <summary>Rejects options the subcommand did not read (so a typo is not silently ignored).</summary>
    public void RejectUnknown(string command)
    {
        var unknown = _values.Keys.Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new UsageException($"{command} does not take --{string.Join(", --", unknown)}");
    }
}

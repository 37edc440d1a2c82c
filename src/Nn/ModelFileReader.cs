using System.Text.Json;

namespace TapeAD.Nn;

/// <summary>
/// Checks a parsed model document field by field, so that every malformation is reported with its
/// place rather than surfacing as an exception from inside <see cref="Dense"/> or <see cref="Chain"/>.
/// </summary>
internal static class ModelFileReader
{
    private static readonly string[] ModelFields = ["name", "layers"];
    private static readonly string[] LayerFields = ["in", "out", "activation", "W", "b"];

    public static Chain Read(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source}: invalid JSON: {e.Message}", e);
        }
        using (document)
        {
            var fields = Fields(document.RootElement, source, "the model", ModelFields);
            var name = fields["name"];
            if (name.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(name.GetString()))
                throw Error(source, "field \"name\"", "a non-empty string", name);
            var layers = fields["layers"];
            if (layers.ValueKind != JsonValueKind.Array)
                throw Error(source, "field \"layers\"", "an array of layers", layers);
            if (layers.GetArrayLength() == 0)
                throw new FormatException($"{source}: field \"layers\": expected at least one layer, got an empty array.");

            var dense = new List<Dense>();
            foreach (var layer in layers.EnumerateArray())
            {
                var d = ReadLayer(layer, $"{source}: layer {dense.Count}");
                if (dense.Count > 0 && d.Inputs != dense[^1].Outputs)
                    throw new FormatException(
                        $"{source}: layer {dense.Count}, field \"in\": expected {dense[^1].Outputs} (the \"out\" of layer {dense.Count - 1}), got {d.Inputs}.");
                dense.Add(d);
            }
            return new Chain(name.GetString()!, dense);
        }
    }

    private static Dense ReadLayer(JsonElement layer, string where)
    {
        var fields = Fields(layer, where, "a layer", LayerFields);
        int inputs = Size(fields["in"], where, "in");
        int outputs = Size(fields["out"], where, "out");

        var activation = fields["activation"];
        if (activation.ValueKind != JsonValueKind.String)
            throw Error(where, "field \"activation\"", $"a string naming one of {Activations.ValidNames}", activation);
        if (!Activations.TryParse(activation.GetString(), out var act))
            throw new FormatException($"{where}, field \"activation\": expected one of {Activations.ValidNames}, got \"{activation.GetString()}\".");

        var rows = fields["W"];
        if (rows.ValueKind != JsonValueKind.Array)
            throw Error(where, "field \"W\"", $"an array of {outputs} rows", rows);
        if (rows.GetArrayLength() != outputs)
            throw new FormatException($"{where}, field \"W\": expected {outputs} rows (\"out\"), got {rows.GetArrayLength()}.");
        // Every count is checked against the numbers the document holds before anything is allocated:
        // "in": 2000000000 with a row of two numbers must not ask for 16 GB first. Once every row has
        // "in" numbers, out × in numbers are in the text, so the product fits an int.
        int i = 0;
        foreach (var row in rows.EnumerateArray())
            Count(row, inputs, $"{where}, field \"W\", row {i++}", "\"in\"");
        var b = fields["b"];
        Count(b, outputs, $"{where}, field \"b\"", "\"out\"");
        var weights = new double[outputs * inputs];
        i = 0;
        foreach (var row in rows.EnumerateArray())
        {
            Numbers(row, $"{where}, field \"W\", row {i}", weights.AsSpan(i * inputs, inputs));
            i++;
        }
        var bias = new double[outputs];
        Numbers(b, $"{where}, field \"b\"", bias);
        return new Dense(inputs, outputs, act, weights, bias);
    }

    private static Dictionary<string, JsonElement> Fields(JsonElement e, string where, string what, string[] expected)
    {
        if (e.ValueKind != JsonValueKind.Object)
            throw Error(where, null, $"{what} as a JSON object with fields {string.Join(", ", expected)}", e);
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in e.EnumerateObject())
        {
            if (!expected.Contains(p.Name))
                throw new FormatException($"{where}: unexpected field \"{p.Name}\"; expected only {string.Join(", ", expected)}.");
            if (!fields.TryAdd(p.Name, p.Value))
                throw new FormatException($"{where}: field \"{p.Name}\" appears more than once.");
        }
        var missing = expected.Where(f => !fields.ContainsKey(f)).ToArray();
        if (missing.Length > 0)
            throw new FormatException($"{where}: missing field{(missing.Length > 1 ? "s" : "")} {string.Join(", ", missing.Select(m => $"\"{m}\""))}; expected {string.Join(", ", expected)}.");
        return fields;
    }

    private static int Size(JsonElement e, string where, string field)
    {
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out int n) || n < 1)
            throw Error(where, $"field \"{field}\"", "a whole number of at least 1", e);
        return n;
    }

    private static void Count(JsonElement e, int count, string where, string countField)
    {
        if (e.ValueKind != JsonValueKind.Array)
            throw Error(where, null, $"an array of {count} numbers", e);
        if (e.GetArrayLength() != count)
            throw new FormatException($"{where}: expected {count} numbers ({countField}), got {e.GetArrayLength()}.");
    }

    /// <summary>Reads an array already checked by <see cref="Count"/> into <paramref name="into"/>.</summary>
    private static void Numbers(JsonElement e, string where, Span<double> into)
    {
        int j = 0;
        foreach (var v in e.EnumerateArray())
        {
            // TryGetDouble accepts 1e400 as infinity; a model's parameters must be finite.
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out double value) || !double.IsFinite(value))
                throw Error(where, $"element {j}", "a finite number", v);
            into[j++] = value;
        }
    }

    private static FormatException Error(string where, string? field, string expected, JsonElement got)
    {
        string place = field == null ? where : $"{where}, {field}";
        return new FormatException($"{place}: expected {expected}, got {Describe(got)}.");
    }

    private static string Describe(JsonElement e)
    {
        string text = e.GetRawText();
        if (text.Length > 40) text = text[..37] + "...";
        string kind = e.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "the number",
            JsonValueKind.True or JsonValueKind.False => "the boolean",
            _ => "",
        };
        return kind.Length == 0 ? text : $"{kind} {text}";
    }
}

using System.Buffers;
using System.Text;
using System.Text.Json;

namespace TapeAD.Nn;

/// <summary>
/// Reads and writes models as JSON:
/// <c>{"name":"seed","layers":[{"in":5,"out":3,"activation":"elu","W":[[...],...],"b":[...]},...]}</c>,
/// where <c>W</c> holds <c>out</c> rows of <c>in</c> numbers. Numbers are written in their shortest
/// round-trip form, so loading a saved model gives the same bits.
/// </summary>
/// <remarks>
/// A malformed model throws <see cref="FormatException"/> whose message says where (layer index,
/// field, row, column), what was expected and what came: invalid JSON, a missing, unknown or repeated
/// field, a wrong count of rows or numbers, a value that is not a finite number, an unknown activation
/// (with the valid names), layers whose sizes do not connect, or no layers at all. Every size is
/// checked against the numbers the document holds before anything is allocated, so a layer claiming
/// <c>"in": 2000000000</c> with a row of two numbers is refused at once, naming the row.
/// </remarks>
public static class ModelFile
{
    /// <summary>Reads a model from JSON text.</summary>
    /// <exception cref="FormatException">When the text is not a valid model (see the remarks on <see cref="ModelFile"/>).</exception>
    public static Chain Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return ModelFileReader.Read(json, "model JSON");
    }

    /// <summary>Reads a model file.</summary>
    /// <exception cref="FormatException">When the file is not a valid model; the message starts with the path.</exception>
    /// <exception cref="IOException">When the file cannot be read (e.g. <see cref="FileNotFoundException"/>).</exception>
    public static Chain Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ModelFileReader.Read(File.ReadAllText(path), $"model file '{path}'");
    }

    /// <summary>Writes a model as compact JSON.</summary>
    public static string ToJson(Chain chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("name", chain.Name);
            w.WriteStartArray("layers");
            foreach (var layer in chain.Layers) WriteLayer(w, layer);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes a model file (UTF-8), replacing any file at <paramref name="path"/>.</summary>
    public static void Save(Chain chain, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        File.WriteAllText(path, ToJson(chain));
    }

    private static void WriteLayer(Utf8JsonWriter w, Dense layer)
    {
        w.WriteStartObject();
        w.WriteNumber("in", layer.Inputs);
        w.WriteNumber("out", layer.Outputs);
        w.WriteString("activation", Activations.NameOf(layer.Activation));
        w.WriteStartArray("W");
        for (int i = 0; i < layer.Outputs; i++)
            WriteNumbers(w, null, layer.Weights.Slice(i * layer.Inputs, layer.Inputs));
        w.WriteEndArray();
        WriteNumbers(w, "b", layer.Bias);
        w.WriteEndObject();
    }

    // Utf8JsonWriter formats doubles in their shortest round-trip form.
    private static void WriteNumbers(Utf8JsonWriter w, string? name, ReadOnlySpan<double> values)
    {
        if (name == null) w.WriteStartArray();
        else w.WriteStartArray(name);
        foreach (double v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }
}

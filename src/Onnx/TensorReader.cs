using System.Buffers.Binary;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace TapeAD.Onnx;

/// <summary>Reads the values of an ONNX <see cref="TensorProto"/> (initializers, Constant nodes) as doubles.</summary>
internal static class TensorReader
{
    /// <summary>The element types a tensor may have; float32 is widened to double, integers (shapes, axes) are exact to 2^53.</summary>
    public const string Supported = "float32, float64, int32, int64, bool";

    /// <summary>Shape and row-major values of <paramref name="tensor"/>; <paramref name="owner"/> starts error messages.</summary>
    /// <remarks>The shape is checked against the number of values the file holds before anything is
    /// allocated, so a shape claiming billions of elements costs nothing (<see cref="OnnxLimits"/>).</remarks>
    public static (int[] Shape, double[] Values) Read(TensorProto tensor, string owner)
    {
        string what = $"{owner}: tensor '{tensor.Name}'";
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
            throw new NotSupportedException($"{what} keeps its data in an external file, which is not supported (save the model with its weights inside).");
        var dims = tensor.Dims;
        for (int d = 0; d < dims.Count; d++)
            if (dims[d] < 0) throw new InvalidDataException($"{what} has dimension {d} of size {dims[d]}.");
        var type = (DataType)tensor.DataType;
        int width = type switch
        {
            DataType.Float or DataType.Int32 => 4,
            DataType.Double or DataType.Int64 => 8,
            // Bool (Where's condition): one byte each in raw data, an int32 each otherwise; 1 for true.
            DataType.Bool => 1,
            _ => throw new NotSupportedException($"{what} has element type {ElementTypeName(tensor.DataType)}; supported: {Supported}."),
        };
        var raw = tensor.RawData.Span;
        if (raw.Length % width != 0)
            throw new InvalidDataException($"{what} has {raw.Length} bytes of raw data, not a multiple of its element size {width}.");
        int count = !raw.IsEmpty ? raw.Length / width : type switch
        {
            DataType.Float => tensor.FloatData.Count,
            DataType.Double => tensor.DoubleData.Count,
            DataType.Int64 => tensor.Int64Data.Count,
            _ => tensor.Int32Data.Count,
        };
        long size = OnnxLimits.ElementCount(dims);
        string shape = $"[{string.Join(", ", dims)}]";
        if (size != count)
            throw new InvalidDataException($"{what} has {count} values for shape {shape} ({(size == long.MaxValue ? "more than 2^63" : size)} expected).");
        // Dimensions of 0 leave the tensor empty whatever the others say; bound them like a computed tensor.
        if (OnnxLimits.TooLarge(dims, Math.Max(OnnxLimits.MaxElements, count)) is { } tooLarge)
            throw new NotSupportedException($"{what}: {tooLarge}.");

        var values = new double[count];
        if (!raw.IsEmpty)
        {
            for (int i = 0; i < count; i++)
            {
                var bytes = raw.Slice(i * width, width);
                values[i] = type switch
                {
                    DataType.Float => BinaryPrimitives.ReadSingleLittleEndian(bytes),
                    DataType.Double => BinaryPrimitives.ReadDoubleLittleEndian(bytes),
                    DataType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(bytes),
                    DataType.Bool => bytes[0] != 0 ? 1.0 : 0.0,
                    _ => BinaryPrimitives.ReadInt32LittleEndian(bytes),
                };
            }
        }
        else
        {
            for (int i = 0; i < count; i++)
                values[i] = type switch
                {
                    DataType.Float => tensor.FloatData[i],
                    DataType.Double => tensor.DoubleData[i],
                    DataType.Int64 => tensor.Int64Data[i],
                    DataType.Bool => tensor.Int32Data[i] != 0 ? 1.0 : 0.0,
                    _ => tensor.Int32Data[i],
                };
        }
        return (Array.ConvertAll(dims.ToArray(), d => (int)d), values);
    }

    /// <summary>A readable name for an ONNX element type code ("float32", "int64", ...).</summary>
    public static string ElementTypeName(int dataType) => (DataType)dataType switch
    {
        DataType.Float => "float32",
        DataType.Double => "float64",
        DataType.Float16 => "float16",
        DataType.Bfloat16 => "bfloat16",
        DataType.Int8 => "int8",
        DataType.Int16 => "int16",
        DataType.Int32 => "int32",
        DataType.Int64 => "int64",
        DataType.Uint8 => "uint8",
        DataType.Bool => "bool",
        DataType.String => "string",
        var other => other.ToString().ToLowerInvariant(),
    };
}

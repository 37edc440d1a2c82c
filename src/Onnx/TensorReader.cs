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
    public static (int[] Shape, double[] Values) Read(TensorProto tensor, string owner)
    {
        string what = $"{owner}: tensor '{tensor.Name}'";
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
            throw new NotSupportedException($"{what} keeps its data in an external file, which is not supported (save the model with its weights inside).");
        var shape = new int[tensor.Dims.Count];
        for (int d = 0; d < shape.Length; d++)
            shape[d] = tensor.Dims[d] is >= 0 and <= int.MaxValue ? (int)tensor.Dims[d]
                : throw new InvalidDataException($"{what} has dimension {d} of size {tensor.Dims[d]}.");
        long size = Tensor.SizeOf(shape);
        var raw = tensor.RawData.Span;
        double[] values = (DataType)tensor.DataType switch
        {
            DataType.Float => raw.IsEmpty ? tensor.FloatData.Select(v => (double)v).ToArray()
                : FromRaw(raw, 4, what, b => BinaryPrimitives.ReadSingleLittleEndian(b)),
            DataType.Double => raw.IsEmpty ? tensor.DoubleData.ToArray()
                : FromRaw(raw, 8, what, BinaryPrimitives.ReadDoubleLittleEndian),
            DataType.Int64 => raw.IsEmpty ? tensor.Int64Data.Select(v => (double)v).ToArray()
                : FromRaw(raw, 8, what, b => BinaryPrimitives.ReadInt64LittleEndian(b)),
            DataType.Int32 => raw.IsEmpty ? tensor.Int32Data.Select(v => (double)v).ToArray()
                : FromRaw(raw, 4, what, b => BinaryPrimitives.ReadInt32LittleEndian(b)),
            // Bool (Where's condition): one byte each in raw data, an int32 each otherwise; 1 for true.
            DataType.Bool => raw.IsEmpty ? tensor.Int32Data.Select(v => v != 0 ? 1.0 : 0.0).ToArray()
                : FromRaw(raw, 1, what, b => b[0] != 0 ? 1.0 : 0.0),
            _ => throw new NotSupportedException($"{what} has element type {ElementTypeName(tensor.DataType)}; supported: {Supported}."),
        };
        if (values.Length != size)
            throw new InvalidDataException($"{what} has {values.Length} values for shape {Tensor.Format(shape)} ({size} expected).");
        return (shape, values);
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

    private delegate double ElementReader(ReadOnlySpan<byte> bytes);

    private static double[] FromRaw(ReadOnlySpan<byte> raw, int width, string what, ElementReader read)
    {
        if (raw.Length % width != 0)
            throw new InvalidDataException($"{what} has {raw.Length} bytes of raw data, not a multiple of its element size {width}.");
        var values = new double[raw.Length / width];
        for (int i = 0; i < values.Length; i++) values[i] = read(raw.Slice(i * width, width));
        return values;
    }
}

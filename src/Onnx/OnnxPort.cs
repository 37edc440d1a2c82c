namespace TapeAD.Onnx;

/// <summary>
/// A graph input or output of an imported model and where its elements sit in the function's
/// input or output vector (row-major, after the ports declared before it).
/// </summary>
/// <param name="Name">The ONNX value name.</param>
/// <param name="ElementType">The declared element type, e.g. "float32" or "float64" (the tape computes in double).</param>
/// <param name="DeclaredShape">The shape as the file declares it, symbolic dimensions by name, e.g. "[batch, 4]".</param>
/// <param name="Shape">The shape used: a symbolic batch dimension is 1.</param>
/// <param name="Offset">Index of the first element in the concatenated input (or output) vector.</param>
/// <param name="Length">Number of elements.</param>
public sealed record OnnxPort(string Name, string ElementType, string DeclaredShape, IReadOnlyList<int> Shape, int Offset, int Length);

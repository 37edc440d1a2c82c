namespace TapeAD.Compiler;

/// <summary>The signature of every compiled method: reads inputs from <paramref name="x"/>, writes
/// results to <paramref name="result"/>, and passes values to later methods of the same graph through
/// <paramref name="scratch"/>. All three lengths are checked before the call.</summary>
internal delegate void GraphMethod(ReadOnlySpan<double> x, Span<double> result, Span<double> scratch);

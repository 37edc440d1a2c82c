using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TapeAD.Runtime;

namespace TapeAD.Compiler;

/// <summary>A graph compiled for SIMD lanes: evaluates batch rows a vector's width at a time.</summary>
internal interface IVectorKernel
{
    /// <summary>Inputs per instruction.</summary>
    int Width { get; }

    /// <summary>Rows <paramref name="start"/> up to <paramref name="end"/> (exclusive) of <paramref name="batch"/>.</summary>
    void RunRows(in BatchSpan batch, int start, int end, int inputLength, int outputLength);
}

internal static class VectorKernel
{
    /// <summary>Compiles <paramref name="plan"/> for <paramref name="lanes"/>; null when there are none
    /// (no accelerated vectors: the batch runs row by row).</summary>
    [RequiresDynamicCode("Compiles expression trees to IL; only called where dynamic code is supported.")]
    public static IVectorKernel? Compile(UsePlan plan, string description, CompilerOptions options, VectorEmission? lanes) => lanes?.Width switch
    {
        null => null,
        4 => VectorKernel<Vector256<double>>.Compile(plan, description, options, lanes),
        _ => VectorKernel<Vector512<double>>.Compile(plan, description, options, lanes),
    };
}

/// <summary>
/// A graph compiled for <typeparamref name="TVector"/> lanes (<see cref="VectorEmission"/>): one call
/// evaluates a vector's width of inputs, each lane with exactly the bits
/// <see cref="CompiledFunction.Evaluate(ReadOnlySpan{double}, Span{double})"/> gives that input.
/// Rows are transposed into structure-of-arrays buffers each thread allocates once; a last group
/// short of a full vector is padded with zero rows whose results are dropped.
/// </summary>
internal sealed unsafe class VectorKernel<TVector>(VectorMethod<TVector>[] methods, int scratchLength) : IVectorKernel
    where TVector : struct
{
    [ThreadStatic] private static TVector[]? _x, _y, _scratch;

    public int Width { get; } = Unsafe.SizeOf<TVector>() / sizeof(double);

    [RequiresDynamicCode("Compiles expression trees to IL; only called where dynamic code is supported.")]
    public static VectorKernel<TVector> Compile(UsePlan plan, string description, CompilerOptions options, VectorEmission lanes)
    {
        var (methods, scratchLength, _) = MethodCompiler.CompileMethods<VectorMethod<TVector>>(plan, lanes, description, options);
        return new VectorKernel<TVector>(methods, scratchLength);
    }

    // Fully optimised from the first call, as CompiledFunction.Evaluate: at tier 0 every vector copy
    // goes through memory, and the transposes here would cost more than the graph.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void RunRows(in BatchSpan batch, int start, int end, int inputLength, int outputLength)
    {
        var x = Buffer(ref _x, inputLength);
        var y = Buffer(ref _y, outputLength);
        var scratch = Buffer(ref _scratch, scratchLength);
        var xs = MemoryMarshal.Cast<TVector, double>(x.AsSpan(0, inputLength));
        var ys = MemoryMarshal.Cast<TVector, double>(y.AsSpan(0, outputLength));
        int w = Width;
        for (int r = start; r < end; r += w)
        {
            int lanes = Math.Min(w, end - r);
            if (lanes < w) xs.Clear();
            for (int l = 0; l < lanes; l++)
            {
                double* row = batch.Inputs + (long)(r + l) * inputLength;
                for (int j = 0; j < inputLength; j++) xs[j * w + l] = row[j];
            }
            foreach (var method in methods) method(x, y, scratch);
            for (int l = 0; l < lanes; l++)
            {
                double* row = batch.Results + (long)(r + l) * outputLength;
                for (int i = 0; i < outputLength; i++) row[i] = ys[i * w + l];
            }
        }
    }

    private static TVector[] Buffer(ref TVector[]? buffer, int length)
    {
        if (buffer == null || buffer.Length < length) buffer = new TVector[Math.Max(length, 1)];
        return buffer;
    }
}

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

    /// <summary>Independent groups of <see cref="Width"/> inputs per call of the compiled methods.</summary>
    int Groups { get; }

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
/// evaluates <see cref="Groups"/> interleaved groups of a vector's width of inputs (<see cref="BatchGroups"/>),
/// each lane with exactly the bits <see cref="CompiledFunction.Evaluate(ReadOnlySpan{double}, Span{double})"/>
/// gives that input. Rows are transposed (<see cref="LaneTranspose"/>) into structure-of-arrays buffers
/// each thread allocates once; a last call short of its rows is padded with zero rows whose results are dropped.
/// </summary>
internal sealed class VectorKernel<TVector> : IVectorKernel where TVector : struct
{
    [ThreadStatic] private static TVector[]? _x, _y, _scratch;

    private readonly VectorMethod<TVector>[] _methods;
    private readonly TVector[][] _constants;
    private readonly int _scratchLength;

    private VectorKernel(VectorMethod<TVector>[] methods, double[][] constants, int scratchLength, int groups)
    {
        _methods = methods;
        _scratchLength = scratchLength;
        Groups = groups;
        // Each constant broadcast to every lane, once, for the life of the kernel.
        _constants = new TVector[constants.Length][];
        for (int m = 0; m < constants.Length; m++)
        {
            var table = new TVector[constants[m].Length];
            var lanes = MemoryMarshal.Cast<TVector, double>(table.AsSpan());
            for (int k = 0; k < table.Length; k++) lanes.Slice(k * Width, Width).Fill(constants[m][k]);
            _constants[m] = table;
        }
    }

    public int Width { get; } = Unsafe.SizeOf<TVector>() / sizeof(double);

    public int Groups { get; }

    [RequiresDynamicCode("Compiles expression trees to IL; only called where dynamic code is supported.")]
    public static VectorKernel<TVector> Compile(UsePlan plan, string description, CompilerOptions options, VectorEmission lanes)
    {
        int groups = BatchGroups.For(plan, options);
        var (methods, constants, scratchLength, _) = MethodCompiler.CompileMethods<VectorMethod<TVector>>(plan, lanes, description, options, groups);
        return new VectorKernel<TVector>(methods, constants, scratchLength, groups);
    }

    // Fully optimised from the first call, as CompiledFunction.Evaluate: at tier 0 every vector copy
    // goes through memory, and the transposes here would cost more than the graph.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public unsafe void RunRows(in BatchSpan batch, int start, int end, int inputLength, int outputLength)
    {
        // Group g's value j is vector j * Groups + g: as one vector Groups times wider, lane l of
        // which is row l of the call's rows, so the transposes need not know about groups.
        int groups = Groups;
        int paddedInputs = LaneTranspose.PaddedLength(inputLength) * groups, paddedOutputs = LaneTranspose.PaddedLength(outputLength) * groups;
        var x = Buffer(ref _x, paddedInputs);
        var y = Buffer(ref _y, paddedOutputs);
        var scratch = Buffer(ref _scratch, _scratchLength);
        var xs = MemoryMarshal.Cast<TVector, double>(x.AsSpan(0, paddedInputs));
        var ys = MemoryMarshal.Cast<TVector, double>(y.AsSpan());
        int w = Width * groups;
        for (int r = start; r < end; r += w)
        {
            int lanes = Math.Min(w, end - r);
            if (lanes < w) xs.Clear();
            LaneTranspose.RowsToLanes(ref batch.Inputs[(long)r * inputLength], inputLength, lanes, ref MemoryMarshal.GetReference(xs), w,
                (long)(batch.Rows - r) * inputLength);
            for (int m = 0; m < _methods.Length; m++) _methods[m](x, y, scratch, _constants[m]);
            LaneTranspose.LanesToRows(ref MemoryMarshal.GetReference(ys), w, lanes, ref batch.Results[(long)r * outputLength], outputLength);
        }
    }

    private static TVector[] Buffer(ref TVector[]? buffer, int length)
    {
        if (buffer == null || buffer.Length < length) buffer = new TVector[Math.Max(length, 1)];
        return buffer;
    }
}

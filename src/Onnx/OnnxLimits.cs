namespace TapeAD.Onnx;

/// <summary>
/// What the importer accepts from a file, checked before anything is allocated, so that a hostile
/// or corrupt file gives an exception naming what is wrong instead of an overflow, a wrapped size or
/// an allocation of gigabytes.
/// </summary>
/// <remarks>
/// Sizes read from a file are multiplied as <see cref="long"/> that saturate, never wrap: dims
/// <c>[1073741824, 1073741824, 16]</c> are 2^64 elements, not 0. A tensor whose data is in the file
/// (an initializer, a Constant) must hold exactly as many values as its shape says. A tensor whose
/// size the file only declares (a graph input) or that an operator computes is limited to
/// <see cref="MaxElements"/>; the graph inputs together to <see cref="MaxInputLength"/>.
/// </remarks>
public static class OnnxLimits
{
    /// <summary>Most elements of one graph input or computed value (a 2048 × 2048 matrix): every
    /// element is a tape node, so this bounds the memory a few bytes of shape can ask for.</summary>
    public const int MaxElements = 1 << 22;

    /// <summary>Most numbers in the function's input (all graph inputs together).</summary>
    public const int MaxInputLength = 1 << 20;

    /// <summary>The default-domain operator sets whose rules the importer implements: from 7, where
    /// broadcasting became numpy's and Gemm lost its <c>broadcast</c> attribute, to 23; a newer set may
    /// change an operator's meaning, so it is refused rather than guessed.</summary>
    public const long MinOpset = 7, MaxOpset = 23;

    /// <summary>The ONNX IR versions the importer reads: 3 (the first with operator sets) to 11.</summary>
    public const long MinIrVersion = 3, MaxIrVersion = 11;

    /// <summary>The product of <paramref name="dims"/>, saturating at <see cref="long.MaxValue"/>
    /// (so it never wraps); 0 when a dimension is 0. Dimensions must be non-negative.</summary>
    internal static long ElementCount(IEnumerable<long> dims)
    {
        long count = 1;
        bool saturated = false;
        foreach (long d in dims)
        {
            if (d == 0) return 0;
            if (saturated || count > long.MaxValue / d) saturated = true;
            else count *= d;
        }
        return saturated ? long.MaxValue : count;
    }

    /// <inheritdoc cref="ElementCount(IEnumerable{long})"/>
    internal static long ElementCount(IEnumerable<int> dims) => ElementCount(dims.Select(d => (long)d));

    /// <summary>The product of the non-zero dimensions, saturating: what an index over the shape can
    /// reach, which stays bounded even when a dimension of 0 leaves the tensor empty.</summary>
    internal static long Extent(IEnumerable<long> dims) => ElementCount(dims.Select(d => d == 0 ? 1 : d));

    /// <inheritdoc cref="Extent(IEnumerable{long})"/>
    internal static long Extent(IEnumerable<int> dims) => Extent(dims.Select(d => (long)d));

    /// <summary>Why a tensor of <paramref name="shape"/> is refused, or null when its extent is within
    /// <paramref name="allowed"/> (<see cref="MaxElements"/>, or more for a tensor whose values the file holds).
    /// Counting the extent refuses <c>[0, 2^31-1, 2^31-1]</c> too, whose index arithmetic would overflow.</summary>
    internal static string? TooLarge(IReadOnlyCollection<long> shape, long allowed = MaxElements)
    {
        long extent = Extent(shape);
        return extent <= allowed ? null
            : $"shape [{string.Join(", ", shape)}] spans {FormatCount(extent)} elements, more than the {allowed} a tensor may have here";
    }

    /// <inheritdoc cref="TooLarge(IReadOnlyCollection{long}, long)"/>
    internal static string? TooLarge(IEnumerable<int> shape, long allowed = MaxElements) => TooLarge(shape.Select(d => (long)d).ToArray(), allowed);

    /// <summary>Refuses an operator set or IR version outside the supported ranges, naming them.</summary>
    internal static void CheckVersions(long irVersion, long opset, string name)
    {
        if (irVersion < MinIrVersion || irVersion > MaxIrVersion)
            throw new NotSupportedException($"{name}: ONNX IR version {irVersion} is not supported; supported: {MinIrVersion} to {MaxIrVersion}.");
        if (opset < MinOpset || opset > MaxOpset)
            throw new NotSupportedException($"{name}: the default ONNX operator set is version {opset}, which is not supported; supported: {MinOpset} to {MaxOpset} (export with e.g. opset_version=17).");
    }

    private static string FormatCount(long n) => n == long.MaxValue ? "more than 2^63" : n.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

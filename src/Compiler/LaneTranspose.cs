using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TapeAD.Compiler;

/// <summary>
/// Moves a group of batch rows into the structure-of-arrays layout the SIMD form of a graph reads
/// (value <c>j</c> of lane <c>l</c> at <c>j * width + l</c>) and its results back into rows. With AVX
/// every number goes through 4×4 transposes of <see cref="Vector256{T}"/> blocks, done as 16-byte
/// halves and one in-lane shuffle per vector (no cross-lane shuffle). A lane-by-lane copy costs about
/// ten instructions per number, which on the seed Hessian (75 results per row) took longer than the
/// graph itself. Numbers are only moved, never computed, so a lane's bits are its row's whatever the layout.
/// </summary>
/// <remarks>
/// The structure-of-arrays side holds a whole number of 4-value blocks (<see cref="PaddedLength"/>).
/// Rows whose length is not a multiple of 4 end in a partial block. Reading one whole reads the head
/// of the next row, harmless wherever the batch's inputs go on. Writing one whole spills into the
/// head of the next row, so partial blocks are written first, rows in order, and the whole blocks
/// after them; the group's last row writes its partial block number by number, so nothing outside
/// the group's own result rows is written and groups on different threads never touch.
/// </remarks>
internal static class LaneTranspose
{
    /// <summary>Values of a structure-of-arrays buffer for rows of <paramref name="rowLength"/>: a whole number of 4-value blocks.</summary>
    public static int PaddedLength(int rowLength) => (rowLength + 3) & ~3;

    /// <summary>Copies <paramref name="lanes"/> rows of <paramref name="rowLength"/> numbers, one after
    /// another from <paramref name="rows"/>, into <paramref name="columns"/> (<paramref name="width"/>
    /// lanes per value, <see cref="PaddedLength"/> values); <paramref name="readable"/> numbers may be
    /// read from <paramref name="rows"/> on. Lanes of a 4-lane block past <paramref name="lanes"/> get
    /// zeros; blocks wholly past it are left as they are.</summary>
    public static void RowsToLanes(ref double rows, int rowLength, int lanes, ref double columns, int width, long readable)
    {
        nuint stride = (nuint)rowLength, w = (nuint)width;
        if (!Avx.IsSupported)
        {
            for (int l = 0; l < lanes; l++)
                for (int j = 0; j < rowLength; j++)
                    Unsafe.Add(ref columns, (nuint)j * w + (nuint)l) = Unsafe.Add(ref rows, (nuint)l * stride + (nuint)j);
            return;
        }
        int padded = PaddedLength(rowLength);
        for (int l = 0; l < lanes; l += 4)
        {
            ref double row = ref Unsafe.Add(ref rows, (nuint)l * stride);
            ref double lane = ref Unsafe.Add(ref columns, l);
            long left = readable - (long)l * rowLength;
            if (lanes - l >= 4 && 3L * rowLength + padded <= left) WholeRowsToLanes(ref row, stride, ref lane, w, padded);
            else EdgeRowsToLanes(ref row, stride, Math.Min(4, lanes - l), (nuint)Math.Min(left, 4L * rowLength), ref lane, w, rowLength);
        }
    }

    // Whole 4-value blocks of four rows, in a method of its own so that the JIT keeps its pointers in registers.
    private static void WholeRowsToLanes(ref double row, nuint stride, ref double lane, nuint w, int length)
    {
        for (int j = 0; j < length; j += 4)
        {
            // Halves of rows a and c, b and d, paired on load: one in-lane shuffle per output vector.
            ref double a = ref Unsafe.Add(ref row, j);
            ref double b = ref Unsafe.Add(ref a, stride);
            ref double c = ref Unsafe.Add(ref a, 2 * stride);
            ref double d = ref Unsafe.Add(ref a, 3 * stride);
            var ac01 = Avx.InsertVector128(Vector128.LoadUnsafe(ref a).ToVector256Unsafe(), Vector128.LoadUnsafe(ref c), 1);
            var bd01 = Avx.InsertVector128(Vector128.LoadUnsafe(ref b).ToVector256Unsafe(), Vector128.LoadUnsafe(ref d), 1);
            var ac23 = Avx.InsertVector128(Vector128.LoadUnsafe(ref a, 2).ToVector256Unsafe(), Vector128.LoadUnsafe(ref c, 2), 1);
            var bd23 = Avx.InsertVector128(Vector128.LoadUnsafe(ref b, 2).ToVector256Unsafe(), Vector128.LoadUnsafe(ref d, 2), 1);
            ref double to = ref Unsafe.Add(ref lane, (nuint)j * w);
            Avx.UnpackLow(ac01, bd01).StoreUnsafe(ref to);          // a0 b0 c0 d0
            Avx.UnpackHigh(ac01, bd01).StoreUnsafe(ref to, w);      // a1 b1 c1 d1
            Avx.UnpackLow(ac23, bd23).StoreUnsafe(ref to, 2 * w);   // a2 b2 c2 d2
            Avx.UnpackHigh(ac23, bd23).StoreUnsafe(ref to, 3 * w);  // a3 b3 c3 d3
        }
    }

    // The batch's last rows: fewer than four, or the last partial block readable only in part. Loads
    // what `readable` holds, zeros past it and for absent rows.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void EdgeRowsToLanes(ref double row, nuint stride, int present, nuint readable, ref double lane, nuint w, int rowLength)
    {
        for (int j = 0; j < rowLength; j += 4)
        {
            var a = Load(ref row, (nuint)j, readable);
            var b = present > 1 ? Load(ref row, stride + (nuint)j, readable) : default;
            var c = present > 2 ? Load(ref row, 2 * stride + (nuint)j, readable) : default;
            var d = present > 3 ? Load(ref row, 3 * stride + (nuint)j, readable) : default;
            Transpose(ref a, ref b, ref c, ref d);
            ref double to = ref Unsafe.Add(ref lane, (nuint)j * w);
            a.StoreUnsafe(ref to);
            b.StoreUnsafe(ref to, w);
            c.StoreUnsafe(ref to, 2 * w);
            d.StoreUnsafe(ref to, 3 * w);
        }
    }

    /// <summary>Copies the first <paramref name="lanes"/> lanes of <paramref name="columns"/>
    /// (<paramref name="width"/> lanes per value, <see cref="PaddedLength"/> values) out as rows of
    /// <paramref name="rowLength"/>, one after another from <paramref name="rows"/>.</summary>
    public static void LanesToRows(ref double columns, int width, int lanes, ref double rows, int rowLength)
    {
        nuint stride = (nuint)rowLength, w = (nuint)width;
        if (!Avx.IsSupported)
        {
            for (int l = 0; l < lanes; l++)
                for (int j = 0; j < rowLength; j++)
                    Unsafe.Add(ref rows, (nuint)l * stride + (nuint)j) = Unsafe.Add(ref columns, (nuint)j * w + (nuint)l);
            return;
        }
        int tail = rowLength & ~3;
        nuint writable = (nuint)lanes * stride;
        for (int l = 0; l < lanes; l += 4)
        {
            ref double row = ref Unsafe.Add(ref rows, (nuint)l * stride);
            ref double lane = ref Unsafe.Add(ref columns, l);
            int present = Math.Min(4, lanes - l);
            nuint left = writable - (nuint)l * stride;
            // The partial block first: a whole store of it spills into later rows' heads, written below or later.
            if (tail < rowLength) StoreBlock(ref lane, w, tail, present, ref row, stride, left);
            if (present == 4) WholeLanesToRows(ref lane, w, ref row, stride, tail);
            else
                for (int j = 0; j < tail; j += 4) StoreBlock(ref lane, w, j, present, ref row, stride, left);
        }
    }

    // Whole 4-value blocks of four lanes, as WholeRowsToLanes.
    private static void WholeLanesToRows(ref double lane, nuint w, ref double row, nuint stride, int length)
    {
        for (int j = 0; j < length; j += 4)
        {
            ref double from = ref Unsafe.Add(ref lane, (nuint)j * w);
            var v0 = Vector256.LoadUnsafe(ref from);
            var v1 = Vector256.LoadUnsafe(ref from, w);
            var v2 = Vector256.LoadUnsafe(ref from, 2 * w);
            var v3 = Vector256.LoadUnsafe(ref from, 3 * w);
            // Rows a and c, b and d, in halves: one in-lane shuffle per vector, then 16-byte stores.
            var ac01 = Avx.UnpackLow(v0, v1);   // a0 a1 | c0 c1
            var bd01 = Avx.UnpackHigh(v0, v1);  // b0 b1 | d0 d1
            var ac23 = Avx.UnpackLow(v2, v3);   // a2 a3 | c2 c3
            var bd23 = Avx.UnpackHigh(v2, v3);  // b2 b3 | d2 d3
            ref double a = ref Unsafe.Add(ref row, j);
            ref double b = ref Unsafe.Add(ref a, stride);
            ref double c = ref Unsafe.Add(ref a, 2 * stride);
            ref double d = ref Unsafe.Add(ref a, 3 * stride);
            ac01.GetLower().StoreUnsafe(ref a);
            ac23.GetLower().StoreUnsafe(ref a, 2);
            bd01.GetLower().StoreUnsafe(ref b);
            bd23.GetLower().StoreUnsafe(ref b, 2);
            ac01.GetUpper().StoreUnsafe(ref c);
            ac23.GetUpper().StoreUnsafe(ref c, 2);
            bd01.GetUpper().StoreUnsafe(ref d);
            bd23.GetUpper().StoreUnsafe(ref d, 2);
        }
    }

    // Values j..j+3 of the first `present` lanes of a 4-lane block to their rows, none at or past `writable`.
    private static void StoreBlock(ref double lane, nuint w, int j, int present, ref double row, nuint stride, nuint writable)
    {
        ref double from = ref Unsafe.Add(ref lane, (nuint)j * w);
        var a = Vector256.LoadUnsafe(ref from);
        var b = Vector256.LoadUnsafe(ref from, w);
        var c = Vector256.LoadUnsafe(ref from, 2 * w);
        var d = Vector256.LoadUnsafe(ref from, 3 * w);
        Transpose(ref a, ref b, ref c, ref d);
        Store(a, ref row, (nuint)j, writable);
        if (present > 1) Store(b, ref row, stride + (nuint)j, writable);
        if (present > 2) Store(c, ref row, 2 * stride + (nuint)j, writable);
        if (present > 3) Store(d, ref row, 3 * stride + (nuint)j, writable);
    }

    // Four numbers from offset `at`, those at or past `end` read as zero.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Load(ref double source, nuint at, nuint end)
    {
        if (at + 4 <= end) return Vector256.LoadUnsafe(ref source, at);
        if (at >= end) return Vector256<double>.Zero;
        ref double from = ref Unsafe.Add(ref source, at);
        return (end - at) switch
        {
            1 => Vector256.CreateScalar(from),
            2 => Vector128.LoadUnsafe(ref from).ToVector256(),
            _ => Vector256.Create(Vector128.LoadUnsafe(ref from), Vector128.CreateScalar(Unsafe.Add(ref from, 2))),
        };
    }

    // Four numbers to offset `at`, but none at or past `end`.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector256<double> value, ref double target, nuint at, nuint end)
    {
        if (at + 4 <= end)
        {
            value.StoreUnsafe(ref target, at);
            return;
        }
        if (at >= end) return;
        ref double to = ref Unsafe.Add(ref target, at);
        if (end - at == 1)
        {
            to = value.ToScalar();
            return;
        }
        value.GetLower().StoreUnsafe(ref to);
        if (end - at == 3) Unsafe.Add(ref to, 2) = value.GetElement(2);
    }

    // Rows a, b, c, d of a 4×4 block become its columns. Only reached when AVX is supported.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(ref Vector256<double> a, ref Vector256<double> b, ref Vector256<double> c, ref Vector256<double> d)
    {
        var ab0 = Avx.UnpackLow(a, b);   // a0 b0 a2 b2
        var ab1 = Avx.UnpackHigh(a, b);  // a1 b1 a3 b3
        var cd0 = Avx.UnpackLow(c, d);   // c0 d0 c2 d2
        var cd1 = Avx.UnpackHigh(c, d);  // c1 d1 c3 d3
        a = Avx.Permute2x128(ab0, cd0, 0x20);
        b = Avx.Permute2x128(ab1, cd1, 0x20);
        c = Avx.Permute2x128(ab0, cd0, 0x31);
        d = Avx.Permute2x128(ab1, cd1, 0x31);
    }
}

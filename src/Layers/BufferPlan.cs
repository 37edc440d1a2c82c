namespace TapeAD.Layers;

/// <summary>
/// Offsets in a query's workspace, planned once: first fit from a free list, so buffers that are no
/// longer needed are reused by later nodes (a chain ping-pongs between two buffers, as hand-written
/// code would) and a block's working set stays in the cache.
/// </summary>
internal sealed class BufferPlan
{
    private readonly List<(long Offset, long Size)> _free = [];

    /// <summary>The end of the highest buffer handed out: the workspace length.</summary>
    public long Length { get; private set; }

    /// <summary>An offset for <paramref name="size"/> doubles, rounded up to whole cache lines.</summary>
    public long Rent(long size)
    {
        size = (size + 7) & ~7L;
        for (int i = 0; i < _free.Count; i++)
        {
            var (offset, free) = _free[i];
            if (free < size) continue;
            if (free == size) _free.RemoveAt(i);
            else _free[i] = (offset + size, free - size);
            return offset;
        }
        long at = Length;
        Length += size;
        return at;
    }

    /// <summary>Hands a buffer back.</summary>
    public void Return(long offset, long size)
    {
        size = (size + 7) & ~7L;
        int i = 0;
        while (i < _free.Count && _free[i].Offset < offset) i++;
        _free.Insert(i, (offset, size));
        // Merge with the neighbours, so a later, larger buffer fits where two small ones were.
        if (i + 1 < _free.Count && _free[i].Offset + _free[i].Size == _free[i + 1].Offset)
        {
            _free[i] = (_free[i].Offset, _free[i].Size + _free[i + 1].Size);
            _free.RemoveAt(i + 1);
        }
        if (i > 0 && _free[i - 1].Offset + _free[i - 1].Size == _free[i].Offset)
        {
            _free[i - 1] = (_free[i - 1].Offset, _free[i - 1].Size + _free[i].Size);
            _free.RemoveAt(i);
        }
    }
}

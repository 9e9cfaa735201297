using Loggia.Core.Model;

namespace Loggia.Storage.Head;

/// <summary>
/// A per-stream bump allocator for copied lines and metadata pairs. The request buffers the entries arrive in are
/// reused by the server, so the head copies every line; copying into a few slabs instead of one array per line keeps
/// appends allocation-free and the GC's object count low.
/// </summary>
/// <remarks>
/// Slabs start small (most streams are small, and thousands of streams each holding a large slab would waste memory)
/// and double up to <see cref="MaxSlabBytes"/>. Written bytes are never changed, and a slab is freed by the GC once
/// no entry refers to it any more (after its chunks are flushed). Not thread-safe: the owning stream's lock guards it.
/// </remarks>
internal sealed class HeadArena
{
    private const int FirstSlabBytes = 4 * 1024;
    private const int MaxSlabBytes = 1024 * 1024;

    /// <summary>Lines at least this long get an array of their own, so slabs stay densely used.</summary>
    private const int DedicatedLineBytes = 64 * 1024;

    private const int FirstPairSlab = 16;
    private const int MaxPairSlab = 4096;

    private byte[] _slab = [];
    private int _used;
    private int _nextSlabBytes = FirstSlabBytes;

    private LabelPair[] _pairs = [];
    private int _pairsUsed;
    private int _nextPairSlab = FirstPairSlab;

    /// <summary>Copies <paramref name="source"/> into head-owned memory.</summary>
    public ReadOnlyMemory<byte> Copy(ReadOnlySpan<byte> source)
    {
        if (source.IsEmpty)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        if (source.Length > _slab.Length - _used)
        {
            if (source.Length >= DedicatedLineBytes)
            {
                return source.ToArray();
            }

            _slab = new byte[Math.Max(_nextSlabBytes, source.Length)];
            _used = 0;
            _nextSlabBytes = Math.Min(_nextSlabBytes * 2, MaxSlabBytes);
        }

        Memory<byte> target = _slab.AsMemory(_used, source.Length);
        source.CopyTo(target.Span);
        _used += source.Length;
        return target;
    }

    /// <summary>Copies metadata pairs (the strings are immutable, only the array holding them is the caller's).</summary>
    public ReadOnlyMemory<LabelPair> Copy(ReadOnlySpan<LabelPair> source)
    {
        if (source.IsEmpty)
        {
            return ReadOnlyMemory<LabelPair>.Empty;
        }

        if (source.Length > _pairs.Length - _pairsUsed)
        {
            _pairs = new LabelPair[Math.Max(_nextPairSlab, source.Length)];
            _pairsUsed = 0;
            _nextPairSlab = Math.Min(_nextPairSlab * 2, MaxPairSlab);
        }

        Memory<LabelPair> target = _pairs.AsMemory(_pairsUsed, source.Length);
        source.CopyTo(target.Span);
        _pairsUsed += source.Length;
        return target;
    }
}

using Loggia.Core.Model;
using Loggia.Storage.Blocks;

namespace Loggia.Storage.Head;

/// <summary>
/// A per-stream bump allocator for copied lines and metadata (in <see cref="EntryMetadata"/>'s byte form). The request
/// buffers the entries arrive in are reused by the server, so the head copies every line; copying into a few slabs
/// instead of one array per line keeps appends allocation-free and the GC's object count low.
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

    private byte[] _slab = [];
    private int _used;
    private int _nextSlabBytes = FirstSlabBytes;

    /// <summary>Copies <paramref name="source"/> into head-owned memory.</summary>
    public ReadOnlyMemory<byte> Copy(ReadOnlySpan<byte> source)
    {
        if (source.IsEmpty)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        Memory<byte> target = Reserve(source.Length);
        source.CopyTo(target.Span);
        return target;
    }

    /// <summary>Copies metadata pairs into head-owned memory in <see cref="EntryMetadata"/>'s byte form.</summary>
    public ReadOnlyMemory<byte> Copy(ReadOnlySpan<LabelPair> pairs)
    {
        if (pairs.IsEmpty)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        Memory<byte> target = Reserve(EntryMetadata.EncodedLength(pairs));
        EntryMetadata.Encode(pairs, target.Span);
        return target;
    }

    private Memory<byte> Reserve(int length)
    {
        if (length > _slab.Length - _used)
        {
            if (length >= DedicatedLineBytes)
            {
                return new byte[length];
            }

            _slab = new byte[Math.Max(_nextSlabBytes, length)];
            _used = 0;
            _nextSlabBytes = Math.Min(_nextSlabBytes * 2, MaxSlabBytes);
        }

        Memory<byte> target = _slab.AsMemory(_used, length);
        _used += length;
        return target;
    }
}

namespace Loggia.Ingest.Loki;

/// <summary>
/// A bump allocator for the lines of one request: lines copied out of a body that the request does not own (JSON
/// strings that need unescaping, spans from the caller) land in a few large chunks instead of one array per line.
/// </summary>
internal sealed class LineArena
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>Lines at least this long get their own array so that chunks stay densely used.</summary>
    private const int DedicatedThreshold = ChunkSize / 4;

    private byte[] _chunk = [];
    private int _used;

    /// <summary>Reserves <paramref name="maxLength"/> bytes; call <see cref="Commit"/> with the bytes actually used.</summary>
    public Memory<byte> Reserve(int maxLength)
    {
        if (maxLength >= DedicatedThreshold)
        {
            return new byte[maxLength];
        }

        if (_chunk.Length - _used < maxLength)
        {
            _chunk = new byte[ChunkSize];
            _used = 0;
        }

        return _chunk.AsMemory(_used, maxLength);
    }

    /// <summary>Marks the first <paramref name="length"/> bytes of the last reservation as used.</summary>
    public void Commit(Memory<byte> reservation, int length)
    {
        if (reservation.Length < DedicatedThreshold)
        {
            _used += length;
        }
    }

    /// <summary>Copies <paramref name="source"/> into the arena.</summary>
    public ReadOnlyMemory<byte> Copy(ReadOnlySpan<byte> source)
    {
        if (source.IsEmpty)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        Memory<byte> target = Reserve(source.Length);
        source.CopyTo(target.Span);
        Commit(target, source.Length);
        return target[..source.Length];
    }
}

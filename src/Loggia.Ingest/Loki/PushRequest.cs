using System.Buffers;

namespace Loggia.Ingest.Loki;

/// <summary>
/// A decoded push request: the streams of a Loki push (JSON or protobuf) or of Loggia's native format. The entries'
/// lines may be slices of a buffer rented from <see cref="ArrayPool{T}.Shared"/> (a decompressed body): then
/// <see cref="Dispose"/> returns it, so a caller that disposes must be done with every entry first. A request that is
/// never disposed leaves its buffer to the garbage collector.
/// </summary>
public sealed class PushRequest : IDisposable
{
    private byte[]? _pooled;

    /// <summary>Creates a request.</summary>
    public PushRequest(IReadOnlyList<PushStream> streams)
    {
        ArgumentNullException.ThrowIfNull(streams);
        Streams = streams;
        int entries = 0;
        foreach (PushStream stream in streams)
        {
            entries += stream.Entries.Length;
        }

        EntryCount = entries;
    }

    /// <summary>A request with no streams.</summary>
    public static PushRequest Empty { get; } = new([]);

    /// <summary>The streams in the order received.</summary>
    public IReadOnlyList<PushStream> Streams { get; }

    /// <summary>The number of entries over all streams.</summary>
    public int EntryCount { get; }

    /// <summary>Returns the pooled buffer the entries are slices of, if any; the entries must not be used after.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _pooled, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Makes this request own <paramref name="buffer"/> (rented from the shared pool; its entries are slices of it).</summary>
    internal PushRequest OwningPooled(byte[] buffer)
    {
        _pooled = buffer;
        return this;
    }
}

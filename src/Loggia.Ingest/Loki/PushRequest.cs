namespace Loggia.Ingest.Loki;

/// <summary>A decoded push request: the streams of a Loki push (JSON or protobuf) or of Loggia's native format.</summary>
public sealed class PushRequest
{
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
}

using Loggia.Ingest.Journald;

namespace Loggia.Cli.Commands.Journald;

/// <summary>Where <c>loggia collect journald</c> sends entries: a batch is added entry by entry, then made durable as a whole.</summary>
internal interface IJournalSink
{
    /// <summary>Entries added since the last <see cref="FlushAsync"/>.</summary>
    int Pending { get; }

    /// <summary>Whether the batch should be flushed before this entry is added (size reached, or the entry begins a new minute).</summary>
    bool ShouldFlushBefore(ReadOnlySpan<byte> input, List<JournalField> fields);

    /// <summary>Adds one entry whose <paramref name="fields"/> point into <paramref name="input"/> (copied: the input is reused).</summary>
    void Add(ReadOnlySpan<byte> input, List<JournalField> fields, long receivedNanos);

    /// <summary>Makes every pending entry durable (acknowledged by the server, or fsynced on disk); only then may the cursor advance.</summary>
    Task FlushAsync(CancellationToken cancellationToken);
}

using System.Buffers;
using Loggia.Core.Model;
using Loggia.Ingest.Loki;
using Loggia.Server.Ingest;
using Loggia.Server.Tail;
using Loggia.Storage.Head;
using Loggia.Storage.Wal;

namespace Loggia.Server.Storage;

/// <summary>
/// Ingests validated pushes: appends each stream to the head (which refuses entries too far
/// behind and drops exact duplicates, as Loki does), then writes the appended entries as one WAL
/// record and waits until it is durable before the push is acknowledged; then hands the appended entries to the
/// tenant's tail clients, if it has any.
/// </summary>
public sealed class LokiIngester(StorageEngine storage, TailBroadcaster tail) : IPushIngester
{
    /// <summary>
    /// Bytes of lines per WAL record: pushes may be far larger than a WAL record may be
    /// (<see cref="WalOptions.DefaultMaxRecordBytes"/>), so they are written as several records of about this size.
    /// </summary>
    private const int RecordPartBytes = 4 * 1024 * 1024;

    [ThreadStatic]
    private static HeadWalRecordWriter? t_writer;

    /// <inheritdoc/>
    public async ValueTask<IngestOutcome> IngestAsync(TenantId tenant, PushRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var wal = storage.Wal;
        if (storage.Head.Bytes > storage.Options.HeadMaxBytes)
        {
            throw new IngesterBusyException("the ingester's memory budget is full while blocks are flushed; retry later") { RetryAfterSeconds = 1 };
        }

        if (wal.IsSaturated)
        {
            throw new IngesterBusyException("the write-ahead log is saturated; retry later") { RetryAfterSeconds = 1 };
        }

        if (wal.Failure is { } failure)
        {
            throw new IOException("the write-ahead log has failed: " + failure.Message, failure);
        }

        // The record is built on this thread and copied by the WAL, so a per-thread writer is safe.
        var writer = t_writer ??= new HeadWalRecordWriter();
        writer.Reset(tenant);
        List<string>? refused = null;
        var floor = wal.LastPosition;
        HeadAppendOutcome[] outcomes = [];
        var tailed = tail.HasSubscribers(tenant) ? new List<TailedEntries>() : null;
        List<Task>? written = null;
        foreach (var stream in request.Streams)
        {
            for (var offset = 0; offset < stream.Entries.Length;)
            {
                // A large push becomes several WAL records, each well under the WAL's record limit.
                var entries = RecordPart(stream.Entries.Span[offset..]);
                offset += entries.Length;
                if (outcomes.Length < entries.Length)
                {
                    outcomes = new HeadAppendOutcome[entries.Length];
                }

                var result = storage.Head.Append(tenant, stream.Labels, entries, outcomes, floor);
                writer.AddStream(stream.Labels, entries, outcomes.AsSpan(0, entries.Length));
                if (tailed is not null && TailedEntries.CopyAppended(stream.Labels, entries, outcomes.AsSpan(0, entries.Length)) is { } appended)
                {
                    tailed.Add(appended);
                }
                if (result.Rejections is { } rejections)
                {
                    refused ??= [];
                    foreach (var rejection in rejections)
                    {
                        refused.Add($"entry with timestamp {GoTimeText(rejection.TimestampNanos)} ignored, reason: '{rejection.Message}' for stream: {stream.Labels}");
                    }
                }

                if (writer.Payload.Length >= RecordPartBytes)
                {
                    (written ??= []).Add(AppendCopy(wal, writer.Payload.Span, cancellationToken));
                    writer.Reset(tenant);
                }
            }
        }

        if (writer.EntryCount > 0)
        {
            await AppendCopy(wal, writer.Payload.Span, cancellationToken);
        }

        if (written is not null)
        {
            await Task.WhenAll(written);
        }

        if (tailed is { Count: > 0 })
        {
            // Only durable entries are tailed, as Loki tails what its ingesters acknowledged.
            tail.Publish(tenant, tailed);
        }

        return refused is null ? IngestOutcome.AllAccepted : new IngestOutcome(refused);
    }

    /// <summary>
    /// Appends a copy of <paramref name="payload"/> as a head record: it must stay unchanged until the append completes,
    /// and the writer is reused. The copy is a pooled buffer (a record is hundreds of kilobytes: an array each would be a
    /// large-object allocation), returned once the WAL has written it.
    /// </summary>
    private static Task AppendCopy(WriteAheadLog wal, ReadOnlySpan<byte> payload, CancellationToken cancellationToken)
    {
        var copy = ArrayPool<byte>.Shared.Rent(payload.Length);
        payload.CopyTo(copy);
        return AppendAndReturnAsync(wal, copy, payload.Length, cancellationToken);
    }

    private static async Task AppendAndReturnAsync(WriteAheadLog wal, byte[] copy, int length, CancellationToken cancellationToken)
    {
        await wal.AppendAsync(HeadWalRecordWriter.RecordType, copy.AsMemory(0, length), cancellationToken);
        // Only after success: an append that failed may still be queued, so its buffer is left to the collector.
        ArrayPool<byte>.Shared.Return(copy);
    }

    /// <summary>The entries of the next WAL record part: at least one, then as many as fit in <see cref="RecordPartBytes"/>.</summary>
    private static ReadOnlySpan<LogEntry> RecordPart(ReadOnlySpan<LogEntry> entries)
    {
        long bytes = 0;
        var count = 0;
        while (count < entries.Length && (count == 0 || bytes + entries[count].Line.Length + entries[count].StructuredMetadataSize <= RecordPartBytes))
        {
            bytes += entries[count].Line.Length + entries[count].StructuredMetadataSize;
            count++;
        }

        return entries[..count];
    }

    private static string GoTimeText(long nanos) =>
        DateTimeOffset.FromUnixTimeMilliseconds(nanos / 1_000_000).AddTicks(nanos % 1_000_000 / 100).ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF +0000 UTC", System.Globalization.CultureInfo.InvariantCulture);
}

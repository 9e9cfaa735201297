using Loggia.Core.Model;
using Loggia.Storage.Head;

namespace Loggia.Server.Tail;

/// <summary>Entries of one stream that an acknowledged push appended, owned by the tail path (copied out of the request).</summary>
/// <param name="Labels">The stream's labels.</param>
/// <param name="Entries">The appended entries, in push order; lines and metadata are private copies.</param>
public sealed record TailedEntries(Labels Labels, LogEntry[] Entries)
{
    /// <summary>
    /// Copies the entries the head appended (not duplicates, not refused ones) of one pushed stream, or returns null
    /// when none was. The push's buffers are reused after the request, so tailers get their own memory.
    /// </summary>
    public static TailedEntries? CopyAppended(Labels labels, ReadOnlySpan<LogEntry> entries, ReadOnlySpan<HeadAppendOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var count = 0;
        for (var i = 0; i < entries.Length; i++)
        {
            if (outcomes[i] == HeadAppendOutcome.Appended)
            {
                count++;
            }
        }

        if (count == 0)
        {
            return null;
        }

        var copies = new LogEntry[count];
        var next = 0;
        for (var i = 0; i < entries.Length; i++)
        {
            if (outcomes[i] == HeadAppendOutcome.Appended)
            {
                var entry = entries[i];
                copies[next++] = new LogEntry(entry.TimestampNanos, entry.Line.ToArray(), entry.StructuredMetadata.ToArray());
            }
        }

        return new TailedEntries(labels, copies);
    }
}

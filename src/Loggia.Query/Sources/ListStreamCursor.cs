using Loggia.Core.Model;
using Loggia.Query.Execution;

namespace Loggia.Query.Sources;

/// <summary>A cursor over a stream's entries already in memory, in time order, read in the requested direction.</summary>
internal sealed class ListStreamCursor(Labels labels, List<LogEntry> entries, QueryDirection direction) : IStreamCursor
{
    private const int BatchSize = 1024;
    private readonly LogEntry[] _batch = new LogEntry[Math.Min(BatchSize, Math.Max(1, entries.Count))];
    private int _next = direction == QueryDirection.Forward ? 0 : entries.Count - 1;

    public Labels Labels { get; } = labels;

    public bool TryReadBatch(out ReadOnlyMemory<LogEntry> batch)
    {
        var count = 0;
        if (direction == QueryDirection.Forward)
        {
            while (count < _batch.Length && _next < entries.Count)
            {
                _batch[count++] = entries[_next++];
            }
        }
        else
        {
            while (count < _batch.Length && _next >= 0)
            {
                _batch[count++] = entries[_next--];
            }
        }

        batch = _batch.AsMemory(0, count);
        return count > 0;
    }

    public void Dispose()
    {
    }
}

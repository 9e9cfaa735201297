using Loggia.Core.Model;
using Loggia.Query.Execution;
using Loggia.Storage.Head;

namespace Loggia.Query.Sources;

/// <summary>
/// The head as a query source. Built from a <see cref="HeadSelection"/> taken before the catalog
/// is read, so that blocks still being flushed (<see cref="HeadSelection.BlocksStillInHead"/>) are
/// served from the head only, never twice.
/// </summary>
public sealed class HeadLogSource : ILogSource
{
    private readonly HeadSelection _selection;

    private HeadLogSource(HeadSelection selection)
    {
        _selection = selection;
    }

    /// <summary>Block ids whose entries this source still serves; skip them when reading blocks.</summary>
    public IReadOnlySet<string> BlocksStillInHead => _selection.BlocksStillInHead;

    /// <summary>Selects the matching streams of <paramref name="tenant"/> in [start, end).</summary>
    public static HeadLogSource Select(Head head, TenantId tenant, StreamMatcher matcher, long startNanos, long endNanos)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(matcher);
        return new HeadLogSource(head.Select(tenant, matcher.Matches, startNanos, endNanos - 1));
    }

    /// <inheritdoc/>
    public IReadOnlyList<IStreamCursor> OpenStreams(LogScanRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var cursors = new List<IStreamCursor>(_selection.Count);
        foreach (var snapshot in _selection)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!request.StreamMatcher.Matches(snapshot.Labels))
            {
                continue;
            }

            var entries = new List<LogEntry>(snapshot.Count);
            for (var i = 0; i < snapshot.Count; i++)
            {
                var ts = snapshot.Timestamp(i);
                if (ts >= request.StartNanos && ts < request.EndNanos)
                {
                    entries.Add(new LogEntry(ts, snapshot.Line(i), snapshot.Metadata(i)));
                }
            }

            if (entries.Count > 0)
            {
                cursors.Add(new ListStreamCursor(snapshot.Labels, entries, request.Direction));
            }
        }

        return cursors;
    }
}

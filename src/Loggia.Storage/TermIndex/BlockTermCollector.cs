using Loggia.Core.Tokens;
using Loggia.Storage.Blocks;

namespace Loggia.Storage.TermIndex;

/// <summary>
/// Collects a block's term hashes per hour while the block is written: <see cref="BeginLine"/> once per entry, then
/// <see cref="Add"/> for each of its line terms and metadata pairs. Entries come sorted by (stream, time), so hours
/// interleave across streams; the counter of the current hour is cached because consecutive entries share it.
/// The block writer's row-group blooms use it too: <see cref="Add"/> tells whether a hash is new to the row group
/// begun by the last <see cref="BeginRowGroup"/>, so the bloom filters need no set of distinct terms of their own.
/// </summary>
internal sealed class BlockTermCollector
{
    private readonly List<(long Hour, TermLineCounter Counter)> _hours = [];
    private TermLineCounter? _current;
    private long _currentHour = long.MinValue;
    private int _line = -1;
    private int _rowGroupStart;

    /// <summary>Starts the next entry, at <paramref name="timestampNanos"/>.</summary>
    public void BeginLine(long timestampNanos)
    {
        _line++;
        var hour = TermHours.HourOf(timestampNanos);
        if (hour == _currentHour)
        {
            return;
        }

        _currentHour = hour;
        foreach (var (h, counter) in _hours)
        {
            if (h == hour)
            {
                _current = counter;
                return;
            }
        }

        _current = new TermLineCounter();
        _hours.Add((hour, _current));
    }

    /// <summary>
    /// Counts a term or pair hash for the current entry; returns whether no earlier entry of the current row group and
    /// hour held it. A hash in two hours of one row group is reported once per hour.
    /// </summary>
    public bool Add(ulong hash) => _current!.Add(hash, _line, _rowGroupStart);

    /// <summary>Prefetches the counter slot of <paramref name="hash"/> for the current entry (see <see cref="TermLineCounter.Prefetch"/>).</summary>
    public void Prefetch(ulong hash) => _current!.Prefetch(hash);

    /// <summary>Starts a row group at the next entry.</summary>
    public void BeginRowGroup() => _rowGroupStart = _line + 1;

    /// <summary>Tokenizes <paramref name="entry"/> on its own (when no bloom filter is being built to share the walk).</summary>
    public void AddEntry(BlockEntry entry)
    {
        BeginLine(entry.TimestampNanos);
        Span<byte> scratch = stackalloc byte[Terms.MaxTermBytes];
        foreach (var term in Terms.Enumerate(entry.Line.Span, scratch))
        {
            _ = Add(term);
        }

        foreach (EntryMetadata.Pair pair in entry.Metadata)
        {
            _ = Add(Terms.HashPair(pair.Name, pair.Value));
        }
    }

    /// <summary>The collected terms, hours ascending, hashes sorted.</summary>
    public BlockTerms Build()
    {
        var hours = new List<BlockTermsHour>(_hours.Count);
        foreach (var (hour, counter) in _hours)
        {
            var (hashes, lines) = counter.ToSorted();
            hours.Add(new BlockTermsHour(hour, hashes, lines));
        }

        hours.Sort(static (a, b) => a.Hour.CompareTo(b.Hour));
        return new BlockTerms(hours);
    }
}

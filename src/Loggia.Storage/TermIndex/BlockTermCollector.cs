using Loggia.Core.Tokens;
using Loggia.Storage.Blocks;

namespace Loggia.Storage.TermIndex;

/// <summary>
/// Collects a block's term hashes per hour while the block is written: <see cref="BeginLine"/> once per entry, then
/// <see cref="Add"/> for each of its line terms and metadata pairs. Entries come sorted by (stream, time), so hours
/// interleave across streams; the counter of the current hour is cached because consecutive entries share it.
/// </summary>
internal sealed class BlockTermCollector
{
    private readonly List<(long Hour, TermLineCounter Counter)> _hours = [];
    private TermLineCounter? _current;
    private long _currentHour = long.MinValue;
    private int _line = -1;

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

    /// <summary>Counts a term or pair hash for the current entry.</summary>
    public void Add(ulong hash) => _current!.Add(hash, _line);

    /// <summary>Tokenizes <paramref name="entry"/> on its own (when no bloom filter is being built to share the walk).</summary>
    public void AddEntry(BlockEntry entry)
    {
        BeginLine(entry.TimestampNanos);
        Span<byte> scratch = stackalloc byte[Terms.MaxTermBytes];
        foreach (var term in Terms.Enumerate(entry.Line.Span, scratch))
        {
            Add(term);
        }

        foreach (EntryMetadata.Pair pair in entry.Metadata)
        {
            Add(Terms.HashPair(pair.Name, pair.Value));
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

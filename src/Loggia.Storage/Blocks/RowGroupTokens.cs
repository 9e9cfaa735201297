using Loggia.Core.Tokens;
using Loggia.Storage.TermIndex;

namespace Loggia.Storage.Blocks;

/// <summary>
/// Collects the distinct line terms and metadata pairs of the row group being written, then builds its filters
/// sized from the distinct counts. One per block write; the buffers are reused across row groups. Line terms are
/// de-duplicated by the block's <see cref="BlockTermCollector"/>, which counts every term per hour anyway: a term it
/// reports new to the row group is appended to a plain list, so each term occurrence costs one table probe.
/// Metadata pairs keep a set of their own: the previous row's pairs, remembered, make most of them free.
/// </summary>
internal sealed class RowGroupTokens(double falsePositiveRate, BlockTermCollector terms)
{
    private readonly TokenHashSet _metadata = new();
    private readonly RepeatedPairMemo _previousPairs = new();
    private ulong[] _lines = new ulong[4096];
    private int _lineCount;

    /// <summary>Adds an entry's tokens to the row group's sets and to the block's term collector (one tokenizer walk for both).</summary>
    public void Add(BlockEntry entry)
    {
        terms.BeginLine(entry.TimestampNanos);
        Span<byte> scratch = stackalloc byte[Terms.MaxTermBytes];
        foreach (var term in Terms.Enumerate(entry.Line.Span, scratch))
        {
            if (terms.Add(term))
            {
                AddLineTerm(term);
            }
        }

        var position = 0;
        foreach (EntryMetadata.Pair pair in entry.Metadata)
        {
            // A pair the previous row had at the same place is in the set already, and its hash is remembered.
            var hash = _previousPairs.Hash(position++, pair.Name, pair.Value, out var repeated);
            if (!repeated)
            {
                _metadata.Add(hash);
            }

            // Pairs and line terms share the collector's table (the term index does not tell them apart). Only a pair
            // hash equal to a line term's in all 64 bits, seen first in the group, could keep that term out of the
            // line filter: with a million terms and ten thousand pairs an hour, odds of about 1e-9 per block hour.
            _ = terms.Add(hash);
        }
    }

    /// <summary>The filters of the row group so far; starts the next one.</summary>
    public RowGroupBlooms Build()
    {
        var lines = TokenBloomFilter.Create(_lineCount, falsePositiveRate);
        foreach (var hash in _lines.AsSpan(0, _lineCount))
        {
            lines.Add(hash);
        }

        var metadata = TokenBloomFilter.Create(_metadata.Count, falsePositiveRate);
        _metadata.AddAllTo(metadata);
        _lineCount = 0;
        _metadata.Clear();
        _previousPairs.Clear();
        terms.BeginRowGroup();
        return new RowGroupBlooms(lines, metadata);
    }

    private void AddLineTerm(ulong hash)
    {
        if (_lineCount == _lines.Length)
        {
            Array.Resize(ref _lines, _lines.Length * 2);
        }

        _lines[_lineCount++] = hash;
    }
}

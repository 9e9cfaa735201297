using Loggia.Core.Tokens;
using Loggia.Storage.TermIndex;

namespace Loggia.Storage.Blocks;

/// <summary>
/// Collects the distinct line terms and metadata pairs of the row group being written, then builds its filters
/// sized from the distinct counts. One per block write; the sets are reused across row groups.
/// </summary>
internal sealed class RowGroupTokens(double falsePositiveRate)
{
    private readonly TokenHashSet _lines = new();
    private readonly TokenHashSet _metadata = new();
    private readonly RepeatedPairMemo _previousPairs = new();

    /// <summary>Adds an entry's tokens; also counts them into <paramref name="terms"/> when given (one tokenizer walk for both).</summary>
    public void Add(BlockEntry entry, BlockTermCollector? terms)
    {
        terms?.BeginLine(entry.TimestampNanos);
        Span<byte> scratch = stackalloc byte[Terms.MaxTermBytes];
        foreach (var term in Terms.Enumerate(entry.Line.Span, scratch))
        {
            _lines.Add(term);
            terms?.Add(term);
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

            terms?.Add(hash);
        }
    }

    /// <summary>The filters of the row group so far; starts the next one.</summary>
    public RowGroupBlooms Build()
    {
        var result = new RowGroupBlooms(Fill(_lines), Fill(_metadata));
        _lines.Clear();
        _metadata.Clear();
        _previousPairs.Clear();
        return result;
    }

    private TokenBloomFilter Fill(TokenHashSet hashes)
    {
        var filter = TokenBloomFilter.Create(hashes.Count, falsePositiveRate);
        hashes.AddAllTo(filter);
        return filter;
    }
}

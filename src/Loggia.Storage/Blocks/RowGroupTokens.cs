using Loggia.Core.Tokens;
using Loggia.Storage.TermIndex;

namespace Loggia.Storage.Blocks;

/// <summary>
/// Collects the distinct line terms and metadata pairs of the row group being written, then builds its filters
/// sized from the distinct counts. One per block write; the buffers are reused across row groups. Both are
/// de-duplicated by the block's <see cref="BlockTermCollector"/>, which counts every term and pair per hour anyway: a
/// hash it reports new to the row group is appended to a plain list, so each occurrence costs one table probe.
/// </summary>
internal sealed class RowGroupTokens(double falsePositiveRate, BlockTermCollector terms)
{
    private const int TermBatch = 32;
    private readonly RepeatedPairMemo _previousPairs = new();
    private readonly HashList _lines = new();
    private readonly HashList _metadata = new();
    private readonly ulong[] _batch = new ulong[TermBatch]; // a field: a stackalloc would be zeroed for every line

    /// <summary>Adds an entry's tokens to the row group's lists and to the block's term collector (one tokenizer walk for both).</summary>
    public void Add(BlockEntry entry)
    {
        terms.BeginLine(entry.TimestampNanos);
        Span<byte> scratch = stackalloc byte[Terms.MaxTermBytes];
        // The line's terms are hashed and their counter slots prefetched first, then counted: the cache misses of
        // new terms overlap instead of coming one after the other.
        var batch = _batch.AsSpan();
        var pending = 0;
        foreach (var term in Terms.Enumerate(entry.Line.Span, scratch))
        {
            terms.Prefetch(term);
            batch[pending++] = term;
            if (pending == batch.Length)
            {
                CountLineTerms(batch);
                pending = 0;
            }
        }

        CountLineTerms(batch[..pending]);
        var position = 0;
        foreach (EntryMetadata.Pair pair in entry.Metadata)
        {
            // A pair the previous row had at the same place is not hashed again. Pairs and line terms share the
            // collector's table (the term index does not tell them apart): only a pair hash equal to a line term's in
            // all 64 bits could keep one of them out of its filter, odds of about 1e-9 per block hour.
            var hash = _previousPairs.Hash(position++, pair.Name, pair.Value, out _);
            if (terms.Add(hash))
            {
                _metadata.Add(hash);
            }
        }
    }

    /// <summary>The filters of the row group so far; starts the next one.</summary>
    public RowGroupBlooms Build()
    {
        var result = new RowGroupBlooms(_lines.Fill(falsePositiveRate), _metadata.Fill(falsePositiveRate));
        _previousPairs.Clear();
        terms.BeginRowGroup();
        return result;
    }

    private void CountLineTerms(ReadOnlySpan<ulong> hashes)
    {
        foreach (var hash in hashes)
        {
            if (terms.Add(hash))
            {
                _lines.Add(hash);
            }
        }
    }

    /// <summary>A growable list of hashes, reused across row groups.</summary>
    private sealed class HashList
    {
        private ulong[] _hashes = new ulong[4096];
        private int _count;

        public void Add(ulong hash)
        {
            if (_count == _hashes.Length)
            {
                Array.Resize(ref _hashes, _hashes.Length * 2);
            }

            _hashes[_count++] = hash;
        }

        /// <summary>A filter holding every hash of the list, which is then emptied.</summary>
        public TokenBloomFilter Fill(double falsePositiveRate)
        {
            var filter = TokenBloomFilter.Create(_count, falsePositiveRate);
            foreach (var hash in _hashes.AsSpan(0, _count))
            {
                filter.Add(hash);
            }

            _count = 0;
            return filter;
        }
    }
}

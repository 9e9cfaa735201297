using System.Buffers;
using System.Buffers.Binary;
using Loggia.Parquet.Data;
using Loggia.Parquet.Encodings;
using Loggia.Parquet.Format;
using Loggia.Parquet.Schema;

namespace Loggia.Parquet.Writing;

/// <summary>
/// Writes one leaf's column chunk: accumulates definition/repetition levels and values of the
/// current page, cuts pages at row boundaries by size, compresses them into an in-memory chunk
/// buffer, and at the end of the row group writes the dictionary page (if any) and the data pages
/// to the file, returning the chunk metadata and the page index. Subclasses own the values.
/// </summary>
internal abstract class LeafWriter : IDisposable
{
    private readonly PageCompressor _compressor;
    private readonly ArrayBufferWriter<byte> _page = new(64 * 1024);
    private readonly ArrayBufferWriter<byte> _levels = new(4 * 1024);
    private readonly ArrayBufferWriter<byte> _chunk = new(256 * 1024);
    private readonly ArrayBufferWriter<byte> _header = new(256);
    private readonly List<PageRecord> _pages = [];
    private readonly HashSet<Encoding> _encodings = [];
    private int[] _definitionLevels = new int[1024];
    private int[] _repetitionLevels = new int[1024];
    private long _chunkLevelEntries;
    private long _chunkNulls;
    private long _chunkUncompressedBytes;
    private long _firstRowOfPage;

    private readonly bool _usesDictionary;
    private bool _dictionaryOverflowed;
    private bool _firstPageWritten;

    protected LeafWriter(ParquetLeaf leaf, ParquetWriterOptions options, PageCompressor compressor, bool usesDictionary)
    {
        Leaf = leaf;
        Options = options;
        _compressor = compressor;
        _usesDictionary = usesDictionary && options.DictionaryPageSizeLimit > 0;
        DictionaryActive = _usesDictionary;
    }

    /// <summary>
    /// Whether values of the current page go through the dictionary. A chunk starts with the
    /// dictionary (when the column uses one) and leaves it for good when it outgrows
    /// <see cref="ParquetWriterOptions.DictionaryPageSizeLimit"/> or does not pay for itself on the
    /// first page; the pages written before stay dictionary-encoded.
    /// </summary>
    protected bool DictionaryActive { get; private set; }

    /// <summary>Size of the dictionary as a PLAIN dictionary page.</summary>
    protected abstract long DictionaryPlainBytes { get; }

    /// <summary>Entries in the dictionary.</summary>
    protected abstract int DictionaryCount { get; }

    /// <summary>Called after a value was added to the dictionary: past the limit, the page is cut at the next row boundary.</summary>
    protected void CheckDictionarySize() => _dictionaryOverflowed = DictionaryPlainBytes > Options.DictionaryPageSizeLimit;

    /// <summary>The leaf being written.</summary>
    public ParquetLeaf Leaf { get; }

    protected ParquetWriterOptions Options { get; }

    /// <summary>Level entries of the current page.</summary>
    protected int LevelCount { get; private set; }

    /// <summary>Rows of the current page.</summary>
    protected int PageRows { get; private set; }

    /// <summary>Null entries (definition level below the maximum) of the current page.</summary>
    protected int PageNulls { get; private set; }

    /// <summary>Raw (plain-encoded) size of the current page's values, for page cutting.</summary>
    protected long PageRawBytes { get; set; }

    /// <summary>Raw size of the whole row group so far, for row group cutting.</summary>
    public long RowGroupRawBytes { get; protected set; }

    /// <summary>Whether the page has reached its target size and should be cut at the next row boundary.</summary>
    protected bool PageIsFull => PageRawBytes >= Options.PageSizeBytes || PageRows >= Options.MaxRowsPerPage || _dictionaryOverflowed;

    /// <summary>Writes rows <paramref name="start"/>..start+count of <paramref name="vector"/>.</summary>
    public abstract void Write(ColumnVector vector, int start, int count);

    /// <summary>Records one level entry.</summary>
    protected void AddLevels(int definitionLevel, int repetitionLevel)
    {
        if (LevelCount == _definitionLevels.Length)
        {
            Array.Resize(ref _definitionLevels, LevelCount * 2);
            Array.Resize(ref _repetitionLevels, LevelCount * 2);
        }

        _definitionLevels[LevelCount] = definitionLevel;
        _repetitionLevels[LevelCount] = repetitionLevel;
        LevelCount++;
        if (definitionLevel < Leaf.MaxDefinitionLevel)
        {
            PageNulls++;
        }
    }

    /// <summary>Records that <paramref name="rows"/> complete rows were added, cutting the page when it is full.</summary>
    protected void EndRows(int rows)
    {
        PageRows += rows;
        if (PageIsFull)
        {
            FlushPage();
        }
    }

    /// <summary>Appends the current page's values to <paramref name="output"/> in the page's encoding, and forgets them.</summary>
    protected abstract Encoding EncodeValues(IBufferWriter<byte> output);

    /// <summary>Min/max of the current page's values as statistics bytes, or false when the page has no non-null value.</summary>
    protected abstract bool TryGetPageBounds(int maxLength, out byte[] min, out byte[] max, out bool exact);

    /// <summary>Min/max of the chunk's values.</summary>
    protected abstract bool TryGetChunkBounds(int maxLength, out byte[] min, out byte[] max, out bool minExact, out bool maxExact);

    /// <summary>Orders two statistics values of this leaf's type.</summary>
    protected abstract int CompareBounds(byte[] left, byte[] right);

    /// <summary>Decides, after a page is written, whether the rest of the chunk keeps the dictionary.</summary>
    private void OnPageWritten(int encodedValueBytes, long rawValueBytes)
    {
        if (_dictionaryOverflowed)
        {
            _dictionaryOverflowed = false;
            DictionaryActive = false;
        }

        if (!_firstPageWritten && DictionaryActive && encodedValueBytes + DictionaryPlainBytes >= rawValueBytes)
        {
            // Mostly distinct values (log lines, ids): the dictionary does not pay for itself.
            DictionaryActive = false;
        }

        _firstPageWritten = true;
    }

    /// <summary>Writes the dictionary page body (PLAIN).</summary>
    protected abstract void WriteDictionary(IBufferWriter<byte> output);

    /// <summary>Resets the chunk-level value state (dictionary, bounds) for the next row group.</summary>
    protected abstract void ResetChunk();

    /// <summary>Encodes and compresses the current page into the chunk buffer.</summary>
    protected void FlushPage()
    {
        if (LevelCount == 0 && PageRows == 0)
        {
            return;
        }

        _page.ResetWrittenCount();
        if (Leaf.MaxRepetitionLevel > 0)
        {
            WriteLevels(_repetitionLevels.AsSpan(0, LevelCount), Leaf.MaxRepetitionLevel);
        }

        if (Leaf.MaxDefinitionLevel > 0)
        {
            WriteLevels(_definitionLevels.AsSpan(0, LevelCount), Leaf.MaxDefinitionLevel);
        }

        var levelBytes = _page.WrittenCount;
        var rawValueBytes = PageRawBytes;
        var hasBounds = TryGetPageBounds(Options.PageStatisticsMaxLength, out var min, out var max, out var exact);
        var encoding = EncodeValues(_page);
        var raw = _page.WrittenSpan;
        var compressed = _compressor.Compress(raw);
        var numValues = Leaf.MaxDefinitionLevel > 0 || Leaf.MaxRepetitionLevel > 0 ? LevelCount : PageRows;

        var statistics = new Statistics { NullCount = PageNulls };
        if (hasBounds)
        {
            statistics.MinValue = min;
            statistics.MaxValue = max;
            statistics.IsMinValueExact = exact;
            statistics.IsMaxValueExact = exact;
        }

        var header = new PageHeader
        {
            Type = PageType.DataPage,
            UncompressedPageSize = raw.Length,
            CompressedPageSize = compressed.Length,
            DataPageHeader = new DataPageHeader
            {
                NumValues = numValues,
                Encoding = encoding,
                DefinitionLevelEncoding = Encoding.Rle,
                RepetitionLevelEncoding = Encoding.Rle,
                Statistics = statistics,
            },
        };
        var offset = _chunk.WrittenCount;
        var headerLength = WriteHeader(header, _chunk);
        _chunk.Write(compressed);
        _pages.Add(new PageRecord(offset, headerLength + compressed.Length, _firstRowOfPage, PageNulls == numValues, hasBounds, min, max, PageNulls));
        _encodings.Add(encoding);
        _chunkUncompressedBytes += headerLength + raw.Length;
        _chunkLevelEntries += numValues;
        _chunkNulls += PageNulls;
        _firstRowOfPage += PageRows;
        LevelCount = 0;
        PageRows = 0;
        PageNulls = 0;
        PageRawBytes = 0;
        OnPageWritten(raw.Length - levelBytes, rawValueBytes);
    }

    private void WriteLevels(ReadOnlySpan<int> levels, int maxLevel)
    {
        _levels.ResetWrittenCount();
        RleBitPackedHybridEncoder.Encode(levels, BitWidth.Of((uint)maxLevel), _levels);
        BinaryPrimitives.WriteInt32LittleEndian(_page.GetSpan(4), _levels.WrittenCount);
        _page.Advance(4);
        _page.Write(_levels.WrittenSpan);
    }

    private int WriteHeader(PageHeader header, ArrayBufferWriter<byte> output)
    {
        _header.ResetWrittenCount();
        ParquetMetadataSerializer.WritePageHeader(header, _header);
        output.Write(_header.WrittenSpan);
        return _header.WrittenCount;
    }

    /// <summary>
    /// Writes the chunk (dictionary page, then data pages) at <paramref name="fileOffset"/> of
    /// <paramref name="output"/>, and returns its metadata and page index; resets for the next row group.
    /// </summary>
    public ChunkResult FlushChunk(Stream output, long fileOffset)
    {
        FlushPage();
        var dictionaryOffset = -1L;
        var position = fileOffset;
        var uncompressed = _chunkUncompressedBytes;
        var encodings = new List<Encoding>();
        _page.ResetWrittenCount();
        var dictionaryCount = _usesDictionary ? DictionaryCount : 0;
        if (dictionaryCount > 0)
        {
            WriteDictionary(_page);
            var raw = _page.WrittenSpan;
            var compressed = _compressor.Compress(raw);
            var header = new PageHeader
            {
                Type = PageType.DictionaryPage,
                UncompressedPageSize = raw.Length,
                CompressedPageSize = compressed.Length,
                DictionaryPageHeader = new DictionaryPageHeader { NumValues = dictionaryCount, Encoding = Encoding.Plain },
            };
            _levels.ResetWrittenCount();
            var headerLength = WriteHeader(header, _levels);
            output.Write(_levels.WrittenSpan);
            output.Write(compressed);
            dictionaryOffset = position;
            position += headerLength + compressed.Length;
            uncompressed += headerLength + raw.Length;
            encodings.Add(Encoding.Plain);
        }

        var dataOffset = position;
        output.Write(_chunk.WrittenSpan);
        position += _chunk.WrittenCount;

        if (Leaf.MaxDefinitionLevel > 0 || Leaf.MaxRepetitionLevel > 0)
        {
            encodings.Add(Encoding.Rle);
        }

        foreach (var encoding in _encodings)
        {
            if (!encodings.Contains(encoding))
            {
                encodings.Add(encoding);
            }
        }

        var statistics = new Statistics { NullCount = _chunkNulls };
        if (TryGetChunkBounds(Options.ChunkStatisticsMaxLength, out var min, out var max, out var minExact, out var maxExact))
        {
            statistics.MinValue = min;
            statistics.MaxValue = max;
            statistics.IsMinValueExact = minExact;
            statistics.IsMaxValueExact = maxExact;
            if (Leaf.PhysicalType is not PhysicalType.ByteArray && minExact && maxExact)
            {
                // The deprecated fields use signed ordering, which equals the type order for numbers.
                statistics.Min = min;
                statistics.Max = max;
            }
        }

        var metadata = new ColumnMetaData
        {
            Type = Leaf.PhysicalType,
            Encodings = encodings,
            PathInSchema = [.. Leaf.Path],
            Codec = _compressor.Codec,
            NumValues = _chunkLevelEntries,
            TotalUncompressedSize = uncompressed,
            TotalCompressedSize = position - fileOffset,
            DataPageOffset = dataOffset,
            DictionaryPageOffset = dictionaryOffset >= 0 ? dictionaryOffset : null,
            Statistics = statistics,
        };

        var result = new ChunkResult(new ColumnChunk { FileOffset = dictionaryOffset >= 0 ? dictionaryOffset : dataOffset, MetaData = metadata }, BuildColumnIndex(), BuildOffsetIndex(dataOffset), uncompressed);
        _pages.Clear();
        _encodings.Clear();
        _chunk.ResetWrittenCount();
        _chunkLevelEntries = 0;
        _chunkNulls = 0;
        _chunkUncompressedBytes = 0;
        _firstRowOfPage = 0;
        RowGroupRawBytes = 0;
        _firstPageWritten = false;
        _dictionaryOverflowed = false;
        DictionaryActive = _usesDictionary;
        ResetChunk();
        return result;
    }

    private ColumnIndex? BuildColumnIndex()
    {
        foreach (var page in _pages)
        {
            if (!page.IsNullPage && !page.HasBounds)
            {
                // A page with values but no bounds (only NaNs) cannot be described: no column index.
                return null;
            }
        }

        var index = new ColumnIndex
        {
            NullPages = new List<bool>(_pages.Count),
            MinValues = new List<byte[]>(_pages.Count),
            MaxValues = new List<byte[]>(_pages.Count),
            NullCounts = new List<long>(_pages.Count),
        };
        var ascending = true;
        var descending = true;
        byte[]? previousMin = null;
        byte[]? previousMax = null;
        foreach (var page in _pages)
        {
            index.NullPages.Add(page.IsNullPage);
            index.MinValues.Add(page.Min);
            index.MaxValues.Add(page.Max);
            index.NullCounts.Add(page.NullCount);
            if (page.IsNullPage)
            {
                continue;
            }

            if (previousMin is not null && previousMax is not null)
            {
                var minOrder = CompareBounds(previousMin, page.Min);
                var maxOrder = CompareBounds(previousMax, page.Max);
                ascending &= minOrder <= 0 && maxOrder <= 0;
                descending &= minOrder >= 0 && maxOrder >= 0;
            }

            previousMin = page.Min;
            previousMax = page.Max;
        }

        index.BoundaryOrder = ascending ? BoundaryOrder.Ascending : descending ? BoundaryOrder.Descending : BoundaryOrder.Unordered;
        return index;
    }

    private OffsetIndex BuildOffsetIndex(long dataOffset)
    {
        var locations = new List<PageLocation>(_pages.Count);
        foreach (var page in _pages)
        {
            locations.Add(new PageLocation { Offset = dataOffset + page.OffsetInChunk, CompressedPageSize = page.TotalSize, FirstRowIndex = page.FirstRow });
        }

        return new OffsetIndex { PageLocations = locations };
    }

    public virtual void Dispose()
    {
    }

    /// <summary>What the writer keeps of a written page for the page index.</summary>
    private sealed record PageRecord(int OffsetInChunk, int TotalSize, long FirstRow, bool IsNullPage, bool HasBounds, byte[] Min, byte[] Max, long NullCount);
}

/// <summary>A written column chunk: its footer entry, page index and uncompressed size.</summary>
internal sealed record ChunkResult(ColumnChunk Chunk, ColumnIndex? ColumnIndex, OffsetIndex OffsetIndex, long UncompressedBytes);

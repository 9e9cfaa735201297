using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Loggia.Parquet.Data;
using Loggia.Parquet.Encodings;
using Loggia.Parquet.Format;
using Loggia.Parquet.Schema;

namespace Loggia.Parquet.Reading;

/// <summary>
/// Reads the pages of one leaf's column chunk into a <see cref="LeafData"/>: dictionary page,
/// data pages V1 and V2, every encoding of the types this library reads; with a row selection it
/// reads only the pages that hold selected rows (through the offset index when there is one) and
/// keeps only the selected rows. Every length and count from the file is checked before use.
/// </summary>
internal sealed class LeafChunkReader : IDisposable
{
    /// <summary>Largest page accepted; bounds what a corrupt header can make us allocate.</summary>
    internal const int MaxPageBytes = 512 * 1024 * 1024;

    /// <summary>Largest value count accepted in one page.</summary>
    internal const int MaxPageValues = 64 * 1024 * 1024;

    private readonly RandomAccessSource _source;
    private readonly PageDecompressor _decompressor = new();
    private readonly BinaryVector _binaryDictionary = new();
    private ColumnVector? _primitiveDictionary;
    private int[] _scratchInts = new int[1024];
    private int[] _scratchInts2 = new int[1024];
    private bool _hasDictionary;

    public LeafChunkReader(RandomAccessSource source)
    {
        _source = source;
    }

    /// <summary>Reads the chunk of <paramref name="leaf"/> (rows selected by <paramref name="selection"/>, or all) appending to <paramref name="output"/>.</summary>
    public void Read(ParquetLeaf leaf, ColumnChunk chunk, OffsetIndex? offsetIndex, long rowGroupRows, RowSelection? selection, LeafData output)
    {
        var metadata = chunk.MetaData ?? throw new ParquetFormatException($"column chunk '{leaf.DottedPath}' has no metadata (encrypted or external chunks are not supported)", -1, _source.Path);
        if (chunk.FilePath is not null)
        {
            throw new ParquetFormatException($"column chunk '{leaf.DottedPath}' lives in another file ({chunk.FilePath}), which is not supported", -1, _source.Path);
        }

        _hasDictionary = false;
        var start = metadata.DictionaryPageOffset is > 0 and var d && d < metadata.DataPageOffset ? d : metadata.DataPageOffset;
        var length = metadata.TotalCompressedSize;
        if (start < 4 || length <= 0 || length > int.MaxValue || start > _source.Length - length)
        {
            throw new ParquetFormatException($"column chunk '{leaf.DottedPath}' spans [{start}, {start + length}) outside the file", start, _source.Path);
        }

        if (selection is not null && offsetIndex is { PageLocations.Count: > 0 })
        {
            ReadSelectedPages(leaf, metadata, start, offsetIndex, rowGroupRows, selection, output);
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            _source.ReadExactly(start, buffer.AsSpan(0, (int)length));
            ReadSequentialPages(leaf, metadata, buffer.AsSpan(0, (int)length), start, selection, output);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void ReadSequentialPages(ParquetLeaf leaf, ColumnMetaData metadata, ReadOnlySpan<byte> chunk, long chunkOffset, RowSelection? selection, LeafData output)
    {
        var position = 0;
        long row = 0;
        long valuesSeen = 0;
        while (position < chunk.Length && valuesSeen < metadata.NumValues)
        {
            var header = ReadPageHeader(chunk[position..], chunkOffset + position, out var headerLength);
            var bodyStart = position + headerLength;
            if (header.CompressedPageSize < 0 || header.CompressedPageSize > chunk.Length - bodyStart)
            {
                throw new ParquetFormatException($"page of '{leaf.DottedPath}' claims {header.CompressedPageSize} bytes past the end of its chunk", chunkOffset + position, _source.Path);
            }

            var body = chunk.Slice(bodyStart, header.CompressedPageSize);
            var pageOffset = chunkOffset + position;
            position = bodyStart + header.CompressedPageSize;
            switch (header.Type)
            {
                case PageType.DictionaryPage:
                    ReadDictionaryPage(leaf, metadata.Codec, header, body, pageOffset);
                    break;
                case PageType.DataPage or PageType.DataPageV2:
                    var numValues = header.DataPageHeader?.NumValues ?? header.DataPageHeaderV2?.NumValues ?? 0;
                    valuesSeen += numValues;
                    if (selection is not null && leaf.MaxRepetitionLevel == 0 && !selection.Overlaps(row, row + numValues))
                    {
                        row += numValues; // flat column: values are rows, so the page can be skipped undecoded
                        continue;
                    }

                    row += DecodeDataPage(leaf, metadata.Codec, header, body, pageOffset, row, selection, output);
                    break;
                default:
                    break; // index pages and unknown page types are skipped, as the spec allows
            }
        }
    }

    private void ReadSelectedPages(ParquetLeaf leaf, ColumnMetaData metadata, long chunkStart, OffsetIndex offsetIndex, long rowGroupRows, RowSelection selection, LeafData output)
    {
        var pages = offsetIndex.PageLocations;
        var firstPageOffset = pages[0].Offset;
        if (firstPageOffset > chunkStart)
        {
            // The dictionary page sits between the chunk start and the first data page.
            var length = firstPageOffset - chunkStart;
            if (length > MaxPageBytes)
            {
                throw new ParquetFormatException($"dictionary of '{leaf.DottedPath}' is implausibly large ({length} bytes)", chunkStart, _source.Path);
            }

            var buffer = ArrayPool<byte>.Shared.Rent((int)length);
            try
            {
                _source.ReadExactly(chunkStart, buffer.AsSpan(0, (int)length));
                var header = ReadPageHeader(buffer.AsSpan(0, (int)length), chunkStart, out var headerLength);
                if (header.Type == PageType.DictionaryPage)
                {
                    if (header.CompressedPageSize < 0 || header.CompressedPageSize > length - headerLength)
                    {
                        throw new ParquetFormatException($"dictionary page of '{leaf.DottedPath}' overruns its chunk", chunkStart, _source.Path);
                    }

                    ReadDictionaryPage(leaf, metadata.Codec, header, buffer.AsSpan(headerLength, header.CompressedPageSize), chunkStart);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        for (var i = 0; i < pages.Count; i++)
        {
            var location = pages[i];
            var firstRow = location.FirstRowIndex;
            var endRow = i + 1 < pages.Count ? pages[i + 1].FirstRowIndex : rowGroupRows;
            if (!selection.Overlaps(firstRow, endRow))
            {
                continue;
            }

            if (location.CompressedPageSize <= 0 || location.CompressedPageSize > MaxPageBytes || location.Offset < chunkStart
                || location.Offset > chunkStart + metadata.TotalCompressedSize - location.CompressedPageSize)
            {
                throw new ParquetFormatException($"offset index of '{leaf.DottedPath}' points outside its chunk", location.Offset, _source.Path);
            }

            var buffer = ArrayPool<byte>.Shared.Rent(location.CompressedPageSize);
            try
            {
                var page = buffer.AsSpan(0, location.CompressedPageSize);
                _source.ReadExactly(location.Offset, page);
                var header = ReadPageHeader(page, location.Offset, out var headerLength);
                if (header.Type is not (PageType.DataPage or PageType.DataPageV2) || header.CompressedPageSize != page.Length - headerLength)
                {
                    throw new ParquetFormatException($"offset index of '{leaf.DottedPath}' does not point at a data page", location.Offset, _source.Path);
                }

                DecodeDataPage(leaf, metadata.Codec, header, page[headerLength..], location.Offset, firstRow, selection, output);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private PageHeader ReadPageHeader(ReadOnlySpan<byte> data, long offset, out int headerLength)
    {
        PageHeader header;
        try
        {
            header = ParquetMetadataSerializer.ReadPageHeader(data, out headerLength);
        }
        catch (ParquetFormatException e)
        {
            throw new ParquetFormatException("corrupt page header: " + e.Reason, offset + Math.Max(0, e.Offset), _source.Path, e);
        }

        if (header.UncompressedPageSize < 0 || header.UncompressedPageSize > MaxPageBytes)
        {
            throw new ParquetFormatException($"page claims an uncompressed size of {header.UncompressedPageSize} bytes", offset, _source.Path);
        }

        return header;
    }

    private byte[] Decompress(CompressionCodec codec, ReadOnlySpan<byte> body, int uncompressedSize, long offset)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(uncompressedSize, 1));
        try
        {
            _decompressor.Decompress(codec, body, buffer.AsSpan(0, uncompressedSize));
            return buffer;
        }
        catch (ParquetFormatException e)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw new ParquetFormatException(e.Reason, offset, _source.Path, e);
        }
    }

    private void ReadDictionaryPage(ParquetLeaf leaf, CompressionCodec codec, PageHeader header, ReadOnlySpan<byte> body, long offset)
    {
        var dictionaryHeader = header.DictionaryPageHeader ?? throw new ParquetFormatException("dictionary page without its header", offset, _source.Path);
        var count = dictionaryHeader.NumValues;
        if (count < 0 || count > MaxPageValues)
        {
            throw new ParquetFormatException($"dictionary page claims {count} values", offset, _source.Path);
        }

        if (dictionaryHeader.Encoding is not (Encoding.Plain or Encoding.PlainDictionary))
        {
            throw new ParquetFormatException($"dictionary page encoding {dictionaryHeader.Encoding} is not supported", offset, _source.Path);
        }

        var buffer = Decompress(codec, body, header.UncompressedPageSize, offset);
        try
        {
            var values = buffer.AsSpan(0, header.UncompressedPageSize);
            if (leaf.PhysicalType == PhysicalType.ByteArray)
            {
                _binaryDictionary.Clear();
                DecodePlainByteArrays(values, count, _binaryDictionary, offset);
            }
            else
            {
                _primitiveDictionary = leaf.PhysicalType switch
                {
                    PhysicalType.Int32 => _primitiveDictionary as PrimitiveVector<int> ?? new PrimitiveVector<int>(),
                    PhysicalType.Int64 => _primitiveDictionary as PrimitiveVector<long> ?? new PrimitiveVector<long>(),
                    PhysicalType.Double => _primitiveDictionary as PrimitiveVector<double> ?? new PrimitiveVector<double>(),
                    PhysicalType.Boolean => _primitiveDictionary as PrimitiveVector<bool> ?? new PrimitiveVector<bool>(),
                    _ => throw new ParquetFormatException($"physical type {leaf.PhysicalType} is not supported", offset, _source.Path),
                };
                _primitiveDictionary.Clear();
                DecodeValues(leaf, Encoding.Plain, values, count, _primitiveDictionary, offset);
            }

            _hasDictionary = true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Decodes one data page, appending its (selected) levels and values; returns the rows it held.</summary>
    private long DecodeDataPage(ParquetLeaf leaf, CompressionCodec codec, PageHeader header, ReadOnlySpan<byte> body, long offset, long firstRow, RowSelection? selection, LeafData output)
    {
        int numValues;
        Encoding encoding;
        byte[]? decompressed = null;
        ReadOnlySpan<byte> repetitionBytes = default, definitionBytes = default, values;
        try
        {
            if (header.Type == PageType.DataPage)
            {
                var v1 = header.DataPageHeader ?? throw new ParquetFormatException("data page without its header", offset, _source.Path);
                numValues = v1.NumValues;
                encoding = v1.Encoding;
                CheckValueCount(numValues, offset);
                decompressed = Decompress(codec, body, header.UncompressedPageSize, offset);
                ReadOnlySpan<byte> page = decompressed.AsSpan(0, header.UncompressedPageSize);
                if (leaf.MaxRepetitionLevel > 0)
                {
                    repetitionBytes = TakeLengthPrefixed(ref page, v1.RepetitionLevelEncoding, offset);
                }

                if (leaf.MaxDefinitionLevel > 0)
                {
                    definitionBytes = TakeLengthPrefixed(ref page, v1.DefinitionLevelEncoding, offset);
                }

                values = page;
            }
            else
            {
                var v2 = header.DataPageHeaderV2 ?? throw new ParquetFormatException("data page V2 without its header", offset, _source.Path);
                numValues = v2.NumValues;
                encoding = v2.Encoding;
                CheckValueCount(numValues, offset);
                var levelsLength = (long)v2.RepetitionLevelsByteLength + v2.DefinitionLevelsByteLength;
                if (v2.RepetitionLevelsByteLength < 0 || v2.DefinitionLevelsByteLength < 0 || levelsLength > body.Length)
                {
                    throw new ParquetFormatException("data page V2 level lengths exceed the page", offset, _source.Path);
                }

                repetitionBytes = body[..v2.RepetitionLevelsByteLength];
                definitionBytes = body.Slice(v2.RepetitionLevelsByteLength, v2.DefinitionLevelsByteLength);
                var compressedValues = body[(int)levelsLength..];
                var valuesSize = header.UncompressedPageSize - (int)levelsLength;
                if (valuesSize < 0)
                {
                    throw new ParquetFormatException("data page V2 is smaller than its levels", offset, _source.Path);
                }

                if (v2.IsCompressed != false && codec != CompressionCodec.Uncompressed)
                {
                    decompressed = Decompress(codec, compressedValues, valuesSize, offset);
                    values = decompressed.AsSpan(0, valuesSize);
                }
                else
                {
                    values = compressedValues;
                }
            }

            return DecodeLevelsAndValues(leaf, encoding, numValues, repetitionBytes, definitionBytes, values, offset, firstRow, selection, output);
        }
        finally
        {
            if (decompressed is not null)
            {
                ArrayPool<byte>.Shared.Return(decompressed);
            }
        }
    }

    private void CheckValueCount(int numValues, long offset)
    {
        if (numValues < 0 || numValues > MaxPageValues)
        {
            throw new ParquetFormatException($"data page claims {numValues} values", offset, _source.Path);
        }
    }

    private ReadOnlySpan<byte> TakeLengthPrefixed(scoped ref ReadOnlySpan<byte> page, Encoding encoding, long offset)
    {
        if (encoding != Encoding.Rle)
        {
            throw new ParquetFormatException($"level encoding {encoding} is not supported", offset, _source.Path);
        }

        if (page.Length < 4)
        {
            throw new ParquetFormatException("data page ends inside its levels", offset, _source.Path);
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(page);
        if (length < 0 || length > page.Length - 4)
        {
            throw new ParquetFormatException($"levels claim {length} bytes of a {page.Length}-byte page", offset, _source.Path);
        }

        var levels = page.Slice(4, length);
        page = page[(4 + length)..];
        return levels;
    }

    private long DecodeLevelsAndValues(
        ParquetLeaf leaf, Encoding encoding, int numValues, ReadOnlySpan<byte> repetitionBytes, ReadOnlySpan<byte> definitionBytes,
        ReadOnlySpan<byte> values, long offset, long firstRow, RowSelection? selection, LeafData output)
    {
        var levelStart = output.LevelCount;
        var valueStart = output.Values.Count;
        var nonNull = numValues;
        var rows = (long)numValues;
        if (leaf.MaxDefinitionLevel > 0 || leaf.MaxRepetitionLevel > 0)
        {
            var first = output.AppendLevels(numValues);
            var definition = output.Definition.Slice(first, numValues);
            var repetition = output.Repetition.Slice(first, numValues);
            DecodeLevels(repetitionBytes, leaf.MaxRepetitionLevel, repetition, offset);
            DecodeLevels(definitionBytes, leaf.MaxDefinitionLevel, definition, offset);
            nonNull = 0;
            var max = leaf.MaxDefinitionLevel;
            foreach (var level in definition)
            {
                if (level == max)
                {
                    nonNull++;
                }
            }

            if (leaf.MaxRepetitionLevel > 0)
            {
                rows = 0;
                foreach (var level in repetition)
                {
                    if (level == 0)
                    {
                        rows++;
                    }
                }
            }
        }

        DecodeValues(leaf, encoding, values, nonNull, output.Values, offset);
        if (selection is not null && !selection.Covers(firstRow, firstRow + rows))
        {
            KeepSelectedRows(leaf, output, levelStart, valueStart, firstRow, selection);
        }

        return rows;
    }

    private void DecodeLevels(ReadOnlySpan<byte> data, int maxLevel, Span<int> destination, long offset)
    {
        if (maxLevel == 0)
        {
            destination.Clear();
            return;
        }

        var decoder = new RleBitPackedHybridDecoder(data, BitWidth.Of((uint)maxLevel));
        var read = decoder.Read(destination);
        if (read != destination.Length)
        {
            throw new ParquetFormatException($"levels hold {read} of {destination.Length} values", offset, _source.Path);
        }

        foreach (var level in destination)
        {
            if ((uint)level > (uint)maxLevel)
            {
                throw new ParquetFormatException($"level {level} exceeds the maximum {maxLevel}", offset, _source.Path);
            }
        }
    }

    /// <summary>Compacts the entries just appended so that only rows in <paramref name="selection"/> remain.</summary>
    private static void KeepSelectedRows(ParquetLeaf leaf, LeafData output, int levelStart, int valueStart, long firstRow, RowSelection selection)
    {
        var values = output.Values;
        var valueEnd = values.Count;
        var rangeIndex = selection.FirstRangeEndingAfter(firstRow);
        var ranges = selection.Ranges;
        if (leaf.MaxDefinitionLevel == 0 && leaf.MaxRepetitionLevel == 0)
        {
            var write = valueStart;
            for (var read = valueStart; read < valueEnd; read++)
            {
                var row = firstRow + (read - valueStart);
                while (rangeIndex < ranges.Count && ranges[rangeIndex].End <= row)
                {
                    rangeIndex++;
                }

                if (rangeIndex < ranges.Count && ranges[rangeIndex].Start <= row)
                {
                    MoveValue(values, read, write++);
                }
            }

            Truncate(values, write);
            return;
        }

        var levelWrite = levelStart;
        var valueRead = valueStart;
        var valueWrite = valueStart;
        var currentRow = firstRow - 1;
        var keep = false;
        var definition = output.Definition;
        var repetition = output.Repetition;
        var levelEnd = output.LevelCount;
        for (var i = levelStart; i < levelEnd; i++)
        {
            if (repetition[i] == 0)
            {
                currentRow++;
                while (rangeIndex < ranges.Count && ranges[rangeIndex].End <= currentRow)
                {
                    rangeIndex++;
                }

                keep = rangeIndex < ranges.Count && ranges[rangeIndex].Start <= currentRow;
            }

            var hasValue = definition[i] == leaf.MaxDefinitionLevel;
            if (keep)
            {
                output.MoveLevel(i, levelWrite++);
                if (hasValue)
                {
                    MoveValue(values, valueRead, valueWrite++);
                }
            }

            if (hasValue)
            {
                valueRead++;
            }
        }

        output.LevelCount = levelWrite;
        Truncate(values, valueWrite);
    }

    private static void MoveValue(ColumnVector values, int from, int to)
    {
        switch (values)
        {
            case BinaryVector binary: binary.MoveRow(from, to); break;
            case PrimitiveVector<long> longs: longs.MoveRow(from, to); break;
            case PrimitiveVector<int> ints: ints.MoveRow(from, to); break;
            case PrimitiveVector<double> doubles: doubles.MoveRow(from, to); break;
            case PrimitiveVector<bool> booleans: booleans.MoveRow(from, to); break;
            default: throw new InvalidOperationException("unexpected vector type");
        }
    }

    private static void Truncate(ColumnVector values, int count)
    {
        switch (values)
        {
            case BinaryVector binary: binary.Truncate(count); break;
            case PrimitiveVector<long> longs: longs.Truncate(count); break;
            case PrimitiveVector<int> ints: ints.Truncate(count); break;
            case PrimitiveVector<double> doubles: doubles.Truncate(count); break;
            case PrimitiveVector<bool> booleans: booleans.Truncate(count); break;
            default: throw new InvalidOperationException("unexpected vector type");
        }
    }

    private void DecodeValues(ParquetLeaf leaf, Encoding encoding, ReadOnlySpan<byte> data, int count, ColumnVector destination, long offset)
    {
        if (count == 0)
        {
            return; // a page of nulls or empty lists has no values, whatever encoding it names
        }

        try
        {
            switch (destination)
            {
                case BinaryVector binary:
                    DecodeByteArrays(encoding, data, count, binary, offset);
                    break;
                case PrimitiveVector<long> longs:
                    DecodeFixed(encoding, data, count, longs, offset);
                    break;
                case PrimitiveVector<int> ints:
                    DecodeFixed(encoding, data, count, ints, offset);
                    break;
                case PrimitiveVector<double> doubles:
                    DecodeFixed(encoding, data, count, doubles, offset);
                    break;
                case PrimitiveVector<bool> booleans:
                    DecodeBooleans(encoding, data, count, booleans, offset);
                    break;
                default:
                    throw new ParquetFormatException($"leaf '{leaf.DottedPath}' has an unsupported type", offset, _source.Path);
            }
        }
        catch (ParquetFormatException e) when (e.FilePath is null)
        {
            throw new ParquetFormatException($"column '{leaf.DottedPath}': {e.Reason}", offset, _source.Path, e);
        }
    }

    private void DecodeFixed<T>(Encoding encoding, ReadOnlySpan<byte> data, int count, PrimitiveVector<T> destination, long offset)
        where T : unmanaged
    {
        var size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        switch (encoding)
        {
            case Encoding.Plain:
                if (data.Length < (long)count * size)
                {
                    throw new ParquetFormatException($"page holds {data.Length} bytes for {count} values", offset);
                }

                MemoryMarshal.Cast<byte, T>(data[..(count * size)]).CopyTo(destination.AppendUninitialized(count));
                break;
            case Encoding.PlainDictionary or Encoding.RleDictionary:
                if (!_hasDictionary || _primitiveDictionary is not PrimitiveVector<T> dictionary)
                {
                    throw new ParquetFormatException("dictionary-encoded page without a dictionary page", offset);
                }

                var indices = DecodeIndices(data, count, offset);
                DictionaryDecoding.Gather(dictionary.Values, indices, destination.AppendUninitialized(count));
                break;
            case Encoding.DeltaBinaryPacked when typeof(T) == typeof(long):
                {
                    var decoder = new DeltaBinaryPackedDecoder(data);
                    var target = MemoryMarshal.Cast<T, long>(destination.AppendUninitialized(count));
                    if (decoder.ReadInt64(target) != count)
                    {
                        throw new ParquetFormatException("delta-encoded page holds fewer values than its header says", offset);
                    }

                    break;
                }

            case Encoding.DeltaBinaryPacked when typeof(T) == typeof(int):
                {
                    var decoder = new DeltaBinaryPackedDecoder(data);
                    var target = MemoryMarshal.Cast<T, int>(destination.AppendUninitialized(count));
                    if (decoder.ReadInt32(target) != count)
                    {
                        throw new ParquetFormatException("delta-encoded page holds fewer values than its header says", offset);
                    }

                    break;
                }

            case Encoding.ByteStreamSplit:
                {
                    if (data.Length < (long)count * size)
                    {
                        throw new ParquetFormatException($"page holds {data.Length} bytes for {count} values", offset);
                    }

                    var target = MemoryMarshal.AsBytes(destination.AppendUninitialized(count));
                    for (var b = 0; b < size; b++)
                    {
                        var stream = data.Slice(b * count, count);
                        for (var i = 0; i < count; i++)
                        {
                            target[(i * size) + b] = stream[i];
                        }
                    }

                    break;
                }

            default:
                throw new ParquetFormatException($"encoding {encoding} is not supported for {typeof(T).Name} values", offset);
        }
    }

    private void DecodeBooleans(Encoding encoding, ReadOnlySpan<byte> data, int count, PrimitiveVector<bool> destination, long offset)
    {
        var target = destination.AppendUninitialized(count);
        switch (encoding)
        {
            case Encoding.Plain:
                {
                    var decoder = new PlainDecoder(data);
                    if (decoder.ReadBoolean(target) != count)
                    {
                        throw new ParquetFormatException("boolean page holds fewer values than its header says", offset);
                    }

                    break;
                }

            case Encoding.Rle:
                {
                    if (data.Length < 4)
                    {
                        throw new ParquetFormatException("boolean RLE page is too short", offset);
                    }

                    var length = BinaryPrimitives.ReadInt32LittleEndian(data);
                    if (length < 0 || length > data.Length - 4)
                    {
                        throw new ParquetFormatException("boolean RLE length exceeds the page", offset);
                    }

                    var ints = Scratch(ref _scratchInts, count);
                    var decoder = new RleBitPackedHybridDecoder(data.Slice(4, length), 1);
                    if (decoder.Read(ints) != count)
                    {
                        throw new ParquetFormatException("boolean page holds fewer values than its header says", offset);
                    }

                    for (var i = 0; i < count; i++)
                    {
                        target[i] = ints[i] != 0;
                    }

                    break;
                }

            case Encoding.PlainDictionary or Encoding.RleDictionary:
                {
                    if (!_hasDictionary || _primitiveDictionary is not PrimitiveVector<bool> dictionary)
                    {
                        throw new ParquetFormatException("dictionary-encoded page without a dictionary page", offset);
                    }

                    DictionaryDecoding.Gather(dictionary.Values, DecodeIndices(data, count, offset), target);
                    break;
                }

            default:
                throw new ParquetFormatException($"encoding {encoding} is not supported for booleans", offset);
        }
    }

    private Span<int> DecodeIndices(ReadOnlySpan<byte> data, int count, long offset)
    {
        var indices = Scratch(ref _scratchInts, count);
        if (count == 0)
        {
            return indices;
        }

        if (data.IsEmpty || data[0] > 32)
        {
            throw new ParquetFormatException("dictionary indices have an invalid bit width", offset);
        }

        var decoder = new RleBitPackedHybridDecoder(data[1..], data[0]);
        if (decoder.Read(indices) != count)
        {
            throw new ParquetFormatException("page holds fewer dictionary indices than its header says", offset);
        }

        return indices;
    }

    private static Span<int> Scratch(ref int[] array, int count)
    {
        if (array.Length < count)
        {
            array = new int[Math.Max(count, array.Length * 2)];
        }

        return array.AsSpan(0, count);
    }

    private void DecodeByteArrays(Encoding encoding, ReadOnlySpan<byte> data, int count, BinaryVector destination, long offset)
    {
        switch (encoding)
        {
            case Encoding.Plain:
                DecodePlainByteArrays(data, count, destination, offset);
                break;
            case Encoding.PlainDictionary or Encoding.RleDictionary:
                {
                    if (!_hasDictionary)
                    {
                        throw new ParquetFormatException("dictionary-encoded page without a dictionary page", offset);
                    }

                    var indices = DecodeIndices(data, count, offset);
                    var dictionaryCount = _binaryDictionary.Count;
                    var dictionaryOffsets = _binaryDictionary.Offsets;
                    var dictionaryData = _binaryDictionary.Data;
                    foreach (var index in indices)
                    {
                        if ((uint)index >= (uint)dictionaryCount)
                        {
                            throw new ParquetFormatException($"dictionary index {index} is out of range ({dictionaryCount} entries)", offset);
                        }

                        destination.Append(dictionaryData[dictionaryOffsets[index]..dictionaryOffsets[index + 1]]);
                    }

                    break;
                }

            case Encoding.DeltaLengthByteArray:
                {
                    var lengths = Scratch(ref _scratchInts, count);
                    var decoder = new DeltaBinaryPackedDecoder(data);
                    if (decoder.ReadInt32(lengths) != count)
                    {
                        throw new ParquetFormatException("length stream holds fewer values than the page", offset);
                    }

                    var bytes = data[decoder.BytesConsumed..];
                    foreach (var length in lengths)
                    {
                        if (length < 0 || length > bytes.Length)
                        {
                            throw new ParquetFormatException("byte array value overruns the page", offset);
                        }

                        destination.Append(bytes[..length]);
                        bytes = bytes[length..];
                    }

                    break;
                }

            case Encoding.DeltaByteArray:
                DecodeDeltaByteArrays(data, count, destination, offset);
                break;
            default:
                throw new ParquetFormatException($"encoding {encoding} is not supported for byte arrays", offset);
        }
    }

    private void DecodeDeltaByteArrays(ReadOnlySpan<byte> data, int count, BinaryVector destination, long offset)
    {
        var prefixes = Scratch(ref _scratchInts, count);
        var prefixDecoder = new DeltaBinaryPackedDecoder(data);
        if (prefixDecoder.ReadInt32(prefixes) != count)
        {
            throw new ParquetFormatException("prefix stream holds fewer values than the page", offset);
        }

        var rest = data[prefixDecoder.BytesConsumed..];
        var suffixLengths = Scratch(ref _scratchInts2, count);
        var suffixDecoder = new DeltaBinaryPackedDecoder(rest);
        if (suffixDecoder.ReadInt32(suffixLengths) != count)
        {
            throw new ParquetFormatException("suffix length stream holds fewer values than the page", offset);
        }

        var suffixes = rest[suffixDecoder.BytesConsumed..];
        var previousLength = 0;
        for (var i = 0; i < count; i++)
        {
            var prefix = prefixes[i];
            var suffix = suffixLengths[i];
            if (prefix < 0 || prefix > previousLength || suffix < 0 || suffix > suffixes.Length)
            {
                throw new ParquetFormatException("delta byte array value is inconsistent with its predecessor", offset);
            }

            var previousStart = destination.Count == 0 ? 0 : destination.Offsets[destination.Count - 1];
            var target = destination.Reserve(prefix + suffix);
            if (prefix > 0)
            {
                destination.DataBuffer.AsSpan(previousStart, prefix).CopyTo(target);
            }

            suffixes[..suffix].CopyTo(target[prefix..]);
            suffixes = suffixes[suffix..];
            previousLength = prefix + suffix;
        }
    }

    private void DecodePlainByteArrays(ReadOnlySpan<byte> data, int count, BinaryVector destination, long offset)
    {
        var position = 0;
        for (var i = 0; i < count; i++)
        {
            if (data.Length - position < 4)
            {
                throw new ParquetFormatException($"page ends after {i} of {count} byte array values", offset, _source.Path);
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(data[position..]);
            position += 4;
            if (length < 0 || length > data.Length - position)
            {
                throw new ParquetFormatException($"byte array value of {length} bytes overruns the page", offset, _source.Path);
            }

            data.Slice(position, length).CopyTo(destination.Reserve(length));
            position += length;
        }
    }

    public void Dispose() => _decompressor.Dispose();
}

using System.Buffers;
using Loggia.Parquet.Data;
using Loggia.Parquet.Encodings;
using Loggia.Parquet.Format;
using Loggia.Parquet.Schema;

namespace Loggia.Parquet.Writing;

/// <summary>
/// Writes a BYTE_ARRAY leaf: a flat binary/string/JSON column, or the key or value leaf of a
/// string map. Encodings: RLE_DICTIONARY with fallback (to PLAIN, or DELTA_LENGTH_BYTE_ARRAY when
/// delta is asked for), PLAIN, DELTA_LENGTH_BYTE_ARRAY. Statistics compare bytes unsigned.
/// </summary>
internal sealed class ByteArrayLeafWriter : LeafWriter
{
    private readonly Encoding _fallbackEncoding;
    private readonly ByteArrayDictionary _dictionary = new();
    private byte[] _data = new byte[64 * 1024];
    private int[] _offsets = new int[1025];
    private int[] _indices = new int[1024];
    private int _valueCount;
    private readonly Bounds _page = new();
    private readonly Bounds _chunkBounds = new();

    public ByteArrayLeafWriter(ParquetLeaf leaf, ColumnEncoding encoding, ParquetWriterOptions options, PageCompressor compressor)
        : base(leaf, options, compressor, encoding is ColumnEncoding.Auto or ColumnEncoding.Dictionary)
    {
        _fallbackEncoding = encoding == ColumnEncoding.Delta ? Encoding.DeltaLengthByteArray : Encoding.Plain;
    }

    public override void Write(ColumnVector vector, int start, int count)
    {
        if (vector is MapVector map)
        {
            WriteMapLeaf(map, start, count);
            return;
        }

        var binary = (BinaryVector)vector;
        var nullable = Leaf.MaxDefinitionLevel > 0;
        for (var row = start; row < start + count; row++)
        {
            if (binary.IsNull(row))
            {
                if (!nullable)
                {
                    throw new ArgumentException($"column '{Leaf.DottedPath}' is required but row {row} is null");
                }

                AddLevels(0, 0);
            }
            else
            {
                if (nullable)
                {
                    AddLevels(1, 0);
                }

                AppendValue(binary[row]);
            }

            EndRows(1);
        }
    }

    private void WriteMapLeaf(MapVector map, int start, int count)
    {
        var values = Leaf.Role == LeafRole.MapKey ? map.Keys : map.Values;
        var entryDefinition = Leaf.MaxDefinitionLevel;
        var offsets = map.EntryOffsets;
        for (var row = start; row < start + count; row++)
        {
            if (map.IsNull(row))
            {
                if (entryDefinition < 2)
                {
                    throw new ArgumentException($"column '{Leaf.Path[0]}' is required but row {row} is null");
                }

                AddLevels(0, 0);
            }
            else if (offsets[row] == offsets[row + 1])
            {
                AddLevels(entryDefinition - 1, 0);
            }
            else
            {
                for (var entry = offsets[row]; entry < offsets[row + 1]; entry++)
                {
                    if (values.IsNull(entry))
                    {
                        throw new ArgumentException($"map column '{Leaf.Path[0]}' has a null key or value in row {row}");
                    }

                    AddLevels(entryDefinition, entry == offsets[row] ? 0 : 1);
                    AppendValue(values[entry]);
                }
            }

            EndRows(1);
        }
    }

    private void AppendValue(ReadOnlySpan<byte> value)
    {
        _page.Add(value);
        _chunkBounds.Add(value);
        PageRawBytes += value.Length + 4;
        RowGroupRawBytes += value.Length + 4;
        if (DictionaryActive)
        {
            if (_indices.Length == _valueCount)
            {
                Array.Resize(ref _indices, _valueCount * 2);
            }

            _indices[_valueCount++] = _dictionary.GetOrAdd(value);
            CheckDictionarySize();
            return;
        }

        if (_offsets.Length < _valueCount + 2)
        {
            Array.Resize(ref _offsets, _offsets.Length * 2);
        }

        var end = _offsets[_valueCount];
        var newEnd = checked(end + value.Length);
        if (_data.Length < newEnd)
        {
            Array.Resize(ref _data, (int)Math.Min(Array.MaxLength, Math.Max(newEnd, (long)_data.Length * 2)));
        }

        value.CopyTo(_data.AsSpan(end));
        _offsets[++_valueCount] = newEnd;
    }

    protected override Encoding EncodeValues(IBufferWriter<byte> output)
    {
        var count = _valueCount;
        _valueCount = 0;
        _page.Reset();
        if (DictionaryActive && count > 0)
        {
            var bitWidth = Math.Max(1, BitWidth.Of((uint)Math.Max(0, _dictionary.Count - 1)));
            output.GetSpan(1)[0] = (byte)bitWidth;
            output.Advance(1);
            RleBitPackedHybridEncoder.Encode(_indices.AsSpan(0, count), bitWidth, output);
            return Encoding.RleDictionary;
        }

        var offsets = _offsets.AsSpan(0, count + 1);
        var data = _data.AsSpan(0, offsets[count]);
        _offsets[0] = 0;
        if (_fallbackEncoding == Encoding.DeltaLengthByteArray)
        {
            DeltaLengthByteArrayEncoder.Encode(data, offsets, output);
            return Encoding.DeltaLengthByteArray;
        }

        PlainEncoder.WriteByteArrays(data, offsets, output);
        return Encoding.Plain;
    }

    protected override long DictionaryPlainBytes => _dictionary.PlainEncodedSize;

    protected override int DictionaryCount => _dictionary.Count;

    protected override void WriteDictionary(IBufferWriter<byte> output) => _dictionary.WritePlain(output);

    protected override void ResetChunk()
    {
        _chunkBounds.Reset();
        _dictionary.Clear();
    }

    protected override bool TryGetPageBounds(int maxLength, out byte[] min, out byte[] max, out bool exact)
    {
        var found = _page.TryGet(maxLength, out min, out max, out var minExact, out var maxExact);
        exact = minExact && maxExact;
        return found;
    }

    protected override bool TryGetChunkBounds(int maxLength, out byte[] min, out byte[] max, out bool minExact, out bool maxExact) =>
        _chunkBounds.TryGet(maxLength, out min, out max, out minExact, out maxExact);

    protected override int CompareBounds(byte[] left, byte[] right) => left.AsSpan().SequenceCompareTo(right);

    /// <summary>Running unsigned-lexicographic min/max; copies a value only when it becomes a bound.</summary>
    private sealed class Bounds
    {
        private byte[] _min = new byte[64];
        private byte[] _max = new byte[64];
        private int _minLength;
        private int _maxLength;
        private bool _any;

        public void Reset() => _any = false;

        public void Add(ReadOnlySpan<byte> value)
        {
            if (!_any)
            {
                Set(ref _min, ref _minLength, value);
                Set(ref _max, ref _maxLength, value);
                _any = true;
                return;
            }

            if (value.SequenceCompareTo(_min.AsSpan(0, _minLength)) < 0)
            {
                Set(ref _min, ref _minLength, value);
            }
            else if (value.SequenceCompareTo(_max.AsSpan(0, _maxLength)) > 0)
            {
                Set(ref _max, ref _maxLength, value);
            }
        }

        private static void Set(ref byte[] target, ref int length, ReadOnlySpan<byte> value)
        {
            if (target.Length < value.Length)
            {
                target = new byte[Math.Max(value.Length, target.Length * 2)];
            }

            value.CopyTo(target);
            length = value.Length;
        }

        public bool TryGet(int maxLength, out byte[] min, out byte[] max, out bool minExact, out bool maxExact)
        {
            min = max = [];
            minExact = maxExact = true;
            if (!_any)
            {
                return false;
            }

            min = StatisticsBounds.TruncateMin(_min.AsSpan(0, _minLength), maxLength, out minExact);
            if (!StatisticsBounds.TryTruncateMax(_max.AsSpan(0, _maxLength), maxLength, out max, out maxExact))
            {
                min = [];
                return false;
            }

            return true;
        }
    }
}

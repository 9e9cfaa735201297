using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Loggia.Parquet.Data;
using Loggia.Parquet.Encodings;
using Loggia.Parquet.Format;
using Loggia.Parquet.Schema;

namespace Loggia.Parquet.Writing;

/// <summary>
/// Writes a flat column of fixed-width values (BOOLEAN, INT32, INT64/TIMESTAMP, DOUBLE): PLAIN,
/// DELTA_BINARY_PACKED, or RLE_DICTIONARY that falls back to PLAIN when the dictionary grows past
/// its limit or does not pay for itself on the first page.
/// </summary>
internal sealed class PrimitiveLeafWriter<T> : LeafWriter
    where T : unmanaged, IEquatable<T>
{
    private readonly Encoding _valueEncoding;
    private readonly PrimitiveDictionary<T>? _dictionary;
    private T[] _values = new T[1024];
    private int[] _indices = new int[1024];
    private int _valueCount;
    private readonly Bounds _page = new();
    private readonly Bounds _chunkBounds = new();

    public PrimitiveLeafWriter(ParquetLeaf leaf, ColumnEncoding encoding, ParquetColumnType type, ParquetWriterOptions options, PageCompressor compressor)
        : base(leaf, options, compressor, UsesDictionary(encoding, type))
    {
        var isInteger = typeof(T) == typeof(int) || typeof(T) == typeof(long);
        if (encoding == ColumnEncoding.Delta && !isInteger)
        {
            throw new ArgumentException($"column '{leaf.DottedPath}': delta encoding applies to integer columns only");
        }

        _valueEncoding = encoding == ColumnEncoding.Delta || (encoding == ColumnEncoding.Auto && type == ParquetColumnType.TimestampNanos)
            ? Encoding.DeltaBinaryPacked
            : Encoding.Plain;
        _dictionary = UsesDictionary(encoding, type) ? new PrimitiveDictionary<T>() : null;
    }

    private static bool UsesDictionary(ColumnEncoding encoding, ParquetColumnType type) =>
        typeof(T) != typeof(bool)
        && (encoding == ColumnEncoding.Dictionary || (encoding == ColumnEncoding.Auto && type != ParquetColumnType.TimestampNanos));

    private static int ValueSize => typeof(T) == typeof(bool) ? 1 : Unsafe.SizeOf<T>();

    public override void Write(ColumnVector vector, int start, int count)
    {
        var typed = (PrimitiveVector<T>)vector;
        var values = typed.Values.Slice(start, count);
        if (Leaf.MaxDefinitionLevel == 0)
        {
            if (typed.HasNulls)
            {
                for (var i = start; i < start + count; i++)
                {
                    if (typed.IsNull(i))
                    {
                        throw new ArgumentException($"column '{Leaf.DottedPath}' is required but row {i} is null");
                    }
                }
            }

            while (!values.IsEmpty)
            {
                var room = RowsUntilPageIsFull();
                var slice = values[..Math.Min(room, values.Length)];
                AppendValues(slice);
                values = values[slice.Length..];
                EndRows(slice.Length);
            }

            return;
        }

        for (var i = 0; i < values.Length; i++)
        {
            if (typed.IsNull(start + i))
            {
                AddLevels(0, 0);
            }
            else
            {
                AddLevels(1, 0);
                AppendValues(values.Slice(i, 1));
            }

            EndRows(1);
        }
    }

    private int RowsUntilPageIsFull()
    {
        if (DictionaryActive)
        {
            // Dictionary growth is checked at row boundaries, so keep slices small enough to notice it.
            return Math.Max(1, Math.Min(Options.MaxRowsPerPage - PageRows, 4096));
        }

        var byRows = Options.MaxRowsPerPage - PageRows;
        var byBytes = (Options.PageSizeBytes - PageRawBytes + ValueSize - 1) / ValueSize;
        return (int)Math.Max(1, Math.Min(byRows, byBytes));
    }

    private void AppendValues(ReadOnlySpan<T> values)
    {
        _page.Add(values);
        _chunkBounds.Add(values);
        PageRawBytes += values.Length * ValueSize;
        RowGroupRawBytes += values.Length * ValueSize;
        if (DictionaryActive)
        {
            if (_indices.Length < _valueCount + values.Length)
            {
                Array.Resize(ref _indices, Math.Max(_valueCount + values.Length, _indices.Length * 2));
            }

            for (var i = 0; i < values.Length; i++)
            {
                _indices[_valueCount++] = _dictionary!.GetOrAdd(values[i]);
            }

            CheckDictionarySize();
            return;
        }

        if (_values.Length < _valueCount + values.Length)
        {
            Array.Resize(ref _values, Math.Max(_valueCount + values.Length, _values.Length * 2));
        }

        values.CopyTo(_values.AsSpan(_valueCount));
        _valueCount += values.Length;
    }

    protected override Encoding EncodeValues(IBufferWriter<byte> output)
    {
        var count = _valueCount;
        _valueCount = 0;
        _page.Reset();
        if (DictionaryActive && count > 0)
        {
            var bitWidth = Math.Max(1, BitWidth.Of((uint)Math.Max(0, _dictionary!.Count - 1)));
            output.GetSpan(1)[0] = (byte)bitWidth;
            output.Advance(1);
            RleBitPackedHybridEncoder.Encode(_indices.AsSpan(0, count), bitWidth, output);
            return Encoding.RleDictionary;
        }

        var values = _values.AsSpan(0, count);
        if (_valueEncoding == Encoding.DeltaBinaryPacked)
        {
            if (typeof(T) == typeof(long))
            {
                DeltaBinaryPackedEncoder.Encode(MemoryMarshal.Cast<T, long>(values), output);
            }
            else
            {
                DeltaBinaryPackedEncoder.Encode(MemoryMarshal.Cast<T, int>(values), output);
            }

            return Encoding.DeltaBinaryPacked;
        }

        WritePlain(values, output);
        return Encoding.Plain;
    }

    private static void WritePlain(ReadOnlySpan<T> values, IBufferWriter<byte> output)
    {
        if (typeof(T) == typeof(long))
        {
            PlainEncoder.WriteInt64(MemoryMarshal.Cast<T, long>(values), output);
        }
        else if (typeof(T) == typeof(int))
        {
            PlainEncoder.WriteInt32(MemoryMarshal.Cast<T, int>(values), output);
        }
        else if (typeof(T) == typeof(double))
        {
            PlainEncoder.WriteDouble(MemoryMarshal.Cast<T, double>(values), output);
        }
        else
        {
            PlainEncoder.WriteBoolean(MemoryMarshal.Cast<T, bool>(values), output);
        }
    }

    protected override long DictionaryPlainBytes => (_dictionary?.Count ?? 0) * (long)ValueSize;

    protected override int DictionaryCount => _dictionary?.Count ?? 0;

    protected override void WriteDictionary(IBufferWriter<byte> output) => _dictionary!.WritePlain(output);

    protected override void ResetChunk()
    {
        _chunkBounds.Reset();
        _dictionary?.Clear();
    }

    protected override bool TryGetPageBounds(int maxLength, out byte[] min, out byte[] max, out bool exact)
    {
        exact = true;
        return _page.TryGet(out min, out max);
    }

    protected override bool TryGetChunkBounds(int maxLength, out byte[] min, out byte[] max, out bool minExact, out bool maxExact)
    {
        minExact = maxExact = true;
        return _chunkBounds.TryGet(out min, out max);
    }

    protected override int CompareBounds(byte[] left, byte[] right) =>
        Compare(MemoryMarshal.Read<T>(left), MemoryMarshal.Read<T>(right));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Compare(T left, T right)
    {
        if (typeof(T) == typeof(long))
        {
            return ((long)(object)left).CompareTo((long)(object)right);
        }

        if (typeof(T) == typeof(int))
        {
            return ((int)(object)left).CompareTo((int)(object)right);
        }

        if (typeof(T) == typeof(double))
        {
            return ((double)(object)left).CompareTo((double)(object)right);
        }

        return ((bool)(object)left).CompareTo((bool)(object)right);
    }

    /// <summary>Running min/max in the type's order; NaN is left out, as the Parquet spec asks.</summary>
    private sealed class Bounds
    {
        private bool _any;
        private T _min;
        private T _max;

        public void Reset() => _any = false;

        public void Add(ReadOnlySpan<T> values)
        {
            foreach (var value in values)
            {
                if (typeof(T) == typeof(double) && double.IsNaN((double)(object)value))
                {
                    continue;
                }

                if (!_any)
                {
                    _min = _max = value;
                    _any = true;
                    continue;
                }

                if (Compare(value, _min) < 0)
                {
                    _min = value;
                }

                if (Compare(value, _max) > 0)
                {
                    _max = value;
                }
            }
        }

        public bool TryGet(out byte[] min, out byte[] max)
        {
            if (!_any)
            {
                min = max = [];
                return false;
            }

            var low = _min;
            var high = _max;
            if (typeof(T) == typeof(double))
            {
                // Zero bounds are written as -0.0 (min) and +0.0 (max) so that either zero matches.
                if ((double)(object)low == 0)
                {
                    low = (T)(object)-0.0;
                }

                if ((double)(object)high == 0)
                {
                    high = (T)(object)0.0;
                }
            }

            min = ToBytes(low);
            max = ToBytes(high);
            return true;
        }

        private static byte[] ToBytes(T value)
        {
            if (typeof(T) == typeof(bool))
            {
                return [(bool)(object)value ? (byte)1 : (byte)0];
            }

            var bytes = new byte[Unsafe.SizeOf<T>()];
            MemoryMarshal.Write(bytes, in value);
            return bytes;
        }
    }
}

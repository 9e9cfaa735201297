namespace Loggia.Parquet.Data;

/// <summary>
/// A column of byte-array values laid out Arrow-style: one contiguous data buffer and
/// <c>Count + 1</c> offsets; value i is <c>Data[Offsets[i]..Offsets[i+1]]</c>. Null rows are empty.
/// </summary>
public sealed class BinaryVector : ColumnVector
{
    private int[] _offsets;
    private byte[] _data;

    /// <summary>Creates a vector with room for <paramref name="capacity"/> rows and <paramref name="dataCapacity"/> bytes.</summary>
    public BinaryVector(int capacity = 1024, int dataCapacity = 64 * 1024)
    {
        _offsets = new int[Math.Max(capacity, 1) + 1];
        _data = new byte[Math.Max(dataCapacity, 16)];
    }

    /// <summary>Offsets of the values (Count + 1 entries).</summary>
    public ReadOnlySpan<int> Offsets => _offsets.AsSpan(0, Count + 1);

    /// <summary>The bytes of all values, back to back.</summary>
    public ReadOnlySpan<byte> Data => _data.AsSpan(0, DataLength);

    /// <summary>Total length of all values in bytes.</summary>
    public int DataLength => _offsets[Count];

    /// <summary>The value at <paramref name="row"/>.</summary>
    public ReadOnlySpan<byte> this[int row] => _data.AsSpan(_offsets[row], _offsets[row + 1] - _offsets[row]);

    /// <summary>The value at <paramref name="row"/> decoded as UTF-8.</summary>
    public string GetString(int row) => System.Text.Encoding.UTF8.GetString(this[row]);

    /// <summary>Appends one value.</summary>
    public void Append(ReadOnlySpan<byte> value)
    {
        value.CopyTo(Reserve(value.Length));
    }

    /// <summary>Appends one string as UTF-8.</summary>
    public void Append(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var length = System.Text.Encoding.UTF8.GetByteCount(value);
        System.Text.Encoding.UTF8.GetBytes(value, Reserve(length));
    }

    /// <summary>Appends a value of <paramref name="length"/> bytes and returns its storage to fill.</summary>
    public Span<byte> Reserve(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var start = _offsets[Count];
        var end = checked(start + length);
        EnsureData(end);
        Grow(ref _offsets, Count + 2);
        Count++;
        _offsets[Count] = end;
        return _data.AsSpan(start, length);
    }

    /// <inheritdoc />
    public override void Clear()
    {
        base.Clear();
        _offsets[0] = 0;
    }

    /// <summary>Drops rows from the end, keeping the first <paramref name="count"/>.</summary>
    internal void Truncate(int count) => Count = count;

    /// <summary>Moves row <paramref name="from"/> to be row <paramref name="to"/> (to &lt;= from), rows between are discarded by the caller; requires rows before <paramref name="to"/> to be final.</summary>
    internal void MoveRow(int from, int to)
    {
        if (from == to)
        {
            return;
        }

        var start = _offsets[from];
        var length = _offsets[from + 1] - start;
        var destination = _offsets[to];
        _data.AsSpan(start, length).CopyTo(_data.AsSpan(destination));
        _offsets[to + 1] = destination + length;
        MoveNullFlag(from, to);
    }

    /// <summary>Marks an already appended (empty) row as null.</summary>
    internal void SetNull(int row) => MarkNull(row);

    /// <summary>Ensures the data buffer holds <paramref name="length"/> bytes.</summary>
    internal void EnsureData(int length)
    {
        if (_data.Length < length)
        {
            Array.Resize(ref _data, Math.Max(length, (int)Math.Min(Array.MaxLength, (long)_data.Length * 2)));
        }
    }

    /// <summary>Raw buffers for decoders: values are appended by writing data then advancing offsets via <see cref="CommitRaw"/>.</summary>
    internal byte[] DataBuffer => _data;

    /// <summary>Raw offsets buffer, grown to hold <paramref name="rows"/> more rows.</summary>
    internal int[] OffsetsFor(int rows)
    {
        Grow(ref _offsets, Count + rows + 1);
        return _offsets;
    }

    /// <summary>Declares <paramref name="rows"/> rows whose offsets were written directly.</summary>
    internal void CommitRaw(int rows) => Count += rows;

    private protected override void AppendDefault() => Reserve(0);
}

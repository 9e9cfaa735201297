namespace Loggia.Parquet.Data;

/// <summary>A column of fixed-width values (bool, int, long, double). Null rows hold default(T).</summary>
/// <typeparam name="T">The value type.</typeparam>
public sealed class PrimitiveVector<T> : ColumnVector
    where T : unmanaged
{
    private T[] _values;

    /// <summary>Creates a vector with room for <paramref name="capacity"/> rows.</summary>
    public PrimitiveVector(int capacity = 1024)
    {
        _values = new T[Math.Max(capacity, 1)];
    }

    /// <summary>The values of the batch.</summary>
    public ReadOnlySpan<T> Values => _values.AsSpan(0, Count);

    /// <summary>The value at <paramref name="row"/>.</summary>
    public T this[int row] => Values[row];

    /// <summary>Appends one value.</summary>
    public void Append(T value)
    {
        Grow(ref _values, Count + 1);
        _values[Count++] = value;
    }

    /// <summary>Appends many values.</summary>
    public void Append(ReadOnlySpan<T> values)
    {
        Grow(ref _values, Count + values.Length);
        values.CopyTo(_values.AsSpan(Count));
        Count += values.Length;
    }

    /// <summary>Reserves <paramref name="count"/> rows at the end and returns them for a decoder to fill.</summary>
    public Span<T> AppendUninitialized(int count)
    {
        Grow(ref _values, Count + count);
        var span = _values.AsSpan(Count, count);
        Count += count;
        return span;
    }

    /// <summary>Drops rows from the end, keeping the first <paramref name="count"/>.</summary>
    internal void Truncate(int count) => Count = count;

    /// <summary>Moves row <paramref name="from"/> to <paramref name="to"/> (to &lt;= from), for in-place compaction.</summary>
    internal void MoveRow(int from, int to)
    {
        _values[to] = _values[from];
        MoveNullFlag(from, to);
    }

    /// <summary>Marks an already appended row as null.</summary>
    internal void SetNull(int row)
    {
        _values[row] = default;
        MarkNull(row);
    }

    /// <summary>Raw buffer access for decoders.</summary>
    internal T[] Buffer => _values;

    private protected override void AppendDefault() => Append(default(T));
}

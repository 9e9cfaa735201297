namespace Loggia.Parquet.Data;

/// <summary>
/// A batch of values of one column, reused across batches (Clear keeps the buffers).
/// Nulls are tracked in a lazily allocated flag array, so a column without nulls pays nothing.
/// </summary>
public abstract class ColumnVector
{
    private bool[]? _nulls;

    /// <summary>Number of rows in the batch.</summary>
    public int Count { get; protected set; }

    /// <summary>True when at least one row is null.</summary>
    public bool HasNulls { get; private set; }

    /// <summary>Whether row <paramref name="row"/> is null.</summary>
    public bool IsNull(int row) => HasNulls && row < _nulls!.Length && _nulls[row];

    /// <summary>Removes all rows, keeping the buffers.</summary>
    public virtual void Clear()
    {
        if (HasNulls)
        {
            // The flag array is sized by the last null row, which may be below Count.
            _nulls.AsSpan(0, Math.Min(Count, _nulls!.Length)).Clear();
        }

        HasNulls = false;
        Count = 0;
    }

    /// <summary>Appends a null row.</summary>
    public void AppendNull()
    {
        AppendDefault();
        MarkNull(Count - 1);
    }

    /// <summary>Appends a placeholder row for a null (an empty value).</summary>
    private protected abstract void AppendDefault();

    /// <summary>Flags <paramref name="row"/> as null.</summary>
    private protected void MarkNull(int row)
    {
        if (_nulls is null || _nulls.Length <= row)
        {
            Array.Resize(ref _nulls, Math.Max(row + 1, Math.Max(64, (_nulls?.Length ?? 0) * 2)));
        }

        _nulls[row] = true;
        HasNulls = true;
    }

    /// <summary>Moves the null flag of row <paramref name="from"/> to row <paramref name="to"/> (to &lt;= from), for in-place compaction.</summary>
    private protected void MoveNullFlag(int from, int to)
    {
        if (!HasNulls || from == to)
        {
            return;
        }

        var isNull = from < _nulls!.Length && _nulls[from];
        if (isNull)
        {
            _nulls[from] = false;
            _nulls[to] = true;
        }
        else if (to < _nulls.Length)
        {
            _nulls[to] = false;
        }
    }

    /// <summary>Grows an array to hold at least <paramref name="needed"/> elements, doubling.</summary>
    private protected static void Grow<T>(ref T[] array, int needed)
    {
        if (array.Length < needed)
        {
            Array.Resize(ref array, Math.Max(needed, Math.Max(16, array.Length * 2)));
        }
    }
}

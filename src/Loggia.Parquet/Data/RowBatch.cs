using Loggia.Parquet.Schema;

namespace Loggia.Parquet.Data;

/// <summary>
/// One vector per column of a schema: the unit in which rows are written and read. Reused across
/// batches with <see cref="Clear"/>. When reading with a projection, only the projected columns are filled.
/// </summary>
public sealed class RowBatch
{
    private readonly ColumnVector[] _columns;

    /// <summary>Creates an empty batch for <paramref name="schema"/>.</summary>
    public RowBatch(ParquetSchema schema, int capacity = 1024)
    {
        ArgumentNullException.ThrowIfNull(schema);
        Schema = schema;
        _columns = new ColumnVector[schema.Columns.Count];
        for (var i = 0; i < _columns.Length; i++)
        {
            _columns[i] = CreateVector(schema.Columns[i].Type, capacity);
        }
    }

    /// <summary>The schema of the batch.</summary>
    public ParquetSchema Schema { get; }

    /// <summary>The vector of column <paramref name="column"/>.</summary>
    public ColumnVector this[int column] => _columns[column];

    /// <summary>Number of rows: that of the first column (all columns written together have equal counts).</summary>
    public int RowCount => _columns.Length == 0 ? 0 : _columns[0].Count;

    /// <summary>Typed access to a Boolean column.</summary>
    public PrimitiveVector<bool> Booleans(int column) => (PrimitiveVector<bool>)_columns[column];

    /// <summary>Typed access to an Int32 column.</summary>
    public PrimitiveVector<int> Int32s(int column) => (PrimitiveVector<int>)_columns[column];

    /// <summary>Typed access to an Int64 or TimestampNanos column.</summary>
    public PrimitiveVector<long> Int64s(int column) => (PrimitiveVector<long>)_columns[column];

    /// <summary>Typed access to a Double column.</summary>
    public PrimitiveVector<double> Doubles(int column) => (PrimitiveVector<double>)_columns[column];

    /// <summary>Typed access to a Binary, String or Json column.</summary>
    public BinaryVector Binaries(int column) => (BinaryVector)_columns[column];

    /// <summary>Typed access to a StringMap column.</summary>
    public MapVector Maps(int column) => (MapVector)_columns[column];

    /// <summary>Clears every column.</summary>
    public void Clear()
    {
        foreach (var column in _columns)
        {
            column.Clear();
        }
    }

    /// <summary>Creates the vector type that holds values of <paramref name="type"/>.</summary>
    public static ColumnVector CreateVector(ParquetColumnType type, int capacity = 1024) => type switch
    {
        ParquetColumnType.Boolean => new PrimitiveVector<bool>(capacity),
        ParquetColumnType.Int32 => new PrimitiveVector<int>(capacity),
        ParquetColumnType.Int64 or ParquetColumnType.TimestampNanos => new PrimitiveVector<long>(capacity),
        ParquetColumnType.Double => new PrimitiveVector<double>(capacity),
        ParquetColumnType.StringMap => new MapVector(capacity),
        _ => new BinaryVector(capacity),
    };
}

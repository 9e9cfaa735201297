using Loggia.Parquet.Format;

namespace Loggia.Parquet.Schema;

/// <summary>
/// A flat list of top-level columns (primitive, byte-array or string map) and the physical leaves
/// they shred into. Built by the writer's caller, or derived from a file's footer by the reader;
/// columns of a file that this library cannot represent (lists, structs, INT96, FLOAT…) are kept
/// in <see cref="UnsupportedColumns"/> and their leaves are skipped.
/// </summary>
public sealed class ParquetSchema
{
    private const string MapGroupName = "key_value";

    /// <summary>Creates a schema for writing.</summary>
    public ParquetSchema(params IReadOnlyList<ParquetColumn> columns)
        : this(columns, [])
    {
    }

    private ParquetSchema(IReadOnlyList<ParquetColumn> columns, IReadOnlyList<string> unsupported, IReadOnlyList<ParquetLeaf>? leaves = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var column in columns)
        {
            if (string.IsNullOrEmpty(column.Name))
            {
                throw new ArgumentException("column names must not be empty", nameof(columns));
            }

            if (!names.Add(column.Name))
            {
                throw new ArgumentException($"duplicate column name '{column.Name}'", nameof(columns));
            }
        }

        Columns = columns;
        UnsupportedColumns = unsupported;
        Leaves = leaves ?? BuildLeaves(columns);
        var firstLeaf = new int[columns.Count];
        Array.Fill(firstLeaf, -1);
        foreach (var leaf in Leaves)
        {
            if (leaf.ColumnIndex >= 0 && firstLeaf[leaf.ColumnIndex] < 0)
            {
                firstLeaf[leaf.ColumnIndex] = leaf.LeafIndex;
            }
        }

        FirstLeafOfColumn = firstLeaf;
    }

    /// <summary>Top-level columns, in file order.</summary>
    public IReadOnlyList<ParquetColumn> Columns { get; }

    /// <summary>All physical leaves of the file in order, including those of unsupported columns.</summary>
    public IReadOnlyList<ParquetLeaf> Leaves { get; }

    /// <summary>Names of top-level columns that cannot be read by this library.</summary>
    public IReadOnlyList<string> UnsupportedColumns { get; }

    /// <summary>For each column, the index of its first leaf (maps have two consecutive leaves).</summary>
    internal IReadOnlyList<int> FirstLeafOfColumn { get; }

    /// <summary>Returns the index of the column named <paramref name="name"/>, or -1.</summary>
    public int IndexOf(string name)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static List<ParquetLeaf> BuildLeaves(IReadOnlyList<ParquetColumn> columns)
    {
        var leaves = new List<ParquetLeaf>(columns.Count + 2);
        for (var c = 0; c < columns.Count; c++)
        {
            var column = columns[c];
            var def = column.Nullable ? 1 : 0;
            if (column.Type == ParquetColumnType.StringMap)
            {
                leaves.Add(new ParquetLeaf(leaves.Count, c, [column.Name, MapGroupName, "key"], PhysicalType.ByteArray, def + 1, 1, LeafRole.MapKey));
                leaves.Add(new ParquetLeaf(leaves.Count, c, [column.Name, MapGroupName, "value"], PhysicalType.ByteArray, def + 1, 1, LeafRole.MapValue));
            }
            else
            {
                leaves.Add(new ParquetLeaf(leaves.Count, c, [column.Name], PhysicalTypeOf(column.Type), def, 0, LeafRole.Value));
            }
        }

        return leaves;
    }

    internal static PhysicalType PhysicalTypeOf(ParquetColumnType type) => type switch
    {
        ParquetColumnType.Boolean => PhysicalType.Boolean,
        ParquetColumnType.Int32 => PhysicalType.Int32,
        ParquetColumnType.Int64 or ParquetColumnType.TimestampNanos => PhysicalType.Int64,
        ParquetColumnType.Double => PhysicalType.Double,
        _ => PhysicalType.ByteArray,
    };

    /// <summary>The schema as the flattened Thrift schema list of a footer (root first).</summary>
    public List<SchemaElement> ToSchemaElements()
    {
        var elements = new List<SchemaElement>(Columns.Count + 1)
        {
            new() { Name = "schema", NumChildren = Columns.Count },
        };
        foreach (var column in Columns)
        {
            var repetition = column.Nullable ? FieldRepetitionType.Optional : FieldRepetitionType.Required;
            if (column.Type == ParquetColumnType.StringMap)
            {
                elements.Add(new SchemaElement { Name = column.Name, RepetitionType = repetition, NumChildren = 1, ConvertedType = ConvertedType.Map, LogicalType = LogicalType.Map() });
                elements.Add(new SchemaElement { Name = MapGroupName, RepetitionType = FieldRepetitionType.Repeated, NumChildren = 2, ConvertedType = ConvertedType.MapKeyValue });
                elements.Add(StringLeaf("key"));
                elements.Add(StringLeaf("value"));
                continue;
            }

            var element = new SchemaElement { Name = column.Name, RepetitionType = repetition, Type = PhysicalTypeOf(column.Type) };
            switch (column.Type)
            {
                case ParquetColumnType.String:
                    element.ConvertedType = ConvertedType.Utf8;
                    element.LogicalType = LogicalType.String();
                    break;
                case ParquetColumnType.Json:
                    element.ConvertedType = ConvertedType.Json;
                    element.LogicalType = LogicalType.Json();
                    break;
                case ParquetColumnType.TimestampNanos:
                    element.LogicalType = LogicalType.TimestampNanos(column.TimestampIsAdjustedToUtc);
                    break;
            }

            elements.Add(element);
        }

        return elements;
    }

    private static SchemaElement StringLeaf(string name) => new()
    {
        Name = name,
        RepetitionType = FieldRepetitionType.Required,
        Type = PhysicalType.ByteArray,
        ConvertedType = ConvertedType.Utf8,
        LogicalType = LogicalType.String(),
    };

    /// <summary>Derives the schema of a file from its footer's flattened schema list.</summary>
    public static ParquetSchema FromSchemaElements(IReadOnlyList<SchemaElement> elements)
    {
        ArgumentNullException.ThrowIfNull(elements);
        if (elements.Count == 0)
        {
            throw new ParquetFormatException("the schema is empty");
        }

        var columns = new List<ParquetColumn>();
        var unsupported = new List<string>();
        var leaves = new List<ParquetLeaf>();
        var position = 1;
        var rootChildren = elements[0].NumChildren ?? 0;
        for (var child = 0; child < rootChildren; child++)
        {
            if (position >= elements.Count)
            {
                throw new ParquetFormatException("the schema list ends before its declared children");
            }

            var element = elements[position];
            var column = TryMapColumn(elements, position);
            var columnIndex = column is null ? -1 : columns.Count;
            if (column is null)
            {
                unsupported.Add(element.Name);
            }
            else
            {
                columns.Add(column);
            }

            position = CollectLeaves(elements, position, [], 0, 0, columnIndex, column?.Type == ParquetColumnType.StringMap, leaves);
        }

        return new ParquetSchema(columns, unsupported, leaves);
    }

    private static ParquetColumn? TryMapColumn(IReadOnlyList<SchemaElement> elements, int position)
    {
        var element = elements[position];
        var nullable = element.RepetitionType == FieldRepetitionType.Optional;
        if (element.RepetitionType == FieldRepetitionType.Repeated)
        {
            return null;
        }

        if (element.NumChildren is > 0)
        {
            return IsStringMap(elements, position) ? new ParquetColumn(element.Name, ParquetColumnType.StringMap, nullable) : null;
        }

        var logical = element.LogicalType;
        ParquetColumnType? type = element.Type switch
        {
            PhysicalType.Boolean => ParquetColumnType.Boolean,
            PhysicalType.Int32 => ParquetColumnType.Int32,
            PhysicalType.Int64 when logical is { Kind: LogicalTypeKind.Timestamp, TimeUnit: TimeUnit.Nanos } => ParquetColumnType.TimestampNanos,
            PhysicalType.Int64 => ParquetColumnType.Int64,
            PhysicalType.Double => ParquetColumnType.Double,
            PhysicalType.ByteArray when logical is { Kind: LogicalTypeKind.Json } || element.ConvertedType == ConvertedType.Json => ParquetColumnType.Json,
            PhysicalType.ByteArray when logical is { Kind: LogicalTypeKind.String or LogicalTypeKind.Enum }
                || element.ConvertedType is ConvertedType.Utf8 or ConvertedType.Enum => ParquetColumnType.String,
            PhysicalType.ByteArray => ParquetColumnType.Binary,
            _ => null,
        };
        return type is null
            ? null
            : new ParquetColumn(element.Name, type.Value, nullable, ColumnEncoding.Auto, logical is not { Kind: LogicalTypeKind.Timestamp } || logical.IsAdjustedToUtc);
    }

    private static bool IsStringMap(IReadOnlyList<SchemaElement> elements, int position)
    {
        var map = elements[position];
        var annotated = map.ConvertedType is ConvertedType.Map or ConvertedType.MapKeyValue || map.LogicalType is { Kind: LogicalTypeKind.Map };
        if (!annotated || map.NumChildren != 1 || position + 3 >= elements.Count)
        {
            return false;
        }

        var group = elements[position + 1];
        var key = elements[position + 2];
        var value = elements[position + 3];
        return group.RepetitionType == FieldRepetitionType.Repeated && group.NumChildren == 2
            && key.Type == PhysicalType.ByteArray && (key.NumChildren ?? 0) == 0 && key.RepetitionType == FieldRepetitionType.Required
            && value.Type == PhysicalType.ByteArray && (value.NumChildren ?? 0) == 0 && value.RepetitionType != FieldRepetitionType.Repeated;
    }

    private static int CollectLeaves(
        IReadOnlyList<SchemaElement> elements, int position, List<string> path, int def, int rep, int columnIndex, bool isMap, List<ParquetLeaf> leaves)
    {
        if (path.Count > 32)
        {
            throw new ParquetFormatException("the schema is nested too deeply");
        }

        if (position >= elements.Count)
        {
            throw new ParquetFormatException("the schema list ends before its declared children");
        }

        var element = elements[position];
        if (element.RepetitionType is FieldRepetitionType.Optional)
        {
            def++;
        }
        else if (element.RepetitionType is FieldRepetitionType.Repeated)
        {
            def++;
            rep++;
        }

        path.Add(element.Name);
        var children = element.NumChildren ?? 0;
        position++;
        if (children == 0)
        {
            if (element.Type is null)
            {
                throw new ParquetFormatException($"leaf '{string.Join('.', path)}' has no physical type");
            }

            // A string map has exactly two leaves: the key first, then the value.
            var role = !isMap ? LeafRole.Value : leaves.Count > 0 && leaves[^1].ColumnIndex == columnIndex ? LeafRole.MapValue : LeafRole.MapKey;
            leaves.Add(new ParquetLeaf(leaves.Count, columnIndex, path.ToArray(), element.Type.Value, def, rep, role));
        }
        else
        {
            for (var i = 0; i < children; i++)
            {
                position = CollectLeaves(elements, position, path, def, rep, columnIndex, isMap, leaves);
            }
        }

        path.RemoveAt(path.Count - 1);
        return position;
    }
}

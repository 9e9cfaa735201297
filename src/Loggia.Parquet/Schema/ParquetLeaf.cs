using Loggia.Parquet.Format;

namespace Loggia.Parquet.Schema;

/// <summary>What a leaf (a physical column chunk) holds for its top-level column.</summary>
public enum LeafRole
{
    /// <summary>The values of a flat column.</summary>
    Value,

    /// <summary>The keys of a map column.</summary>
    MapKey,

    /// <summary>The values of a map column.</summary>
    MapValue,
}

/// <summary>
/// A leaf of the schema tree: one physical column, with its path and the maximum definition and
/// repetition levels that the record shredding gives it.
/// </summary>
/// <param name="LeafIndex">Position among all leaves of the file (the column chunk index in a row group).</param>
/// <param name="ColumnIndex">Index of the owning top-level column in <see cref="ParquetSchema.Columns"/>, or -1.</param>
/// <param name="Path">Path in the schema, e.g. <c>labels.key_value.key</c>.</param>
/// <param name="PhysicalType">The physical type.</param>
/// <param name="MaxDefinitionLevel">Maximum definition level.</param>
/// <param name="MaxRepetitionLevel">Maximum repetition level.</param>
/// <param name="Role">What the leaf holds.</param>
public sealed record ParquetLeaf(
    int LeafIndex,
    int ColumnIndex,
    IReadOnlyList<string> Path,
    PhysicalType PhysicalType,
    int MaxDefinitionLevel,
    int MaxRepetitionLevel,
    LeafRole Role)
{
    /// <summary>The dotted path.</summary>
    public string DottedPath => string.Join('.', Path);
}

namespace Loggia.Parquet.Format;

/// <summary>Ordering of the per-page min/max values in a <see cref="ColumnIndex"/>.</summary>
public enum BoundaryOrder
{
    Unordered = 0,
    Ascending = 1,
    Descending = 2,
}

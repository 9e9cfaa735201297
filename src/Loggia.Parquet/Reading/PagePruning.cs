using System.Buffers.Binary;
using Loggia.Parquet.Format;

namespace Loggia.Parquet.Reading;

/// <summary>
/// Turns a leaf's page index (ColumnIndex + OffsetIndex) and a predicate into the rows worth
/// reading: the pages whose bounds can satisfy the predicate. A reader then decodes only those
/// pages of every projected column.
/// </summary>
public static class PagePruning
{
    /// <summary>Rows of pages of an INT64 leaf whose [min, max] overlaps [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static RowSelection SelectInt64Range(ColumnIndex columnIndex, OffsetIndex offsetIndex, long rowGroupRows, long min, long max)
    {
        ArgumentNullException.ThrowIfNull(columnIndex);
        ArgumentNullException.ThrowIfNull(offsetIndex);
        return Select(columnIndex, offsetIndex, rowGroupRows, (pageMin, pageMax) =>
            pageMin.Length == 8 && pageMax.Length == 8
            && BinaryPrimitives.ReadInt64LittleEndian(pageMin) <= max
            && BinaryPrimitives.ReadInt64LittleEndian(pageMax) >= min);
    }

    /// <summary>Rows of pages of a BYTE_ARRAY leaf whose bounds may contain <paramref name="value"/>.</summary>
    public static RowSelection SelectByteArrayEquals(ColumnIndex columnIndex, OffsetIndex offsetIndex, long rowGroupRows, ReadOnlyMemory<byte> value)
    {
        ArgumentNullException.ThrowIfNull(columnIndex);
        ArgumentNullException.ThrowIfNull(offsetIndex);
        return Select(columnIndex, offsetIndex, rowGroupRows, (pageMin, pageMax) =>
            value.Span.SequenceCompareTo(pageMin) >= 0 && value.Span.SequenceCompareTo(pageMax) <= 0);
    }

    private static RowSelection Select(ColumnIndex columnIndex, OffsetIndex offsetIndex, long rowGroupRows, Func<byte[], byte[], bool> mayMatch)
    {
        var pages = offsetIndex.PageLocations;
        if (columnIndex.NullPages.Count != pages.Count || columnIndex.MinValues.Count != pages.Count || columnIndex.MaxValues.Count != pages.Count)
        {
            throw new ParquetFormatException($"column index describes {columnIndex.NullPages.Count} pages but the offset index {pages.Count}");
        }

        var selection = new RowSelection();
        for (var i = 0; i < pages.Count; i++)
        {
            if (columnIndex.NullPages[i] || !mayMatch(columnIndex.MinValues[i], columnIndex.MaxValues[i]))
            {
                continue;
            }

            var end = i + 1 < pages.Count ? pages[i + 1].FirstRowIndex : rowGroupRows;
            selection.Add(pages[i].FirstRowIndex, end);
        }

        return selection;
    }
}

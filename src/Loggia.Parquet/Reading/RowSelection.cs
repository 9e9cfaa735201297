namespace Loggia.Parquet.Reading;

/// <summary>
/// A sorted set of disjoint row ranges <c>[start, end)</c> within one row group: the rows a
/// reader should return. Pages holding none of them are not read or decompressed.
/// </summary>
public sealed class RowSelection
{
    private readonly List<(long Start, long End)> _ranges = [];

    /// <summary>The ranges, sorted and disjoint.</summary>
    public IReadOnlyList<(long Start, long End)> Ranges => _ranges;

    /// <summary>Total selected rows.</summary>
    public long RowCount { get; private set; }

    /// <summary>A selection of every row in <c>[0, rowCount)</c>.</summary>
    public static RowSelection All(long rowCount)
    {
        var selection = new RowSelection();
        selection.Add(0, rowCount);
        return selection;
    }

    /// <summary>Adds <c>[start, end)</c>, merging with the previous range when they touch; ranges must be added in order.</summary>
    public void Add(long start, long end)
    {
        if (end <= start)
        {
            return;
        }

        if (_ranges.Count > 0)
        {
            var last = _ranges[^1];
            if (start < last.End)
            {
                if (start < last.Start)
                {
                    throw new ArgumentException("row ranges must be added in ascending order");
                }

                start = last.End;
                if (end <= start)
                {
                    return;
                }
            }

            if (start == last.End)
            {
                _ranges[^1] = (last.Start, end);
                RowCount += end - start;
                return;
            }
        }

        _ranges.Add((start, end));
        RowCount += end - start;
    }

    /// <summary>The rows selected by both this and <paramref name="other"/>.</summary>
    public RowSelection Intersect(RowSelection other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var result = new RowSelection();
        int i = 0, j = 0;
        while (i < _ranges.Count && j < other._ranges.Count)
        {
            var (aStart, aEnd) = _ranges[i];
            var (bStart, bEnd) = other._ranges[j];
            result.Add(Math.Max(aStart, bStart), Math.Min(aEnd, bEnd));
            if (aEnd <= bEnd)
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return result;
    }

    /// <summary>Whether any row of <c>[start, end)</c> is selected.</summary>
    public bool Overlaps(long start, long end)
    {
        var index = FirstRangeEndingAfter(start);
        return index < _ranges.Count && _ranges[index].Start < end;
    }

    /// <summary>Whether every row of <c>[start, end)</c> is selected.</summary>
    public bool Covers(long start, long end)
    {
        var index = FirstRangeEndingAfter(start);
        return index < _ranges.Count && _ranges[index].Start <= start && _ranges[index].End >= end;
    }

    /// <summary>Index of the first range whose end is after <paramref name="row"/> (binary search).</summary>
    internal int FirstRangeEndingAfter(long row)
    {
        int low = 0, high = _ranges.Count;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (_ranges[mid].End <= row)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }
}

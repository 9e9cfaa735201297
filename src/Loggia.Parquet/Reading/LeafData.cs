using Loggia.Parquet.Data;

namespace Loggia.Parquet.Reading;

/// <summary>
/// What reading one leaf's chunk produces: its definition and repetition levels (when it has
/// any) and its non-null values, densely, in a vector that the caller provides.
/// </summary>
internal sealed class LeafData
{
    private int[] _definition = new int[1024];
    private int[] _repetition = new int[1024];

    public LeafData(ColumnVector values)
    {
        Values = values;
    }

    /// <summary>Dense non-null values (never contains nulls).</summary>
    public ColumnVector Values { get; set; }

    public int LevelCount { get; set; }

    public Span<int> Definition => _definition.AsSpan(0, LevelCount);

    public Span<int> Repetition => _repetition.AsSpan(0, LevelCount);

    public void Clear()
    {
        LevelCount = 0;
        Values.Clear();
    }

    /// <summary>Extends the level arrays by <paramref name="count"/> entries and returns the index of the first.</summary>
    public int AppendLevels(int count)
    {
        var needed = LevelCount + count;
        if (_definition.Length < needed)
        {
            var size = Math.Max(needed, _definition.Length * 2);
            Array.Resize(ref _definition, size);
            Array.Resize(ref _repetition, size);
        }

        var start = LevelCount;
        LevelCount = needed;
        return start;
    }

    /// <summary>Moves level entry <paramref name="from"/> to <paramref name="to"/> (to &lt;= from).</summary>
    public void MoveLevel(int from, int to)
    {
        _definition[to] = _definition[from];
        _repetition[to] = _repetition[from];
    }
}

using System.Buffers.Binary;
using Loggia.Parquet.Format;

namespace Loggia.Parquet.Reading;

/// <summary>
/// Min/max/null count of a column chunk, as bytes in the physical type's plain encoding, with
/// typed accessors. Only bounds valid under the type's natural order are exposed: the deprecated
/// min/max fields are used for numbers only (their signed byte order is wrong for strings).
/// </summary>
public sealed class ColumnStatistics
{
    private ColumnStatistics(PhysicalType type, long? nullCount, byte[]? min, byte[]? max)
    {
        PhysicalType = type;
        NullCount = nullCount;
        Min = min;
        Max = max;
    }

    /// <summary>The physical type of the leaf.</summary>
    public PhysicalType PhysicalType { get; }

    /// <summary>Number of nulls, when the writer recorded it.</summary>
    public long? NullCount { get; }

    /// <summary>Lower bound (plain-encoded), or null.</summary>
    public byte[]? Min { get; }

    /// <summary>Upper bound (plain-encoded), or null.</summary>
    public byte[]? Max { get; }

    internal static ColumnStatistics From(Statistics statistics, PhysicalType type, bool typeDefinedOrder)
    {
        byte[]? min = statistics.MinValue, max = statistics.MaxValue;
        if (!typeDefinedOrder && type == PhysicalType.ByteArray)
        {
            min = max = null;
        }

        if ((min is null || max is null) && type != PhysicalType.ByteArray)
        {
            min = statistics.Min;
            max = statistics.Max;
        }

        if (min is null || max is null)
        {
            min = max = null;
        }

        return new ColumnStatistics(type, statistics.NullCount, min, max);
    }

    /// <summary>The bounds of an INT64 (or timestamp) column.</summary>
    public bool TryGetInt64Range(out long min, out long max)
    {
        min = max = 0;
        if (PhysicalType != PhysicalType.Int64 || Min is not { Length: 8 } || Max is not { Length: 8 })
        {
            return false;
        }

        min = BinaryPrimitives.ReadInt64LittleEndian(Min);
        max = BinaryPrimitives.ReadInt64LittleEndian(Max);
        return true;
    }

    /// <summary>The bounds of an INT32 column.</summary>
    public bool TryGetInt32Range(out int min, out int max)
    {
        min = max = 0;
        if (PhysicalType != PhysicalType.Int32 || Min is not { Length: 4 } || Max is not { Length: 4 })
        {
            return false;
        }

        min = BinaryPrimitives.ReadInt32LittleEndian(Min);
        max = BinaryPrimitives.ReadInt32LittleEndian(Max);
        return true;
    }

    /// <summary>Whether a byte-array column chunk may contain <paramref name="value"/> (false only when the bounds exclude it).</summary>
    public bool MayContain(ReadOnlySpan<byte> value) =>
        Min is null || Max is null || (value.SequenceCompareTo(Min) >= 0 && value.SequenceCompareTo(Max) <= 0);
}

using Loggia.Parquet.Thrift;

namespace Loggia.Parquet.Format;

/// <summary>Per-page min/max and null information of one column chunk, used to skip pages.</summary>
public sealed class ColumnIndex : IThriftStruct<ColumnIndex>
{
    /// <summary>Whether each page holds only nulls (Thrift field 1 <c>null_pages</c>, required).</summary>
    public List<bool> NullPages { get; set; } = [];

    /// <summary>Minimum value per page (empty for null pages) (Thrift field 2 <c>min_values</c>, required).</summary>
    public List<byte[]> MinValues { get; set; } = [];

    /// <summary>Maximum value per page (empty for null pages) (Thrift field 3 <c>max_values</c>, required).</summary>
    public List<byte[]> MaxValues { get; set; } = [];

    /// <summary>Ordering of the min/max values across pages (Thrift field 4 <c>boundary_order</c>, required).</summary>
    public BoundaryOrder BoundaryOrder { get; set; }

    /// <summary>Null count per page (Thrift field 5 <c>null_counts</c>).</summary>
    public List<long>? NullCounts { get; set; }

    /// <summary>Repetition level histogram per page, concatenated (Thrift field 6 <c>repetition_level_histograms</c>).</summary>
    public List<long>? RepetitionLevelHistograms { get; set; }

    /// <summary>Definition level histogram per page, concatenated (Thrift field 7 <c>definition_level_histograms</c>).</summary>
    public List<long>? DefinitionLevelHistograms { get; set; }

    /// <summary>Writes this struct.</summary>
    public void Write(ref ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        ThriftLists.WriteBools(ref writer, 1, NullPages);
        ThriftLists.WriteBinaries(ref writer, 2, MinValues);
        ThriftLists.WriteBinaries(ref writer, 3, MaxValues);
        writer.WriteI32Field(4, (int)BoundaryOrder);
        if (NullCounts is not null)
        {
            ThriftLists.WriteI64s(ref writer, 5, NullCounts);
        }

        if (RepetitionLevelHistograms is not null)
        {
            ThriftLists.WriteI64s(ref writer, 6, RepetitionLevelHistograms);
        }

        if (DefinitionLevelHistograms is not null)
        {
            ThriftLists.WriteI64s(ref writer, 7, DefinitionLevelHistograms);
        }

        writer.WriteFieldStop();
        writer.WriteStructEnd();
    }

    /// <summary>Reads this struct, skipping unknown fields and fields whose wire type does not match (as Thrift-generated code does).</summary>
    public static ColumnIndex Read(ref ThriftCompactReader reader)
    {
        var start = reader.Position;
        var result = new ColumnIndex();
        var hasNullPages = false;
        var hasMinValues = false;
        var hasMaxValues = false;
        var hasBoundaryOrder = false;
        reader.ReadStructBegin();
        while (true)
        {
            var field = reader.ReadFieldBegin();
            if (field.IsStop)
            {
                break;
            }

            switch (field.Id)
            {
                case 1 when field.Type == ThriftType.List:
                    result.NullPages = ThriftLists.ReadBools(ref reader);
                    hasNullPages = true;
                    break;
                case 2 when field.Type == ThriftType.List:
                    result.MinValues = ThriftLists.ReadBinaries(ref reader);
                    hasMinValues = true;
                    break;
                case 3 when field.Type == ThriftType.List:
                    result.MaxValues = ThriftLists.ReadBinaries(ref reader);
                    hasMaxValues = true;
                    break;
                case 4 when field.Type == ThriftType.I32:
                    result.BoundaryOrder = (BoundaryOrder)reader.ReadI32();
                    hasBoundaryOrder = true;
                    break;
                case 5 when field.Type == ThriftType.List:
                    result.NullCounts = ThriftLists.ReadI64s(ref reader);
                    break;
                case 6 when field.Type == ThriftType.List:
                    result.RepetitionLevelHistograms = ThriftLists.ReadI64s(ref reader);
                    break;
                case 7 when field.Type == ThriftType.List:
                    result.DefinitionLevelHistograms = ThriftLists.ReadI64s(ref reader);
                    break;
                default:
                    reader.Skip(field.Type);
                    break;
            }
        }

        reader.ReadStructEnd();
        if (!hasNullPages)
        {
            throw FormatErrors.MissingField(nameof(ColumnIndex), "null_pages", 1, start);
        }

        if (!hasMinValues)
        {
            throw FormatErrors.MissingField(nameof(ColumnIndex), "min_values", 2, start);
        }

        if (!hasMaxValues)
        {
            throw FormatErrors.MissingField(nameof(ColumnIndex), "max_values", 3, start);
        }

        if (!hasBoundaryOrder)
        {
            throw FormatErrors.MissingField(nameof(ColumnIndex), "boundary_order", 4, start);
        }

        return result;
    }
}

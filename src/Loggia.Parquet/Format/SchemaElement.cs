using Loggia.Parquet.Thrift;

namespace Loggia.Parquet.Format;

/// <summary>One node of the flattened schema tree (depth-first; groups give <c>NumChildren</c>).</summary>
public sealed class SchemaElement : IThriftStruct<SchemaElement>
{
    /// <summary>Physical type; absent for groups (Thrift field 1 <c>type</c>).</summary>
    public PhysicalType? Type { get; set; }

    /// <summary>Byte length for FIXED_LEN_BYTE_ARRAY (Thrift field 2 <c>type_length</c>).</summary>
    public int? TypeLength { get; set; }

    /// <summary>Repetition; absent only for the root (Thrift field 3 <c>repetition_type</c>).</summary>
    public FieldRepetitionType? RepetitionType { get; set; }

    /// <summary>Field name (Thrift field 4 <c>name</c>, required).</summary>
    public string Name { get; set; } = "";

    /// <summary>Number of children for a group (Thrift field 5 <c>num_children</c>).</summary>
    public int? NumChildren { get; set; }

    /// <summary>Legacy logical annotation (Thrift field 6 <c>converted_type</c>).</summary>
    public ConvertedType? ConvertedType { get; set; }

    /// <summary>Decimal scale (legacy) (Thrift field 7 <c>scale</c>).</summary>
    public int? Scale { get; set; }

    /// <summary>Decimal precision (legacy) (Thrift field 8 <c>precision</c>).</summary>
    public int? Precision { get; set; }

    /// <summary>Original field id (e.g. from Iceberg) (Thrift field 9 <c>field_id</c>).</summary>
    public int? FieldId { get; set; }

    /// <summary>Logical annotation (Thrift field 10 <c>logicalType</c>).</summary>
    public LogicalType? LogicalType { get; set; }

    /// <summary>Writes this struct.</summary>
    public void Write(ref ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        if (Type is { } typeValue)
        {
            writer.WriteI32Field(1, (int)typeValue);
        }

        if (TypeLength is { } typeLength)
        {
            writer.WriteI32Field(2, typeLength);
        }

        if (RepetitionType is { } repetitionType)
        {
            writer.WriteI32Field(3, (int)repetitionType);
        }

        writer.WriteStringField(4, Name);
        if (NumChildren is { } numChildren)
        {
            writer.WriteI32Field(5, numChildren);
        }

        if (ConvertedType is { } convertedType)
        {
            writer.WriteI32Field(6, (int)convertedType);
        }

        if (Scale is { } scale)
        {
            writer.WriteI32Field(7, scale);
        }

        if (Precision is { } precision)
        {
            writer.WriteI32Field(8, precision);
        }

        if (FieldId is { } fieldId)
        {
            writer.WriteI32Field(9, fieldId);
        }

        if (LogicalType is not null)
        {
            writer.WriteFieldBegin(ThriftType.Struct, 10);
            LogicalType.Write(ref writer);
        }

        writer.WriteFieldStop();
        writer.WriteStructEnd();
    }

    /// <summary>Reads this struct, skipping unknown fields and fields whose wire type does not match (as Thrift-generated code does).</summary>
    public static SchemaElement Read(ref ThriftCompactReader reader)
    {
        var start = reader.Position;
        var result = new SchemaElement();
        var hasName = false;
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
                case 1 when field.Type == ThriftType.I32:
                    result.Type = (PhysicalType)reader.ReadI32();
                    break;
                case 2 when field.Type == ThriftType.I32:
                    result.TypeLength = reader.ReadI32();
                    break;
                case 3 when field.Type == ThriftType.I32:
                    result.RepetitionType = (FieldRepetitionType)reader.ReadI32();
                    break;
                case 4 when field.Type == ThriftType.Binary:
                    result.Name = reader.ReadString();
                    hasName = true;
                    break;
                case 5 when field.Type == ThriftType.I32:
                    result.NumChildren = reader.ReadI32();
                    break;
                case 6 when field.Type == ThriftType.I32:
                    result.ConvertedType = (ConvertedType)reader.ReadI32();
                    break;
                case 7 when field.Type == ThriftType.I32:
                    result.Scale = reader.ReadI32();
                    break;
                case 8 when field.Type == ThriftType.I32:
                    result.Precision = reader.ReadI32();
                    break;
                case 9 when field.Type == ThriftType.I32:
                    result.FieldId = reader.ReadI32();
                    break;
                case 10 when field.Type == ThriftType.Struct:
                    result.LogicalType = LogicalType.Read(ref reader);
                    break;
                default:
                    reader.Skip(field.Type);
                    break;
            }
        }

        reader.ReadStructEnd();
        if (!hasName)
        {
            throw FormatErrors.MissingField(nameof(SchemaElement), "name", 4, start);
        }

        return result;
    }
}

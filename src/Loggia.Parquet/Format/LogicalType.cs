using Loggia.Parquet.Thrift;

namespace Loggia.Parquet.Format;

/// <summary>
/// Logical annotation of a column (the parquet.thrift <c>LogicalType</c> union). <see cref="Kind"/> says which member
/// is set; the parameter properties are meaningful only for the kinds their docs name. Create values with the static
/// factories, e.g. <c>LogicalType.String()</c> or <c>LogicalType.TimestampNanos(utc: true)</c>.
/// </summary>
/// <remarks>
/// A union member this library does not model is read as <see cref="LogicalTypeKind.Unrecognized"/>, keeping the
/// member's encoded bytes so that rewriting the metadata preserves it.
/// </remarks>
public sealed class LogicalType : IThriftStruct<LogicalType>
{
    private LogicalType(LogicalTypeKind kind)
    {
        Kind = kind;
    }

    /// <summary>Which union member is set.</summary>
    public LogicalTypeKind Kind { get; }

    /// <summary>For TIME and TIMESTAMP: whether values are normalized to UTC.</summary>
    public bool IsAdjustedToUtc { get; private init; }

    /// <summary>For TIME and TIMESTAMP: the unit of the stored integers.</summary>
    public TimeUnit TimeUnit { get; private init; }

    /// <summary>For DECIMAL: digits after the decimal point.</summary>
    public int Scale { get; private init; }

    /// <summary>For DECIMAL: total number of digits.</summary>
    public int Precision { get; private init; }

    /// <summary>For INTEGER: width in bits (8, 16, 32 or 64).</summary>
    public sbyte BitWidth { get; private init; }

    /// <summary>For INTEGER: whether the integer is signed.</summary>
    public bool IsSigned { get; private init; }

    /// <summary>For <see cref="LogicalTypeKind.Unrecognized"/>: the union field id of the member, or 0 if none was set.</summary>
    public short UnrecognizedFieldId { get; private init; }

    /// <summary>For <see cref="LogicalTypeKind.Unrecognized"/>: the member's encoded struct bytes, or null if none was set.</summary>
    public byte[]? UnrecognizedValue { get; private init; }

    /// <summary>UTF-8 string (annotates BYTE_ARRAY).</summary>
    public static LogicalType String() => new(LogicalTypeKind.String);

    /// <summary>Map group.</summary>
    public static LogicalType Map() => new(LogicalTypeKind.Map);

    /// <summary>List group.</summary>
    public static LogicalType List() => new(LogicalTypeKind.List);

    /// <summary>Enum stored as a string.</summary>
    public static LogicalType Enum() => new(LogicalTypeKind.Enum);

    /// <summary>Decimal with <paramref name="precision"/> digits, <paramref name="scale"/> of them after the point.</summary>
    public static LogicalType Decimal(int precision, int scale)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(precision);
        ArgumentOutOfRangeException.ThrowIfNegative(scale);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(scale, precision);
        return new(LogicalTypeKind.Decimal) { Precision = precision, Scale = scale };
    }

    /// <summary>Days since the Unix epoch (annotates INT32).</summary>
    public static LogicalType Date() => new(LogicalTypeKind.Date);

    /// <summary>Time of day in <paramref name="unit"/>.</summary>
    public static LogicalType Time(TimeUnit unit, bool utc) =>
        new(LogicalTypeKind.Time) { TimeUnit = CheckUnit(unit), IsAdjustedToUtc = utc };

    /// <summary>Instant or local date-time in <paramref name="unit"/> since the Unix epoch.</summary>
    public static LogicalType Timestamp(TimeUnit unit, bool utc) =>
        new(LogicalTypeKind.Timestamp) { TimeUnit = CheckUnit(unit), IsAdjustedToUtc = utc };

    /// <summary>Timestamp in milliseconds.</summary>
    public static LogicalType TimestampMillis(bool utc) => Timestamp(TimeUnit.Millis, utc);

    /// <summary>Timestamp in microseconds.</summary>
    public static LogicalType TimestampMicros(bool utc) => Timestamp(TimeUnit.Micros, utc);

    /// <summary>Timestamp in nanoseconds.</summary>
    public static LogicalType TimestampNanos(bool utc) => Timestamp(TimeUnit.Nanos, utc);

    /// <summary>Integer of <paramref name="bitWidth"/> bits (8, 16, 32 or 64).</summary>
    public static LogicalType Integer(int bitWidth, bool signed)
    {
        if (bitWidth is not (8 or 16 or 32 or 64))
        {
            throw new ArgumentOutOfRangeException(nameof(bitWidth), bitWidth, "Integer bit width must be 8, 16, 32 or 64.");
        }

        return new(LogicalTypeKind.Integer) { BitWidth = (sbyte)bitWidth, IsSigned = signed };
    }

    /// <summary>Parquet's UNKNOWN type: the column is always null.</summary>
    public static LogicalType Unknown() => new(LogicalTypeKind.Unknown);

    /// <summary>JSON text stored as UTF-8.</summary>
    public static LogicalType Json() => new(LogicalTypeKind.Json);

    /// <summary>BSON document.</summary>
    public static LogicalType Bson() => new(LogicalTypeKind.Bson);

    /// <summary>UUID stored as 16-byte FIXED_LEN_BYTE_ARRAY.</summary>
    public static LogicalType Uuid() => new(LogicalTypeKind.Uuid);

    /// <summary>IEEE half-precision float stored as 2-byte FIXED_LEN_BYTE_ARRAY.</summary>
    public static LogicalType Float16() => new(LogicalTypeKind.Float16);

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        LogicalTypeKind.Decimal => $"Decimal({Precision}, {Scale})",
        LogicalTypeKind.Time or LogicalTypeKind.Timestamp => $"{Kind}({TimeUnit}, utc: {IsAdjustedToUtc})",
        LogicalTypeKind.Integer => $"Integer({BitWidth}, signed: {IsSigned})",
        LogicalTypeKind.Unrecognized => $"Unrecognized(field {UnrecognizedFieldId})",
        _ => Kind.ToString(),
    };

    /// <summary>Writes this union.</summary>
    public void Write(ref ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        switch (Kind)
        {
            case LogicalTypeKind.Decimal:
                writer.WriteFieldBegin(ThriftType.Struct, (short)Kind);
                writer.WriteStructBegin();
                writer.WriteI32Field(1, Scale);
                writer.WriteI32Field(2, Precision);
                writer.WriteFieldStop();
                writer.WriteStructEnd();
                break;
            case LogicalTypeKind.Time:
            case LogicalTypeKind.Timestamp:
                writer.WriteFieldBegin(ThriftType.Struct, (short)Kind);
                writer.WriteStructBegin();
                writer.WriteBoolField(1, IsAdjustedToUtc);
                writer.WriteFieldBegin(ThriftType.Struct, 2);
                writer.WriteStructBegin();
                ThriftUnions.WriteEmptyMember(ref writer, (short)TimeUnit);
                writer.WriteFieldStop();
                writer.WriteStructEnd();
                writer.WriteFieldStop();
                writer.WriteStructEnd();
                break;
            case LogicalTypeKind.Integer:
                writer.WriteFieldBegin(ThriftType.Struct, (short)Kind);
                writer.WriteStructBegin();
                writer.WriteI8Field(1, BitWidth);
                writer.WriteBoolField(2, IsSigned);
                writer.WriteFieldStop();
                writer.WriteStructEnd();
                break;
            case LogicalTypeKind.Unrecognized:
                // Re-emit the member exactly as read; an empty union stays empty.
                if (UnrecognizedValue is not null)
                {
                    writer.WriteFieldBegin(ThriftType.Struct, UnrecognizedFieldId);
                    writer.WriteRaw(UnrecognizedValue);
                }

                break;
            default:
                // The remaining members are empty structs (StringType, DateType, ...).
                ThriftUnions.WriteEmptyMember(ref writer, (short)Kind);
                break;
        }

        writer.WriteFieldStop();
        writer.WriteStructEnd();
    }

    /// <summary>Reads this union; unknown members become <see cref="LogicalTypeKind.Unrecognized"/> instead of failing.</summary>
    public static LogicalType Read(ref ThriftCompactReader reader)
    {
        var result = new LogicalType(LogicalTypeKind.Unrecognized);
        reader.ReadStructBegin();
        while (true)
        {
            var field = reader.ReadFieldBegin();
            if (field.IsStop)
            {
                break;
            }

            if (field.Type != ThriftType.Struct)
            {
                // Every union member is a struct; anything else is not a member we could represent.
                reader.Skip(field.Type);
                continue;
            }

            var memberStart = reader.Position;
            var kind = (LogicalTypeKind)field.Id;
            switch (kind)
            {
                case LogicalTypeKind.Decimal:
                    result = ReadDecimal(ref reader);
                    break;
                case LogicalTypeKind.Time:
                case LogicalTypeKind.Timestamp:
                    result = ReadTime(ref reader, kind);
                    if (result.Kind == LogicalTypeKind.Unrecognized)
                    {
                        // A time unit newer than this library: keep the member verbatim rather than guess.
                        result = Unrecognized(field.Id, reader.Data[memberStart..reader.Position]);
                    }

                    break;
                case LogicalTypeKind.Integer:
                    result = ReadInteger(ref reader);
                    break;
                case LogicalTypeKind.String:
                case LogicalTypeKind.Map:
                case LogicalTypeKind.List:
                case LogicalTypeKind.Enum:
                case LogicalTypeKind.Date:
                case LogicalTypeKind.Unknown:
                case LogicalTypeKind.Json:
                case LogicalTypeKind.Bson:
                case LogicalTypeKind.Uuid:
                case LogicalTypeKind.Float16:
                    reader.Skip(ThriftType.Struct);
                    result = new LogicalType(kind);
                    break;
                default:
                    result = Unrecognized(field.Id, reader.SkipAndCapture(ThriftType.Struct));
                    break;
            }
        }

        reader.ReadStructEnd();
        return result;
    }

    private static LogicalType Unrecognized(short fieldId, ReadOnlySpan<byte> encodedMember) =>
        new(LogicalTypeKind.Unrecognized) { UnrecognizedFieldId = fieldId, UnrecognizedValue = encodedMember.ToArray() };

    private static TimeUnit CheckUnit(TimeUnit unit) =>
        unit is TimeUnit.Millis or TimeUnit.Micros or TimeUnit.Nanos
            ? unit
            : throw new ArgumentOutOfRangeException(nameof(unit), unit, "Unknown time unit.");

    // DecimalType { 1: required i32 scale; 2: required i32 precision }
    private static LogicalType ReadDecimal(ref ThriftCompactReader reader)
    {
        var start = reader.Position;
        int? scale = null;
        int? precision = null;
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
                    scale = reader.ReadI32();
                    break;
                case 2 when field.Type == ThriftType.I32:
                    precision = reader.ReadI32();
                    break;
                default:
                    reader.Skip(field.Type);
                    break;
            }
        }

        reader.ReadStructEnd();
        if (scale is null)
        {
            throw FormatErrors.MissingField("DecimalType", "scale", 1, start);
        }

        if (precision is null)
        {
            throw FormatErrors.MissingField("DecimalType", "precision", 2, start);
        }

        // Not validated against each other: the values are reported as written, and the column reader decides.
        return new(LogicalTypeKind.Decimal) { Scale = scale.Value, Precision = precision.Value };
    }

    // TimeType / TimestampType { 1: required bool isAdjustedToUTC; 2: required TimeUnit unit }
    // Returns an Unrecognized value when the unit is a union member we do not know.
    private static LogicalType ReadTime(ref ThriftCompactReader reader, LogicalTypeKind kind)
    {
        var start = reader.Position;
        bool? utc = null;
        TimeUnit? unit = null;
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
                case 1 when field.Type == ThriftType.Bool:
                    utc = reader.ReadBool();
                    break;
                case 2 when field.Type == ThriftType.Struct:
                    unit = ReadTimeUnit(ref reader);
                    break;
                default:
                    reader.Skip(field.Type);
                    break;
            }
        }

        reader.ReadStructEnd();
        var typeName = kind == LogicalTypeKind.Time ? "TimeType" : "TimestampType";
        if (utc is null)
        {
            throw FormatErrors.MissingField(typeName, "isAdjustedToUTC", 1, start);
        }

        if (unit is null)
        {
            throw FormatErrors.MissingField(typeName, "unit", 2, start);
        }

        if (unit.Value == 0)
        {
            return new LogicalType(LogicalTypeKind.Unrecognized);
        }

        return new(kind) { IsAdjustedToUtc = utc.Value, TimeUnit = unit.Value };
    }

    // TimeUnit union { 1: MilliSeconds MILLIS; 2: MicroSeconds MICROS; 3: NanoSeconds NANOS }; 0 when unknown.
    private static TimeUnit ReadTimeUnit(ref ThriftCompactReader reader)
    {
        TimeUnit unit = 0;
        reader.ReadStructBegin();
        while (true)
        {
            var field = reader.ReadFieldBegin();
            if (field.IsStop)
            {
                break;
            }

            if (field.Type == ThriftType.Struct && field.Id is >= 1 and <= 3)
            {
                unit = (TimeUnit)field.Id;
            }

            reader.Skip(field.Type);
        }

        reader.ReadStructEnd();
        return unit;
    }

    // IntType { 1: required i8 bitWidth; 2: required bool isSigned }
    private static LogicalType ReadInteger(ref ThriftCompactReader reader)
    {
        var start = reader.Position;
        sbyte? bitWidth = null;
        bool? signed = null;
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
                case 1 when field.Type == ThriftType.I8:
                    bitWidth = reader.ReadI8();
                    break;
                case 2 when field.Type == ThriftType.Bool:
                    signed = reader.ReadBool();
                    break;
                default:
                    reader.Skip(field.Type);
                    break;
            }
        }

        reader.ReadStructEnd();
        if (bitWidth is null)
        {
            throw FormatErrors.MissingField("IntType", "bitWidth", 1, start);
        }

        if (signed is null)
        {
            throw FormatErrors.MissingField("IntType", "isSigned", 2, start);
        }

        return new(LogicalTypeKind.Integer) { BitWidth = bitWidth.Value, IsSigned = signed.Value };
    }
}

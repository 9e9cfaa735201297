using System.Buffers.Binary;
using System.Text;

namespace Loggia.Parquet.Thrift;

/// <summary>
/// Reads the Thrift compact protocol from a span. Every read is bounds-checked: malformed or hostile input
/// raises <see cref="ParquetFormatException"/> whose offset is relative to the start of the span (callers add
/// the file offset of the span). The reader allocates nothing except the values it returns.
/// </summary>
public ref struct ThriftCompactReader
{
    private const int MaxVarintBytes = 10;

    private readonly ReadOnlySpan<byte> _data;
    private FieldIdStack _lastFieldIds;
    private int _position;
    private int _depth;
    private short _lastFieldId;

    // A boolean field carries its value in the field header; it is parked here until ReadBool consumes it.
    private bool _hasPendingBool;
    private bool _pendingBool;

    /// <summary>Creates a reader positioned at the start of <paramref name="data"/>.</summary>
    public ThriftCompactReader(ReadOnlySpan<byte> data)
    {
        _data = data;
    }

    /// <summary>Number of bytes consumed so far.</summary>
    public readonly int Position => _position;

    /// <summary>Number of bytes not yet consumed.</summary>
    public readonly int Remaining => _data.Length - _position;

    /// <summary>The whole input span.</summary>
    public readonly ReadOnlySpan<byte> Data => _data;

    /// <summary>Number of structs currently open.</summary>
    public readonly int Depth => _depth;

    /// <summary>Opens a struct: following field ids are delta-decoded from zero.</summary>
    public void ReadStructBegin()
    {
        if (_depth >= ThriftLimits.MaxDepth)
        {
            throw Error($"Thrift structs nested deeper than {ThriftLimits.MaxDepth} levels");
        }

        _lastFieldIds[_depth] = _lastFieldId;
        _depth++;
        _lastFieldId = 0;
    }

    /// <summary>Closes the current struct (after its stop field was read).</summary>
    public void ReadStructEnd()
    {
        if (_depth == 0)
        {
            throw new InvalidOperationException("ReadStructEnd without a matching ReadStructBegin.");
        }

        _depth--;
        _lastFieldId = _lastFieldIds[_depth];
    }

    /// <summary>Reads a field header; <see cref="ThriftFieldHeader.IsStop"/> marks the end of the struct.</summary>
    public ThriftFieldHeader ReadFieldBegin()
    {
        _hasPendingBool = false;
        var headerOffset = _position;
        var b = ReadRawByte();
        var typeId = b & 0x0F;
        if (typeId == 0)
        {
            return new ThriftFieldHeader(ThriftType.Stop, 0);
        }

        var type = DecodeType(typeId, headerOffset);
        var delta = b >> 4;
        int id;
        if (delta != 0)
        {
            id = _lastFieldId + delta;
            if (id > short.MaxValue)
            {
                throw Error("Thrift field id overflows i16", headerOffset);
            }
        }
        else
        {
            id = ReadI16();
        }

        if (type == ThriftType.Bool)
        {
            _hasPendingBool = true;
            _pendingBool = typeId == 1;
        }

        _lastFieldId = (short)id;
        return new ThriftFieldHeader(type, (short)id);
    }

    /// <summary>
    /// Reads a boolean: the value from the preceding bool field header, or one element byte inside a collection
    /// (1 = true; 2, or 0 from some old writers, = false).
    /// </summary>
    public bool ReadBool()
    {
        if (_hasPendingBool)
        {
            _hasPendingBool = false;
            return _pendingBool;
        }

        var offset = _position;
        return ReadRawByte() switch
        {
            1 => true,
            0 or 2 => false,
            var other => throw Error($"invalid Thrift boolean byte 0x{other:X2}", offset),
        };
    }

    /// <summary>Reads an i8 (one raw byte).</summary>
    public sbyte ReadI8() => unchecked((sbyte)ReadRawByte());

    /// <summary>Reads an i16 zigzag varint; values outside the i16 range are rejected.</summary>
    public short ReadI16()
    {
        var offset = _position;
        var value = ReadI32();
        if (value is < short.MinValue or > short.MaxValue)
        {
            throw Error("Thrift i16 value out of range", offset);
        }

        return (short)value;
    }

    /// <summary>Reads an i32 zigzag varint; values outside the i32 range are rejected.</summary>
    public int ReadI32()
    {
        var raw = ReadVarint32();
        return (int)(raw >> 1) ^ -(int)(raw & 1);
    }

    /// <summary>Reads an i64 zigzag varint.</summary>
    public long ReadI64()
    {
        var raw = ReadVarint64();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    /// <summary>Reads a double (8 bytes little-endian).</summary>
    public double ReadDouble()
    {
        var bytes = ReadRawSpan(sizeof(double));
        return BinaryPrimitives.ReadDoubleLittleEndian(bytes);
    }

    /// <summary>Reads binary data without copying; the span points into the input.</summary>
    public ReadOnlySpan<byte> ReadBinarySpan()
    {
        var length = ReadLength("binary length");
        return ReadRawSpan(length);
    }

    /// <summary>Reads binary data into a new array.</summary>
    public byte[] ReadBinary() => ReadBinarySpan().ToArray();

    /// <summary>Reads a UTF-8 string (invalid sequences become U+FFFD rather than failing, as other readers do).</summary>
    public string ReadString() => Encoding.UTF8.GetString(ReadBinarySpan());

    /// <summary>Reads a list header. The count is checked against the remaining bytes (every element takes at least one byte).</summary>
    public ThriftCollectionHeader ReadListBegin() => ReadCollectionBegin();

    /// <summary>Reads a set header (same encoding as a list header).</summary>
    public ThriftCollectionHeader ReadSetBegin() => ReadCollectionBegin();

    /// <summary>
    /// Reads a list header and requires elements of <paramref name="expectedElementType"/>; returns the count.
    /// The element type of an empty list is not checked because it carries no data.
    /// </summary>
    public int ReadListBegin(ThriftType expectedElementType)
    {
        var offset = _position;
        var header = ReadCollectionBegin();
        if (header.Count > 0 && header.ElementType != expectedElementType)
        {
            throw Error($"Thrift list has elements of type {header.ElementType}, expected {expectedElementType}", offset);
        }

        return header.Count;
    }

    /// <summary>Reads a map header. The pair count is checked against the remaining bytes.</summary>
    public ThriftMapHeader ReadMapBegin()
    {
        var offset = _position;
        var count = ReadLength("map size");
        if (count == 0)
        {
            return new ThriftMapHeader(ThriftType.Stop, ThriftType.Stop, 0);
        }

        var types = ReadRawByte();
        var keyType = DecodeType(types >> 4, offset);
        var valueType = DecodeType(types & 0x0F, offset);

        // Each key and each value takes at least one byte.
        if ((long)count * 2 > Remaining)
        {
            throw Error($"Thrift map claims {count} entries but only {Remaining} bytes remain", offset);
        }

        return new ThriftMapHeader(keyType, valueType, count);
    }

    /// <summary>Skips a value of <paramref name="type"/> (after its field header), including nested structs and containers.</summary>
    public void Skip(ThriftType type) => SkipValue(type, _depth);

    /// <summary>Skips a value like <see cref="Skip"/> and returns the bytes it occupied (a slice of the input).</summary>
    public ReadOnlySpan<byte> SkipAndCapture(ThriftType type)
    {
        var start = _position;
        Skip(type);
        return _data[start.._position];
    }

    private void SkipValue(ThriftType type, int depth)
    {
        if (depth >= ThriftLimits.MaxDepth)
        {
            throw Error($"Thrift values nested deeper than {ThriftLimits.MaxDepth} levels");
        }

        switch (type)
        {
            case ThriftType.Bool:
                ReadBool();
                break;
            case ThriftType.I8:
                ReadRawByte();
                break;
            case ThriftType.I16:
            case ThriftType.I32:
            case ThriftType.I64:
                // The width does not matter for skipping; a 64-bit varint read covers all three.
                ReadVarint64();
                break;
            case ThriftType.Double:
                ReadRawSpan(sizeof(double));
                break;
            case ThriftType.Binary:
                ReadRawSpan(ReadLength("binary length"));
                break;
            case ThriftType.Uuid:
                ReadRawSpan(16);
                break;
            case ThriftType.Struct:
                ReadStructBegin();
                while (true)
                {
                    var field = ReadFieldBegin();
                    if (field.IsStop)
                    {
                        break;
                    }

                    SkipValue(field.Type, depth + 1);
                }

                ReadStructEnd();
                break;
            case ThriftType.List:
            case ThriftType.Set:
                var collection = ReadCollectionBegin();
                for (var i = 0; i < collection.Count; i++)
                {
                    SkipValue(collection.ElementType, depth + 1);
                }

                break;
            case ThriftType.Map:
                var map = ReadMapBegin();
                for (var i = 0; i < map.Count; i++)
                {
                    SkipValue(map.KeyType, depth + 1);
                    SkipValue(map.ValueType, depth + 1);
                }

                break;
            default:
                throw Error($"cannot skip unknown Thrift type {(int)type}");
        }
    }

    private ThriftCollectionHeader ReadCollectionBegin()
    {
        var offset = _position;
        var b = ReadRawByte();
        var count = b >> 4;
        if (count == 15)
        {
            count = ReadLength("list size");
        }

        if (count == 0)
        {
            // An empty collection carries no elements, so its element type is irrelevant.
            return new ThriftCollectionHeader((ThriftType)(b & 0x0F), 0);
        }

        var elementType = DecodeType(b & 0x0F, offset);

        // Every element encodes to at least one byte, so a larger count is certainly corrupt; checking here
        // keeps callers from allocating for a list that claims billions of elements.
        if (count > Remaining)
        {
            throw Error($"Thrift list claims {count} elements but only {Remaining} bytes remain", offset);
        }

        return new ThriftCollectionHeader(elementType, count);
    }

    private static ThriftType DecodeType(int typeId, int offset) => typeId switch
    {
        1 or 2 => ThriftType.Bool,
        >= 3 and <= 13 => (ThriftType)typeId,
        _ => throw Error($"unknown Thrift compact type id {typeId}", offset),
    };

    // Reads a varint used as a length or count: it must fit a non-negative int and not exceed the remaining bytes.
    private int ReadLength(string what)
    {
        var offset = _position;
        var raw = ReadVarint64();
        if (raw > int.MaxValue)
        {
            throw Error($"Thrift {what} {raw} is out of range", offset);
        }

        var length = (int)raw;
        if (length > Remaining)
        {
            throw Error($"Thrift {what} {length} exceeds the {Remaining} remaining bytes", offset);
        }

        return length;
    }

    private uint ReadVarint32()
    {
        var offset = _position;
        var value = ReadVarint64();
        if (value > uint.MaxValue)
        {
            throw Error("Thrift varint overflows 32 bits", offset);
        }

        return (uint)value;
    }

    private ulong ReadVarint64()
    {
        var offset = _position;
        ulong result = 0;
        for (var i = 0; i < MaxVarintBytes; i++)
        {
            if (_position >= _data.Length)
            {
                throw Error("truncated Thrift varint", offset);
            }

            var b = _data[_position++];
            if (i == MaxVarintBytes - 1 && b > 1)
            {
                // The tenth byte may only hold bit 63; anything more overflows or continues past 10 bytes.
                throw Error("Thrift varint longer than 10 bytes or overflows 64 bits", offset);
            }

            result |= (ulong)(b & 0x7F) << (7 * i);
            if (b < 0x80)
            {
                return result;
            }
        }

        throw Error("Thrift varint longer than 10 bytes", offset);
    }

    private byte ReadRawByte()
    {
        if (_position >= _data.Length)
        {
            throw Error("unexpected end of Thrift data");
        }

        return _data[_position++];
    }

    private ReadOnlySpan<byte> ReadRawSpan(int length)
    {
        if (length > Remaining)
        {
            throw Error($"unexpected end of Thrift data: need {length} bytes, {Remaining} remain");
        }

        var span = _data.Slice(_position, length);
        _position += length;
        return span;
    }

    private readonly ParquetFormatException Error(string message) => new(message, _position);

    private static ParquetFormatException Error(string message, int offset) => new(message, offset);
}

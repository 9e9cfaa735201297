using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Loggia.Parquet.Thrift;

/// <summary>
/// Writes the Thrift compact protocol into an <see cref="IBufferWriter{T}"/>. Pass it by <c>ref</c>: it carries the
/// per-struct "last field id" stack that field-id delta encoding needs.
/// </summary>
/// <remarks>
/// Usage for a struct: <see cref="WriteStructBegin"/>, field headers and values, <see cref="WriteFieldStop"/>,
/// <see cref="WriteStructEnd"/>. Misuse (unbalanced structs, nesting beyond <see cref="ThriftLimits.MaxDepth"/>)
/// is a programming error and throws <see cref="InvalidOperationException"/>.
/// </remarks>
public ref struct ThriftCompactWriter
{
    // Compact wire ids for booleans carried in a field header or as a collection element byte.
    private const byte BoolTrue = 1;
    private const byte BoolFalse = 2;

    private readonly IBufferWriter<byte> _output;
    private FieldIdStack _lastFieldIds;
    private int _depth;
    private short _lastFieldId;

    /// <summary>Creates a writer that appends to <paramref name="output"/>.</summary>
    public ThriftCompactWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
    }

    /// <summary>Number of structs currently open.</summary>
    public readonly int Depth => _depth;

    /// <summary>Opens a struct: field ids inside it are delta-encoded from zero.</summary>
    public void WriteStructBegin()
    {
        if (_depth >= ThriftLimits.MaxDepth)
        {
            throw new InvalidOperationException($"Thrift structs nested deeper than {ThriftLimits.MaxDepth} levels.");
        }

        _lastFieldIds[_depth] = _lastFieldId;
        _depth++;
        _lastFieldId = 0;
    }

    /// <summary>Closes the current struct (the caller writes <see cref="WriteFieldStop"/> first).</summary>
    public void WriteStructEnd()
    {
        if (_depth == 0)
        {
            throw new InvalidOperationException("WriteStructEnd without a matching WriteStructBegin.");
        }

        _depth--;
        _lastFieldId = _lastFieldIds[_depth];
    }

    /// <summary>Writes a field header. Use <see cref="WriteBoolField"/> for booleans, whose value lives in the header.</summary>
    public void WriteFieldBegin(ThriftType type, short fieldId)
    {
        if (type is ThriftType.Bool or ThriftType.Stop)
        {
            throw new ArgumentException("Bool fields are written with WriteBoolField; Stop with WriteFieldStop.", nameof(type));
        }

        WriteFieldHeader((byte)type, fieldId);
    }

    /// <summary>Writes the stop marker that ends the current struct's fields.</summary>
    public void WriteFieldStop() => WriteRawByte(0);

    /// <summary>Writes a boolean field; the value is encoded in the field header's type nibble.</summary>
    public void WriteBoolField(short fieldId, bool value) => WriteFieldHeader(value ? BoolTrue : BoolFalse, fieldId);

    /// <summary>Writes an i8 field.</summary>
    public void WriteI8Field(short fieldId, sbyte value)
    {
        WriteFieldBegin(ThriftType.I8, fieldId);
        WriteI8(value);
    }

    /// <summary>Writes an i16 field.</summary>
    public void WriteI16Field(short fieldId, short value)
    {
        WriteFieldBegin(ThriftType.I16, fieldId);
        WriteI16(value);
    }

    /// <summary>Writes an i32 field.</summary>
    public void WriteI32Field(short fieldId, int value)
    {
        WriteFieldBegin(ThriftType.I32, fieldId);
        WriteI32(value);
    }

    /// <summary>Writes an i64 field.</summary>
    public void WriteI64Field(short fieldId, long value)
    {
        WriteFieldBegin(ThriftType.I64, fieldId);
        WriteI64(value);
    }

    /// <summary>Writes a double field.</summary>
    public void WriteDoubleField(short fieldId, double value)
    {
        WriteFieldBegin(ThriftType.Double, fieldId);
        WriteDouble(value);
    }

    /// <summary>Writes a binary field.</summary>
    public void WriteBinaryField(short fieldId, ReadOnlySpan<byte> value)
    {
        WriteFieldBegin(ThriftType.Binary, fieldId);
        WriteBinary(value);
    }

    /// <summary>Writes a string field (UTF-8 binary).</summary>
    public void WriteStringField(short fieldId, string value)
    {
        WriteFieldBegin(ThriftType.Binary, fieldId);
        WriteString(value);
    }

    /// <summary>Writes a boolean collection element (one byte: 1 = true, 2 = false, as the reference implementations do).</summary>
    public void WriteBool(bool value) => WriteRawByte(value ? BoolTrue : BoolFalse);

    /// <summary>Writes an i8 value as one raw byte.</summary>
    public void WriteI8(sbyte value) => WriteRawByte(unchecked((byte)value));

    /// <summary>Writes an i16 value as a zigzag varint.</summary>
    public void WriteI16(short value) => WriteI32(value);

    /// <summary>Writes an i32 value as a zigzag varint.</summary>
    public void WriteI32(int value) => WriteVarint(unchecked((uint)((value << 1) ^ (value >> 31))));

    /// <summary>Writes an i64 value as a zigzag varint.</summary>
    public void WriteI64(long value) => WriteVarint(unchecked((ulong)((value << 1) ^ (value >> 63))));

    /// <summary>Writes a double as 8 bytes little-endian.</summary>
    public void WriteDouble(double value)
    {
        var span = _output.GetSpan(sizeof(double));
        BinaryPrimitives.WriteDoubleLittleEndian(span, value);
        _output.Advance(sizeof(double));
    }

    /// <summary>Writes binary data: varint length then the bytes.</summary>
    public void WriteBinary(ReadOnlySpan<byte> value)
    {
        WriteVarint((uint)value.Length);
        WriteRaw(value);
    }

    /// <summary>Writes a string as UTF-8 binary, encoding directly into the output buffer.</summary>
    public void WriteString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var length = Encoding.UTF8.GetByteCount(value);
        WriteVarint((uint)length);
        if (length == 0)
        {
            return;
        }

        var span = _output.GetSpan(length);
        var written = Encoding.UTF8.GetBytes(value, span);
        _output.Advance(written);
    }

    /// <summary>Writes a list header: the short form packs sizes below 15 into the type byte.</summary>
    public void WriteListBegin(ThriftType elementType, int count) => WriteCollectionBegin(elementType, count);

    /// <summary>Writes a set header (same encoding as a list header).</summary>
    public void WriteSetBegin(ThriftType elementType, int count) => WriteCollectionBegin(elementType, count);

    /// <summary>Writes a map header: varint size, then (if non-empty) one byte of key and value types.</summary>
    public void WriteMapBegin(ThriftType keyType, ThriftType valueType, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        WriteVarint((uint)count);
        if (count > 0)
        {
            WriteRawByte((byte)(((int)ElementTypeId(keyType) << 4) | ElementTypeId(valueType)));
        }
    }

    /// <summary>
    /// Copies already-encoded bytes to the output. Used to re-emit a struct we preserved verbatim (for example
    /// an unrecognized union member), which is valid because a compact struct's encoding does not depend on its context.
    /// </summary>
    public readonly void WriteRaw(ReadOnlySpan<byte> encoded)
    {
        if (encoded.IsEmpty)
        {
            return;
        }

        var span = _output.GetSpan(encoded.Length);
        encoded.CopyTo(span);
        _output.Advance(encoded.Length);
    }

    private void WriteCollectionBegin(ThriftType elementType, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var typeId = ElementTypeId(elementType);
        if (count < 15)
        {
            WriteRawByte((byte)((count << 4) | typeId));
        }
        else
        {
            WriteRawByte((byte)(0xF0 | typeId));
            WriteVarint((uint)count);
        }
    }

    private static byte ElementTypeId(ThriftType type)
    {
        if (type is ThriftType.Stop || (int)type > (int)ThriftType.Uuid || (int)type == 2)
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "Not a valid collection element type.");
        }

        return (byte)type;
    }

    private void WriteFieldHeader(byte typeId, short fieldId)
    {
        var delta = fieldId - _lastFieldId;
        if (delta is > 0 and <= 15)
        {
            WriteRawByte((byte)((delta << 4) | typeId));
        }
        else
        {
            // Long form: type byte with a zero delta, then the absolute id as a zigzag i16.
            WriteRawByte(typeId);
            WriteI16(fieldId);
        }

        _lastFieldId = fieldId;
    }

    private readonly void WriteRawByte(byte value)
    {
        var span = _output.GetSpan(1);
        span[0] = value;
        _output.Advance(1);
    }

    private readonly void WriteVarint(ulong value)
    {
        var span = _output.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        _output.Advance(i);
    }
}

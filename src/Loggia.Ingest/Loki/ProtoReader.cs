using System.Runtime.CompilerServices;

namespace Loggia.Ingest.Loki;

/// <summary>
/// A minimal protobuf wire-format reader over a span: tags, varints, fixed-width and length-delimited fields.
/// Errors are <see cref="PushRequestException"/>s with the messages of gogo/protobuf's generated unmarshalers
/// (which Loki uses), e.g. <c>unexpected EOF</c> and <c>proto: wrong wireType = 0 for field Line</c>.
/// </summary>
internal ref struct ProtoReader
{
    public const int WireVarint = 0;
    public const int WireFixed64 = 1;
    public const int WireLengthDelimited = 2;
    public const int WireStartGroup = 3;
    public const int WireEndGroup = 4;
    public const int WireFixed32 = 5;

    private readonly ReadOnlySpan<byte> _data;
    private int _pos;

    public ProtoReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _pos = 0;
    }

    public readonly bool AtEnd => _pos >= _data.Length;

    /// <summary>The offset of the next byte (lines are sliced from the owning buffer with it).</summary>
    public readonly int Position => _pos;

    /// <summary>Reads a field tag; <paramref name="message"/> names the message in gogo's error text.</summary>
    public int ReadTag(string message, out int wireType)
    {
        ulong tag = ReadVarint();
        int field = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        if (wireType == WireEndGroup)
        {
            throw Error($"proto: {message}: wiretype end group for non-group");
        }

        if (tag >> 3 > int.MaxValue || field <= 0)
        {
            throw Error($"proto: {message}: illegal tag {field} (wire type {wireType})");
        }

        return field;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadVarint()
    {
        // Fast path: one byte.
        if (_pos < _data.Length && _data[_pos] < 0x80)
        {
            return _data[_pos++];
        }

        return ReadVarintSlow();
    }

    private ulong ReadVarintSlow()
    {
        ulong result = 0;
        for (int shift = 0; ; shift += 7)
        {
            if (shift >= 64)
            {
                throw Error("proto: integer overflow");
            }

            if (_pos >= _data.Length)
            {
                throw Error("unexpected EOF");
            }

            byte b = _data[_pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }
    }

    /// <summary>Reads a length prefix and returns the field's bytes, advancing past them.</summary>
    public ReadOnlySpan<byte> ReadLengthDelimited(out int start)
    {
        ulong length = ReadVarint();
        if (length > int.MaxValue)
        {
            throw Error("proto: negative length found during unmarshaling");
        }

        if ((ulong)(_data.Length - _pos) < length)
        {
            throw Error("unexpected EOF");
        }

        start = _pos;
        _pos += (int)length;
        return _data.Slice(start, (int)length);
    }

    /// <summary>Reads a little-endian <c>fixed64</c> field value.</summary>
    public ulong ReadFixed64()
    {
        if (_data.Length - _pos < 8)
        {
            throw Error("unexpected EOF");
        }

        ulong value = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(_data.Slice(_pos, 8));
        _pos += 8;
        return value;
    }

    /// <summary>Reads a little-endian <c>fixed32</c> field value.</summary>
    public uint ReadFixed32()
    {
        if (_data.Length - _pos < 4)
        {
            throw Error("unexpected EOF");
        }

        uint value = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(_data.Slice(_pos, 4));
        _pos += 4;
        return value;
    }

    /// <summary>Skips a field of an unknown number, as protobuf requires for forward compatibility.</summary>
    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case WireVarint:
                ReadVarint();
                break;
            case WireFixed64:
                Advance(8);
                break;
            case WireLengthDelimited:
                ReadLengthDelimited(out _);
                break;
            case WireFixed32:
                Advance(4);
                break;
            case WireStartGroup:
                // Groups are deprecated and no Loki message uses them; gogo's skip would walk them, but nothing
                // legitimate sends one, so refusing is simpler and safer.
                throw Error("proto: groups are not supported");
            default:
                throw Error($"proto: illegal wireType {wireType}");
        }
    }

    /// <summary>The error for a known field sent with the wrong wire type.</summary>
    public static PushRequestException WrongWireType(int wireType, string field) =>
        Error($"proto: wrong wireType = {wireType} for field {field}");

    public static PushRequestException Error(string message) => new(400, message);

    private void Advance(int count)
    {
        if (_data.Length - _pos < count)
        {
            throw Error("unexpected EOF");
        }

        _pos += count;
    }
}

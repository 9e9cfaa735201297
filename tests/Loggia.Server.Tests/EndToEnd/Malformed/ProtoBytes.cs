using System.Buffers.Binary;
using System.Text;

namespace Loggia.Server.Tests.EndToEnd.Malformed;

/// <summary>Protobuf wire format written by hand (for valid and deliberately broken Loki and OTLP messages).</summary>
internal static class ProtoBytes
{
    public static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        bytes.Add((byte)value);
        return [.. bytes];
    }

    public static byte[] Field(int number, byte[] value) => [.. Varint((ulong)((number << 3) | 2)), .. Varint((ulong)value.Length), .. value];

    public static byte[] VarintField(int number, ulong value) => [.. Varint((ulong)(number << 3)), .. Varint(value)];

    /// <summary>A Loki <c>StreamAdapter</c> (as a <c>PushRequest.streams</c> field) with one entry per line, 1 ns apart.</summary>
    public static byte[] LokiStream(byte[] labels, long firstNanos, params byte[][] lines)
    {
        var entries = new List<byte>();
        for (var i = 0; i < lines.Length; i++)
        {
            var ts = firstNanos + i;
            var timestamp = Field(1, [.. VarintField(1, (ulong)(ts / 1_000_000_000)), .. VarintField(2, (ulong)(ts % 1_000_000_000))]);
            entries.AddRange(Field(2, [.. timestamp, .. Field(2, lines[i])]));
        }

        return Field(1, [.. Field(1, labels), .. entries]);
    }

    public static byte[] LokiStream(string labels, long firstNanos, params string[] lines) =>
        LokiStream(Encoding.UTF8.GetBytes(labels), firstNanos, [.. lines.Select(Encoding.UTF8.GetBytes)]);

    /// <summary>Raw snappy (one literal run after another), as Loki's clients send protobuf pushes.</summary>
    public static byte[] Snappy(byte[] data)
    {
        var output = new byte[Loggia.Core.Compression.Snappy.GetMaxCompressedLength(data.Length)];
        return output[..Loggia.Core.Compression.Snappy.Compress(data, output)];
    }

    /// <summary>An OTLP <c>ExportLogsServiceRequest</c>: one resource with <c>service.name</c>, one record per body, 1 ns apart.</summary>
    public static byte[] OtlpExport(byte[] service, long firstNanos, params byte[][] bodies)
    {
        var attribute = Field(1, [.. Field(1, "service.name"u8.ToArray()), .. Field(2, Field(1, service))]);
        var records = new List<byte>();
        for (var i = 0; i < bodies.Length; i++)
        {
            var time = new byte[9];
            time[0] = (1 << 3) | 1;
            BinaryPrimitives.WriteInt64LittleEndian(time.AsSpan(1), firstNanos + i);
            records.AddRange(Field(2, [.. time, .. Field(5, Field(1, bodies[i]))]));
        }

        return Field(1, [.. Field(1, attribute), .. Field(2, [.. records])]);
    }

    public static byte[] OtlpExport(string service, long firstNanos, params string[] bodies) =>
        OtlpExport(Encoding.UTF8.GetBytes(service), firstNanos, [.. bodies.Select(Encoding.UTF8.GetBytes)]);

    /// <summary>gRPC's 5-byte message prefix and the message; <paramref name="declaredLength"/> overrides the length.</summary>
    public static byte[] GrpcFrame(byte[] message, byte compressedFlag = 0, uint? declaredLength = null)
    {
        var framed = new byte[5 + message.Length];
        framed[0] = compressedFlag;
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), declaredLength ?? (uint)message.Length);
        message.CopyTo(framed, 5);
        return framed;
    }
}

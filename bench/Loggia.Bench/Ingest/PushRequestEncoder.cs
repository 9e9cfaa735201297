using System.Buffers;
using System.Text;

namespace Loggia.Bench.Ingest;

/// <summary>
/// Encodes a Loki <c>logproto.PushRequest</c> (streams → labels string + entries with
/// google.protobuf.Timestamp and line) the way Loki clients do, into a reusable buffer.
/// Field numbers: PushRequest.streams = 1; StreamAdapter.labels = 1, entries = 2;
/// EntryAdapter.timestamp = 1, line = 2; Timestamp.seconds = 1, nanos = 2.
/// </summary>
internal sealed class PushRequestEncoder
{
    private readonly ArrayBufferWriter<byte> _stream = new(1 << 20);
    private readonly ArrayBufferWriter<byte> _entry = new(4096);

    /// <summary>Appends one stream with its entries to <paramref name="output"/>.</summary>
    public void WriteStream(ArrayBufferWriter<byte> output, string labels, ReadOnlySpan<long> timestamps, IReadOnlyList<byte[]> lines)
    {
        _stream.ResetWrittenCount();
        WriteBytesField(_stream, 1, Encoding.UTF8.GetBytes(labels));
        for (var i = 0; i < timestamps.Length; i++)
        {
            _entry.ResetWrittenCount();
            var ts = timestamps[i];
            var seconds = ts / 1_000_000_000;
            var nanos = ts % 1_000_000_000;
            var timestampLength = 1 + VarintLength((ulong)seconds) + (nanos == 0 ? 0 : 1 + VarintLength((ulong)nanos));
            WriteTag(_entry, 1, 2);
            WriteVarint(_entry, (ulong)timestampLength);
            WriteTag(_entry, 1, 0);
            WriteVarint(_entry, (ulong)seconds);
            if (nanos != 0)
            {
                WriteTag(_entry, 2, 0);
                WriteVarint(_entry, (ulong)nanos);
            }

            WriteBytesField(_entry, 2, lines[i]);
            WriteBytesField(_stream, 2, _entry.WrittenSpan);
        }

        WriteBytesField(output, 1, _stream.WrittenSpan);
    }

    private static void WriteBytesField(ArrayBufferWriter<byte> output, int field, ReadOnlySpan<byte> value)
    {
        WriteTag(output, field, 2);
        WriteVarint(output, (ulong)value.Length);
        output.Write(value);
    }

    private static void WriteTag(ArrayBufferWriter<byte> output, int field, int wireType) => WriteVarint(output, (ulong)((field << 3) | wireType));

    private static void WriteVarint(ArrayBufferWriter<byte> output, ulong value)
    {
        var span = output.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        output.Advance(i);
    }

    private static int VarintLength(ulong value)
    {
        var length = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            length++;
        }

        return length;
    }
}

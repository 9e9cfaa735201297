using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Loggia.Bench.Ingest;

/// <summary>
/// Encodes an OTLP <c>ExportLogsServiceRequest</c> the way OpenTelemetry SDKs do: one ResourceLogs per stream
/// (service.name, k8s.pod.name, deployment.environment, host.arch), one ScopeLogs, and records with
/// time_unix_nano, observed time, severity, a string body and one attribute. Field numbers from opentelemetry-proto.
/// </summary>
internal sealed class OtlpRequestEncoder
{
    private readonly ArrayBufferWriter<byte> _resourceLogs = new(1 << 20);
    private readonly ArrayBufferWriter<byte> _scopeLogs = new(1 << 20);
    private readonly ArrayBufferWriter<byte> _record = new(4096);
    private readonly ArrayBufferWriter<byte> _scratch = new(256);

    /// <summary>Appends one ResourceLogs (field 1 of the request) to <paramref name="output"/>.</summary>
    public void WriteResource(ArrayBufferWriter<byte> output, string service, string pod, ReadOnlySpan<long> timestamps, IReadOnlyList<byte[]> lines)
    {
        _resourceLogs.ResetWrittenCount();
        _scratch.ResetWrittenCount();
        WriteAttribute(_scratch, "service.name", service);
        WriteAttribute(_scratch, "k8s.pod.name", pod);
        WriteAttribute(_scratch, "deployment.environment", "bench");
        WriteAttribute(_scratch, "host.arch", "amd64");
        WriteBytes(_resourceLogs, 1, _scratch.WrittenSpan);

        _scopeLogs.ResetWrittenCount();
        _scratch.ResetWrittenCount();
        WriteBytes(_scratch, 1, "Loggia.Bench"u8);
        WriteBytes(_scopeLogs, 1, _scratch.WrittenSpan);
        for (var i = 0; i < timestamps.Length; i++)
        {
            _record.ResetWrittenCount();
            WriteFixed64(_record, 1, (ulong)timestamps[i]);
            WriteFixed64(_record, 11, (ulong)timestamps[i]);
            WriteTag(_record, 2, 0);
            WriteVarint(_record, 9);
            WriteBytes(_record, 3, "Information"u8);
            _scratch.ResetWrittenCount();
            WriteBytes(_scratch, 1, lines[i]);
            WriteBytes(_record, 5, _scratch.WrittenSpan);
            _scratch.ResetWrittenCount();
            WriteAttribute(_scratch, "code.function", "Handle");
            WriteBytes(_record, 6, _scratch.WrittenSpan[2..]); // the KeyValue itself, without the outer field tag and length
            WriteBytes(_scopeLogs, 2, _record.WrittenSpan);
        }

        WriteBytes(_resourceLogs, 2, _scopeLogs.WrittenSpan);
        WriteBytes(output, 1, _resourceLogs.WrittenSpan);
    }

    /// <summary>Writes a KeyValue with a string AnyValue as field 1 (Resource.attributes).</summary>
    private static void WriteAttribute(ArrayBufferWriter<byte> output, string key, string value)
    {
        var keyBytes = Encoding.UTF8.GetBytes(key);
        var valueBytes = Encoding.UTF8.GetBytes(value);
        var anyLength = 1 + VarintLength((ulong)valueBytes.Length) + valueBytes.Length;
        var kvLength = 1 + VarintLength((ulong)keyBytes.Length) + keyBytes.Length + 1 + VarintLength((ulong)anyLength) + anyLength;
        WriteTag(output, 1, 2);
        WriteVarint(output, (ulong)kvLength);
        WriteBytes(output, 1, keyBytes);
        WriteTag(output, 2, 2);
        WriteVarint(output, (ulong)anyLength);
        WriteBytes(output, 1, valueBytes);
    }

    private static void WriteFixed64(ArrayBufferWriter<byte> output, int field, ulong value)
    {
        WriteTag(output, field, 1);
        BinaryPrimitives.WriteUInt64LittleEndian(output.GetSpan(8), value);
        output.Advance(8);
    }

    private static void WriteBytes(ArrayBufferWriter<byte> output, int field, ReadOnlySpan<byte> value)
    {
        WriteTag(output, field, 2);
        WriteVarint(output, (ulong)value.Length);
        output.Write(value);
    }

    private static void WriteTag(ArrayBufferWriter<byte> output, int field, int wireType) => WriteVarint(output, (ulong)((field << 3) | wireType));

    private static void WriteVarint(ArrayBufferWriter<byte> output, ulong value)
    {
        var span = output.GetSpan(10);
        var n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[n++] = (byte)value;
        output.Advance(n);
    }

    private static int VarintLength(ulong value)
    {
        var n = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            n++;
        }

        return n;
    }
}

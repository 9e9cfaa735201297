using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Loggia.Ingest.Otlp;

/// <summary>
/// Encodes OTLP's answers: <c>ExportLogsServiceResponse</c> (empty, or with <c>partial_success</c> when records were
/// rejected) and <c>google.rpc.Status</c> for errors (with a <c>google.rpc.RetryInfo</c> detail when the client
/// should retry later), in protobuf or OTLP/JSON.
/// </summary>
public static class OtlpResponses
{
    private const string RetryInfoTypeUrl = "type.googleapis.com/google.rpc.RetryInfo";

    /// <summary>An <c>ExportLogsServiceResponse</c>; <c>partial_success</c> is set when <paramref name="rejected"/> &gt; 0 or there is a message.</summary>
    public static byte[] ExportResponse(OtlpPayloadFormat format, long rejected, string? errorMessage)
    {
        bool partial = rejected > 0 || !string.IsNullOrEmpty(errorMessage);
        if (format == OtlpPayloadFormat.Json)
        {
            if (!partial)
            {
                return "{}"u8.ToArray();
            }

            using var stream = new MemoryStream();
            using (var json = new Utf8JsonWriter(stream))
            {
                json.WriteStartObject();
                json.WriteStartObject("partialSuccess");
                json.WriteString("rejectedLogRecords", rejected.ToString(CultureInfo.InvariantCulture));
                if (!string.IsNullOrEmpty(errorMessage))
                {
                    json.WriteString("errorMessage", errorMessage);
                }

                json.WriteEndObject();
                json.WriteEndObject();
            }

            return stream.ToArray();
        }

        if (!partial)
        {
            return [];
        }

        var inner = new ProtoWriter();
        if (rejected != 0)
        {
            inner.Varint(1, unchecked((ulong)rejected));
        }

        inner.String(2, errorMessage);
        var outer = new ProtoWriter();
        outer.Bytes(1, inner.ToArray());
        return outer.ToArray();
    }

    /// <summary>A <c>google.rpc.Status</c>; with <paramref name="retryAfterSeconds"/>, a <c>RetryInfo</c> detail.</summary>
    public static byte[] Status(OtlpPayloadFormat format, GrpcStatusCode code, string message, int? retryAfterSeconds = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (format == OtlpPayloadFormat.Json)
        {
            using var stream = new MemoryStream();
            using (var json = new Utf8JsonWriter(stream))
            {
                json.WriteStartObject();
                json.WriteNumber("code", (int)code);
                json.WriteString("message", message);
                if (retryAfterSeconds is { } seconds)
                {
                    json.WriteStartArray("details");
                    json.WriteStartObject();
                    json.WriteString("@type", RetryInfoTypeUrl);
                    json.WriteString("retryDelay", seconds.ToString(CultureInfo.InvariantCulture) + "s");
                    json.WriteEndObject();
                    json.WriteEndArray();
                }

                json.WriteEndObject();
            }

            return stream.ToArray();
        }

        var status = new ProtoWriter();
        status.Varint(1, (ulong)code);
        status.String(2, message);
        if (retryAfterSeconds is { } delay)
        {
            var duration = new ProtoWriter();
            duration.Varint(1, (ulong)Math.Max(0, delay));
            var retryInfo = new ProtoWriter();
            retryInfo.Bytes(1, duration.ToArray());
            var any = new ProtoWriter();
            any.String(1, RetryInfoTypeUrl);
            any.Bytes(2, retryInfo.ToArray());
            status.Bytes(3, any.ToArray());
        }

        return status.ToArray();
    }

    /// <summary>A tiny protobuf writer for the few small messages above.</summary>
    private sealed class ProtoWriter
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(64);

        public void Varint(int field, ulong value)
        {
            WriteVarint(((ulong)field << 3) | 0);
            WriteVarint(value);
        }

        public void String(int field, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                Bytes(field, Encoding.UTF8.GetBytes(value));
            }
        }

        public void Bytes(int field, byte[] value)
        {
            WriteVarint(((ulong)field << 3) | 2);
            WriteVarint((ulong)value.Length);
            _buffer.Write(value);
        }

        public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

        private void WriteVarint(ulong value)
        {
            Span<byte> bytes = _buffer.GetSpan(10);
            int n = 0;
            while (value >= 0x80)
            {
                bytes[n++] = (byte)(value | 0x80);
                value >>= 7;
            }

            bytes[n++] = (byte)value;
            _buffer.Advance(n);
        }
    }
}

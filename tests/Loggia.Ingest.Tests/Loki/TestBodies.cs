using System.Buffers;
using System.IO.Compression;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Loggia.Core.Compression;
using Loggia.Core.Model;
using Loggia.Ingest.Loki;
using Proto = Loggia.Ingest.Tests.Loki.Proto;

namespace Loggia.Ingest.Tests.Loki;

/// <summary>Builds push bodies the way clients do: Google.Protobuf + raw snappy, JSON, and compressed variants.</summary>
internal static class TestBodies
{
    /// <summary>2024-05-01T12:00:00Z plus 123456789 ns.</summary>
    public const long BaseNanos = 1_714_564_800_123_456_789L;

    public static Proto.PushRequest SampleProto()
    {
        var request = new Proto.PushRequest();
        var api = new Proto.StreamAdapter { Labels = "{app=\"api\", env=\"prod\"}", Hash = 12345 };
        api.Entries.Add(Entry(BaseNanos, "GET /users 200"));
        Proto.EntryAdapter withMetadata = Entry(BaseNanos + 1, "POST /orders 500 \"quoted\" é");
        withMetadata.StructuredMetadata.Add(new Proto.LabelPairAdapter { Name = "trace_id", Value = "abc123" });
        withMetadata.StructuredMetadata.Add(new Proto.LabelPairAdapter { Name = "user", Value = "ü" });
        api.Entries.Add(withMetadata);
        request.Streams.Add(api);
        var worker = new Proto.StreamAdapter { Labels = "{app=\"worker\"}" };
        worker.Entries.Add(Entry(BaseNanos + 2, string.Empty));
        request.Streams.Add(worker);
        return request;
    }

    public const string SampleJson = """
        {"streams":[
          {"stream":{"env":"prod","app":"api"},"values":[
            ["1714564800123456789","GET /users 200"],
            ["1714564800123456790","POST /orders 500 \"quoted\" \u00e9",{"trace_id":"abc123","user":"ü"}]]},
          {"stream":{"app":"worker"},"values":[["1714564800123456791",""]]}
        ]}
        """;

    public static Proto.EntryAdapter Entry(long nanos, string line) => new()
    {
        Timestamp = new Timestamp { Seconds = Math.DivRem(nanos, 1_000_000_000L, out long rem), Nanos = (int)rem },
        Line = line,
    };

    public static byte[] SnappyCompress(ReadOnlySpan<byte> data)
    {
        byte[] buffer = new byte[Snappy.GetMaxCompressedLength(data.Length)];
        int n = Snappy.Compress(data, buffer);
        return buffer.AsSpan(0, n).ToArray();
    }

    public static byte[] ProtoBody(Proto.PushRequest request) => SnappyCompress(request.ToByteArray());

    public static byte[] Gzip(byte[] data)
    {
        var writer = new ArrayBufferWriter<byte>();
        Core.Compression.Gzip.Compress(data, writer);
        return writer.WrittenSpan.ToArray();
    }

    public static byte[] RawDeflate(byte[] data)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflate.Write(data);
        }

        return output.ToArray();
    }

    public static byte[] Zlib(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            zlib.Write(data);
        }

        return output.ToArray();
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static string Line(LogEntry entry) => Encoding.UTF8.GetString(entry.Line.Span);

    /// <summary>A comparable rendering of a request: labels, then each entry's timestamp, line and metadata.</summary>
    public static string Describe(PushRequest request)
    {
        var builder = new StringBuilder();
        foreach (PushStream stream in request.Streams)
        {
            builder.Append(stream.Labels).Append(stream.LabelsError).Append('\n');
            foreach (LogEntry entry in stream.Entries.Span)
            {
                builder.Append("  ").Append(entry.TimestampNanos).Append(' ').Append(Convert.ToHexString(entry.Line.Span));
                foreach (LabelPair pair in entry.StructuredMetadata.Span)
                {
                    builder.Append(' ').Append(pair.Name).Append('=').Append(pair.Value);
                }

                builder.Append('\n');
            }
        }

        return builder.ToString();
    }
}

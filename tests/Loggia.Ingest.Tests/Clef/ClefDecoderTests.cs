using System.IO.Compression;
using System.Text;
using Loggia.Core.Model;
using Loggia.Ingest.Clef;
using Loggia.Ingest.Loki;

namespace Loggia.Ingest.Tests.Clef;

/// <summary>CLEF as Serilog writes it, mapped to Loki streams; bad lines counted while the good ones are kept.</summary>
public sealed class ClefDecoderTests
{
    private static ClefDecodeResult Decode(string payload, string? encoding = null) =>
        ClefDecoder.Decode(Encoding.UTF8.GetBytes(payload), encoding, 1 << 20);

    private static Dictionary<string, string> Metadata(LogEntry entry)
    {
        var result = new Dictionary<string, string>();
        foreach (var pair in entry.StructuredMetadata.Span)
        {
            result[pair.Name] = pair.Value;
        }
        return result;
    }

    private static string Line(LogEntry entry) => Encoding.UTF8.GetString(entry.Line.Span);

    [Fact]
    public void RenderedEvent_MapsTimestampLineLevelAndProperties()
    {
        var result = Decode("""{"@t":"2026-12-07T10:00:00.1234567Z","@m":"Order 42 shipped","@mt":"Order {OrderId} shipped","@l":"Warning","@i":"a1b2c3d4","@tr":"0af7651916cd43dd8448eb211c80319c","@sp":"b7ad6b7169203331","OrderId":42,"Application":"shop","Cart":{"Items":3},"@@odd":"x"}""");

        Assert.Equal(0, result.InvalidEvents);
        var stream = Assert.Single(result.Push.Streams);
        Assert.Equal("{service_name=\"shop\"}", stream.Labels.ToString());
        var entry = stream.Entries.Span[0];
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero).AddTicks(1234567).ToUnixTimeMilliseconds() * 1_000_000 + 456_700, entry.TimestampNanos);
        Assert.Equal("Order 42 shipped", Line(entry));
        var metadata = Metadata(entry);
        Assert.Equal("warn", metadata["level"]);
        Assert.Equal("Order {OrderId} shipped", metadata["message_template"]);
        Assert.Equal("a1b2c3d4", metadata["event_id"]);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", metadata["trace_id"]);
        Assert.Equal("b7ad6b7169203331", metadata["span_id"]);
        Assert.Equal("42", metadata["OrderId"]);
        Assert.Equal("{\"Items\":3}", metadata["Cart"]);
        Assert.Equal("x", metadata["key_odd"]);
    }

    [Theory]
    [InlineData("User {User} logged in from {@Ip,10:l}", "User alice logged in from 10.0.0.1")]
    [InlineData("Braces {{literal}} and {Missing}", "Braces {literal} and {Missing}")]
    [InlineData("Count {$Count}", "Count 7")]
    public void TemplateWithoutRenderedMessage_IsRendered(string template, string expected)
    {
        var result = Decode($$"""{"@t":"2026-12-07T10:00:00Z","@mt":{{System.Text.Json.JsonSerializer.Serialize(template)}},"User":"alice","Ip":"10.0.0.1","Count":7}""");

        Assert.Equal(expected, Line(result.Push.Streams[0].Entries.Span[0]));
        Assert.Equal("info", Metadata(result.Push.Streams[0].Entries.Span[0])["level"]);
    }

    [Fact]
    public void Exception_FollowsTheMessage_AndResourceServiceNameWins()
    {
        var result = Decode("""{"@t":"2026-12-07T10:00:00+01:00","@m":"Failed","@l":"Error","@x":"System.InvalidOperationException: boom\n   at Shop.Pay()","@ra":{"service.name":"payments","host.name":"h1"},"Application":"ignored"}""");

        var stream = Assert.Single(result.Push.Streams);
        Assert.Equal("{service_name=\"payments\"}", stream.Labels.ToString());
        var entry = stream.Entries.Span[0];
        Assert.Equal("Failed\nSystem.InvalidOperationException: boom\n   at Shop.Pay()", Line(entry));
        Assert.Equal("h1", Metadata(entry)["host_name"]);
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000, entry.TimestampNanos);
    }

    [Fact]
    public void InvalidLines_AreCountedWithTheFirstReason_AndValidOnesKept()
    {
        var payload = string.Join("\r\n",
            """{"@t":"2026-12-07T10:00:00Z","@m":"one"}""",
            "not json",
            """["@t"]""",
            """{"@m":"no time"}""",
            """{"@t":"yesterday","@m":"bad time"}""",
            """{"@t":"2026-12-07T10:00:00Z","@m":"tr""",
            "",
            """{"@t":"2026-12-07T10:00:01Z","@m":"two"} {"@t":"2026-12-07T10:00:01Z"}""",
            """{"@t":"2026-12-07T10:00:02Z","@m":"three \ud83d\ude00"}""");

        var result = Decode(payload);

        Assert.Equal(6, result.InvalidEvents);
        Assert.StartsWith("line 2: invalid JSON", result.FirstError, StringComparison.Ordinal);
        var stream = Assert.Single(result.Push.Streams);
        Assert.Equal("{service_name=\"unknown_service\"}", stream.Labels.ToString());
        Assert.Equal(["one", "three 😀"], stream.Entries.ToArray().Select(Line));
    }

    [Fact]
    public void GzipBodies_AreInflated_AndSnappyRefused()
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write("""{"@t":"2026-12-07T10:00:00Z","@m":"zipped"}"""u8);
        }

        var result = ClefDecoder.Decode(buffer.ToArray(), "gzip", 1 << 20);

        Assert.Equal("zipped", Line(result.Push.Streams[0].Entries.Span[0]));
        Assert.Throws<PushRequestException>(() => Decode("{}", "snappy"));
        Assert.Throws<PushRequestException>(() => Decode("{}", "br"));
    }
}

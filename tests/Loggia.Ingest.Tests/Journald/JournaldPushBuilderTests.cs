using System.Text;
using Loggia.Core.Model;
using Loggia.Ingest.Journald;

namespace Loggia.Ingest.Tests.Journald;

public sealed class JournaldPushBuilderTests
{
    private static (Labels Labels, LogEntry Entry) MapOne(byte[] body, long received = 42, int maxValue = JournaldPushBuilder.DefaultMaxMetadataValueBytes)
    {
        var fields = new List<JournalField>();
        Assert.Equal(JournalReadStatus.Entry, JournalExportReader.TryReadEntry(body, true, 1 << 20, fields, out _, out var error));
        Assert.Null(error);
        var builder = new JournaldPushBuilder(maxValue);
        builder.Add(body, fields, received);
        var stream = Assert.Single(builder.Build().Streams);
        return (stream.Labels, Assert.Single(stream.Entries.ToArray()));
    }

    private static Dictionary<string, string> Metadata(LogEntry entry) => entry.StructuredMetadata.ToArray().ToDictionary(p => p.Name, p => p.Value);

    [Fact]
    public void Labels_AreServiceUnitHostname_AndEverythingElseIsMetadataUnderItsJournaldName()
    {
        var (labels, entry) = MapOne("__CURSOR=s=1\n__REALTIME_TIMESTAMP=1700000000123456\n__MONOTONIC_TIMESTAMP=5\n_SYSTEMD_UNIT=nginx.service\nSYSLOG_IDENTIFIER=nginx\n_HOSTNAME=web-1\n_PID=77\nPRIORITY=3\nMESSAGE=boom\n\n"u8.ToArray());
        Assert.Equal("{hostname=\"web-1\", service_name=\"nginx\", unit=\"nginx.service\"}", labels.ToString());
        Assert.Equal(1_700_000_000_123_456_000, entry.TimestampNanos);
        Assert.Equal("boom", Encoding.UTF8.GetString(entry.Line.Span));
        var metadata = Metadata(entry);
        Assert.Equal(("error", "3", "77", "nginx.service", "nginx", "web-1"),
            (metadata["detected_level"], metadata["PRIORITY"], metadata["_PID"], metadata["_SYSTEMD_UNIT"], metadata["SYSLOG_IDENTIFIER"], metadata["_HOSTNAME"]));
        Assert.DoesNotContain(metadata.Keys, k => k.StartsWith("__", StringComparison.Ordinal));
        Assert.False(metadata.ContainsKey("MESSAGE"));
    }

    [Theory]
    [InlineData("SYSLOG_IDENTIFIER=ident\n_SYSTEMD_UNIT=u.service\n_COMM=comm\n", "ident")]
    [InlineData("_SYSTEMD_UNIT=u.service\n_COMM=comm\n", "u.service")]
    [InlineData("_COMM=comm\n", "comm")]
    [InlineData("", "unknown_service")]
    public void ServiceName_FallsBackFromIdentifierToUnitToComm(string fields, string expected)
    {
        var (labels, _) = MapOne(Encoding.UTF8.GetBytes(fields + "MESSAGE=m\n\n"));
        Assert.Equal(expected, labels.Pairs.ToArray().Single(p => p.Name == "service_name").Value);
    }

    [Fact]
    public void Timestamp_FallsBackToSourceRealtimeThenReceiveTime()
    {
        Assert.Equal(2_000_000, MapOne("_SOURCE_REALTIME_TIMESTAMP=2000\nMESSAGE=m\n\n"u8.ToArray()).Entry.TimestampNanos);
        Assert.Equal(42, MapOne("MESSAGE=m\n\n"u8.ToArray()).Entry.TimestampNanos);
        Assert.Equal(42, MapOne("__REALTIME_TIMESTAMP=not-a-number\nMESSAGE=m\n\n"u8.ToArray()).Entry.TimestampNanos);
    }

    [Fact]
    public void MultiValued_BinaryAndLongFields()
    {
        byte[] latin1 = [(byte)'c', (byte)'h', 0xE4, (byte)'s'];
        byte[] body = [.. "MESSAGE\n"u8, 3, 0, 0, 0, 0, 0, 0, 0, (byte)'a', 0xFF, (byte)'b', (byte)'\n',
            .. "DEVLINK=/dev/a\nDEVLINK=/dev/b\nLATIN1\n"u8, 4, 0, 0, 0, 0, 0, 0, 0, .. latin1, (byte)'\n',
            .. "LARGE="u8, .. Encoding.ASCII.GetBytes(new string('x', 100)), .. "\nfoo.bar=1\n1ABC=2\n\n"u8];
        var (_, entry) = MapOne(body, maxValue: 10);
        Assert.Equal("a\uFFFDb", Encoding.UTF8.GetString(entry.Line.Span));
        var metadata = Metadata(entry);
        Assert.Equal("/dev/a\n/dev/b", metadata["DEVLINK"]);
        Assert.Equal("ch\uFFFDs", metadata["LATIN1"]);
        Assert.Equal("xxxxxxxxxx", metadata["LARGE"]);
        Assert.Equal("LARGE", metadata["journal_truncated_fields"]);
        Assert.Equal(("1", "2"), (metadata["foo_bar"], metadata["key_1ABC"]));
        Assert.Equal(entry.StructuredMetadata.Length, metadata.Count); // names are unique
    }

    [Fact]
    public void Batches_GroupEntriesByStream_AndStartOverAfterBuild()
    {
        var builder = new JournaldPushBuilder();
        var fields = new List<JournalField>();
        foreach (var body in new[] { "SYSLOG_IDENTIFIER=a\nMESSAGE=1\n\n", "SYSLOG_IDENTIFIER=b\nMESSAGE=2\n\n", "SYSLOG_IDENTIFIER=a\nMESSAGE=3\n\n" })
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            JournalExportReader.TryReadEntry(bytes, true, 1024, fields, out _, out _);
            builder.Add(bytes, fields, 1);
        }

        Assert.Equal((3, 3L), (builder.Count, builder.LineBytes));
        var push = builder.Build();
        Assert.Equal([2, 1], push.Streams.Select(s => s.Entries.Length));
        Assert.Equal(0, builder.Count);
        Assert.Empty(builder.Build().Streams);
    }
}

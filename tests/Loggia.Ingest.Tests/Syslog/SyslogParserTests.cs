using System.Text;
using Loggia.Ingest.Syslog;

namespace Loggia.Ingest.Tests.Syslog;

public sealed class SyslogParserTests
{
    private static readonly DateTime Now = new(2026, 12, 7, 3, 0, 0, DateTimeKind.Utc);

    private sealed record Parsed(SyslogFormat Format, int Facility, int Severity, long Nanos, string Host, string App, string ProcId, string MsgId, string Sd, string Msg);

    private static Parsed Parse(string text) => Parse(Encoding.UTF8.GetBytes(text), Now);

    private static Parsed Parse(byte[] bytes, DateTime now)
    {
        Assert.True(SyslogParser.TryParse(bytes, now, out var m, out var error), error);
        return new Parsed(m.Format, m.Facility, m.Severity, m.TimestampNanos, Text(m.Hostname), Text(m.AppName), Text(m.ProcId), Text(m.MsgId), Text(m.StructuredData), Text(m.Message));
    }

    private static string Text(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    private static long Nanos(string iso) => (DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture).UtcTicks - DateTime.UnixEpoch.Ticks) * 100;

    public static TheoryData<string, string, string, string, string, string, string> Rfc5424Cases => new()
    {
        // input, timestamp, host, app, procid, msgid, msg
        { "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed for lonvick on /dev/pts/8", "2003-10-11T22:14:15.003Z", "mymachine.example.com", "su", "", "ID47", "'su root' failed for lonvick on /dev/pts/8" },
        { "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.", "2003-08-24T12:14:15.000003Z", "192.0.2.1", "myproc", "8710", "", "%% It's time to make the do-nuts." },
        { "<13>1 - - - - - -", "", "", "", "", "", "" },
        { "<13>1 2026-12-07T02:59:00+01:00 host app 1 m - \uFEFFwith BOM\n", "2026-12-07T01:59:00Z", "host", "app", "1", "m", "with BOM" },
    };

    [Theory]
    [MemberData(nameof(Rfc5424Cases))]
    public void Rfc5424_HeaderFieldsAndMessage(string input, string timestamp, string host, string app, string procId, string msgId, string msg)
    {
        var p = Parse(input);
        Assert.Equal(SyslogFormat.Rfc5424, p.Format);
        Assert.Equal(timestamp.Length == 0 ? 0 : Nanos(timestamp), p.Nanos);
        Assert.Equal((host, app, procId, msgId, msg), (p.Host, p.App, p.ProcId, p.MsgId, p.Msg));
    }

    [Fact]
    public void Rfc5424_PriorityGivesFacilityAndSeverity()
    {
        var p = Parse("<165>1 - - - - - -");
        Assert.Equal((20, 5), (p.Facility, p.Severity));
    }

    [Fact]
    public void Rfc5424_StructuredData_ParamsWithEscapes()
    {
        var p = Parse("<165>1 2003-10-11T22:14:15.003Z host evntslog - ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"App\\\"li\\]ca\\\\tion\"][examplePriority@32473 class=\"high\"] BOMAn application event");
        Assert.Equal("An application event".Insert(0, "BOM"), p.Msg);
        var reader = new SyslogStructuredDataReader(Encoding.UTF8.GetBytes(p.Sd));
        var found = new List<string>();
        while (reader.TryReadElement(out var id))
        {
            while (reader.TryReadParam(out var name, out var raw, out _))
            {
                var buffer = new byte[raw.Length];
                var length = SyslogStructuredDataReader.Unescape(raw, buffer);
                found.Add($"{Text(id)}.{Text(name)}={Encoding.UTF8.GetString(buffer, 0, length)}");
            }
        }

        Assert.Equal(["exampleSDID@32473.iut=3", "exampleSDID@32473.eventSource=App\"li]ca\\tion", "examplePriority@32473.class=high"], found);
    }

    [Fact]
    public void Rfc5424_StructuredDataWithoutMessage()
    {
        var p = Parse("<165>1 2003-10-11T22:14:15.003Z host app - - [id a=\"1\"]");
        Assert.Equal(("[id a=\"1\"]", ""), (p.Sd, p.Msg));
    }

    public static TheoryData<string, string, string, string, string, string> Rfc3164Cases => new()
    {
        // input, timestamp, host, tag, pid, msg
        { "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8", "2026-10-11T22:14:15Z", "mymachine", "su", "", "'su root' failed for lonvick on /dev/pts/8" },
        { "<13>Dec  7 02:45:00 web-1 sshd[1234]: Accepted publickey", "2026-12-07T02:45:00Z", "web-1", "sshd", "1234", "Accepted publickey" },
        // Host missing: the word after the timestamp is the tag.
        { "<13>Dec  7 02:45:00 cron[99]: job done", "2026-12-07T02:45:00Z", "", "cron", "99", "job done" },
        { "<13>Dec 07 02:45:00 app: zero-padded day", "2026-12-07T02:45:00Z", "", "app", "", "zero-padded day" },
        // rsyslog's RSYSLOG_ForwardFormat: RFC 3339 timestamp in an RFC 3164 header.
        { "<30>2026-12-07T02:44:59.123456+00:00 relay kernel: eth0 up", "2026-12-07T02:44:59.123456Z", "relay", "kernel", "", "eth0 up" },
        // No PRI, no timestamp: everything is the message.
        { "just some text", "", "", "", "", "just some text" },
        { "<13>no header at all", "", "", "", "", "no header at all" },
    };

    [Theory]
    [MemberData(nameof(Rfc3164Cases))]
    public void Rfc3164_Variants(string input, string timestamp, string host, string tag, string pid, string msg)
    {
        var p = Parse(input);
        Assert.Equal(SyslogFormat.Rfc3164, p.Format);
        Assert.Equal(timestamp.Length == 0 ? 0 : Nanos(timestamp), p.Nanos);
        Assert.Equal((host, tag, pid, msg), (p.Host, p.App, p.ProcId, p.Msg));
    }

    [Fact]
    public void Rfc3164_MissingPri_IsUserNotice()
    {
        var p = Parse("Dec  7 02:45:00 host app: text");
        Assert.Equal((1, 5, "host"), (p.Facility, p.Severity, p.Host));
    }

    [Fact]
    public void Rfc3164_DecemberReadInJanuary_IsLastYear()
    {
        var p = Parse(Encoding.UTF8.GetBytes("<13>Dec 31 23:59:50 host app: late"), new DateTime(2027, 1, 1, 0, 0, 5, DateTimeKind.Utc));
        Assert.Equal(Nanos("2026-12-31T23:59:50Z"), p.Nanos);
        var q = Parse(Encoding.UTF8.GetBytes("<13>Jan  1 00:00:05 host app: early"), new DateTime(2026, 12, 31, 23, 59, 50, DateTimeKind.Utc));
        Assert.Equal(Nanos("2027-01-01T00:00:05Z"), q.Nanos);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("<>1 - - - - - -")]
    [InlineData("<192>1 - - - - - -")]
    [InlineData("<1a>text")]
    [InlineData("<13>1 2026-13-07T00:00:00Z h a p m - bad month")]
    [InlineData("<13>1 2026-12-07T00:00:00 h a p m - no zone")]
    [InlineData("<13>1 - h a p m [unterminated x=\"1\"")]
    [InlineData("<13>1 - h a p m [id x=1] unquoted")]
    [InlineData("<13>1 - h a")]
    public void Malformed_IsRefused(string input)
    {
        Assert.False(SyslogParser.TryParse(Encoding.UTF8.GetBytes(input), Now, out _, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void RandomBytes_NeverThrow()
    {
        var random = new Random(42);
        string[] seeds = ["<165>1 2003-10-11T22:14:15.003Z host app - ID [a b=\"\\\"c\"] msg", "<13>Dec  7 02:45:00 host tag[1]: m", "12 <13>1 - - -"];
        for (int i = 0; i < 20_000; i++)
        {
            byte[] bytes;
            if (i % 2 == 0)
            {
                bytes = new byte[random.Next(0, 80)];
                random.NextBytes(bytes);
            }
            else
            {
                bytes = Encoding.UTF8.GetBytes(seeds[i % seeds.Length]);
                bytes = bytes[..random.Next(0, bytes.Length + 1)];
                if (bytes.Length > 0)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }
            }

            if (SyslogParser.TryParse(bytes, Now, out var m, out _) && !m.StructuredData.IsEmpty)
            {
                var reader = new SyslogStructuredDataReader(m.StructuredData);
                while (reader.TryReadElement(out _))
                {
                    while (reader.TryReadParam(out _, out _, out _))
                    {
                    }
                }
            }
        }
    }
}

using System.Globalization;
using System.Net.Sockets;
using System.Text;
using static Loggia.Server.Tests.EndToEnd.Malformed.MalformedInput;

namespace Loggia.Server.Tests.EndToEnd.Malformed;

/// <summary>
/// Syslog over real sockets: garbage datagrams and frames are counted and skipped, never stop a receiver; a line
/// without a valid octet count is read as a line; a count larger than the limit keeps the first bytes; a connection
/// closed inside a frame drops only that frame.
/// </summary>
public sealed class SyslogMalformedTests
{
    private static string Rfc3339Now() => DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Udp_GarbageDatagramsAreCountedAndSkipped_TheOthersAreKept()
    {
        await using var server = await RunningServer.StartAsync();
        using var udp = new UdpClient();
        var ts = Rfc3339Now();
        byte[][] datagrams =
        [
            Encoding.UTF8.GetBytes($"<13>1 {ts} h udp-malformed - - - before"),
            [],
            [0xFF, 0xFE, 0x00, .. "garbage"u8],
            "<999>1 bad priority"u8.ToArray(),
            new byte[60_000],
            [.. Encoding.UTF8.GetBytes($"<13>1 {ts} h udp-malformed - - - bad "), 0xFF, .. " utf8"u8],
            Encoding.UTF8.GetBytes($"<13>1 {ts} h udp-malformed - - - after"),
        ];
        foreach (var datagram in datagrams)
        {
            await udp.SendAsync(datagram, server.SyslogUdp);
        }

        var lines = await WaitForLinesAsync(server, "{service_name=\"udp-malformed\"}", 3);
        Assert.Equal(["after", "bad \uFFFD utf8", "before"], lines.Order(StringComparer.Ordinal));
        Assert.Contains("loggia_syslog_parse_errors_total{transport=\"udp\"}", await server.Client.GetStringAsync("/metrics"), StringComparison.Ordinal);
        await AssertStillServingAsync(server);
    }

    [Fact]
    public async Task Tcp_BadOctetCounts_AndAConnectionClosedMidFrame_LoseOnlyTheBrokenFrames()
    {
        await using var server = await RunningServer.StartAsync();
        var ts = Rfc3339Now();
        byte[] first =
        [
            .. Encoding.UTF8.GetBytes($"abc <13>1 {ts} h tcp-malformed - - - non-numeric count\n"),
            .. Encoding.UTF8.GetBytes($"<13>1 {ts} h tcp-malformed - - - plain line\n"),
            // Eleven digits are not an octet count (at most nine are read): the frame is a line.
            .. Encoding.UTF8.GetBytes($"12345678901 <13>1 {ts} h tcp-malformed - - - eleven digits\n"),
            // A count over syslog.max_message_size (64 KiB): the first 64 KiB are kept, the rest skipped by count.
            .. OctetCounted($"<13>1 {ts} h tcp-malformed - - - {new string('x', 100 * 1024)}"),
            .. Encoding.UTF8.GetBytes($"<13>1 {ts} h tcp-malformed - - - after the long frame\n"),
            // The connection ends inside a frame that declares more bytes than follow.
            .. Encoding.UTF8.GetBytes($"999999 <13>1 {ts} h tcp-malformed - - - cut off"),
        ];
        await SyslogEndToEndTests.SendTcpAsync(server.SyslogTcp, first);
        await SyslogEndToEndTests.SendTcpAsync(server.SyslogTcp, Encoding.UTF8.GetBytes($"<13>1 {ts} h tcp-malformed - - - next connection\n"));

        var lines = await WaitForLinesAsync(server, "{service_name=~\"tcp-malformed|unknown_service\"}", 6);
        Assert.Equal(6, lines.Length);
        Assert.Contains("plain line", lines);
        Assert.Contains("after the long frame", lines);
        Assert.Contains("next connection", lines);
        Assert.Contains(lines, l => l.StartsWith("abc <13>1", StringComparison.Ordinal)); // no PRI: kept whole, as rsyslog does
        Assert.Contains(lines, l => l.StartsWith("12345678901 <13>1", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Length == (64 * 1024) - $"<13>1 {ts} h tcp-malformed - - - ".Length);
        Assert.DoesNotContain(lines, l => l.Contains("cut off", StringComparison.Ordinal));
        var metrics = await server.Client.GetStringAsync("/metrics");
        Assert.Contains("loggia_syslog_dropped_messages_total{reason=\"broken_frame\",transport=\"tcp\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("loggia_syslog_truncated_messages_total{transport=\"tcp\"} 1", metrics, StringComparison.Ordinal);
        await AssertStillServingAsync(server);
    }

    private static byte[] OctetCounted(string message)
    {
        var bytes = Encoding.UTF8.GetBytes(message);
        return [.. Encoding.ASCII.GetBytes(bytes.Length.ToString(CultureInfo.InvariantCulture) + " "), .. bytes];
    }
}

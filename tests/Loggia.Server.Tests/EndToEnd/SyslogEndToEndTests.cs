using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Loggia.Server.Tests.EndToEnd;

/// <summary>Syslog over real sockets (TCP with both framings, UDP, TLS) and from real clients (util-linux logger, rsyslog), read back over the Loki API.</summary>
public sealed class SyslogEndToEndTests
{
    private sealed record Entry(Dictionary<string, string> Labels, string Line, long Nanos);

    private static string Rfc3339Now() => DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Queries until <paramref name="expected"/> entries are there (ingest is asynchronous to the sender) or 20 s passed.</summary>
    private static async Task<List<Entry>> WaitForAsync(RunningServer server, string query, int expected)
    {
        var entries = new List<Entry>();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
            var json = await server.GetJsonAsync($"/loki/api/v1/query_range?query={RunningServer.Escape(query)}&start={now - 3_600_000_000_000}&end={now + 60_000_000_000}&limit=1000&direction=forward");
            entries.Clear();
            foreach (var stream in json.GetProperty("data").GetProperty("result").EnumerateArray())
            {
                var labels = stream.GetProperty("stream").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
                foreach (var value in stream.GetProperty("values").EnumerateArray())
                {
                    entries.Add(new Entry(labels, value[1].GetString()!, long.Parse(value[0].GetString()!, CultureInfo.InvariantCulture)));
                }
            }

            if (entries.Count >= expected)
            {
                return [.. entries.OrderBy(e => e.Nanos)];
            }

            await Task.Delay(100);
        }

        Assert.Fail($"{query}: {entries.Count} of {expected} entries arrived: {string.Join(" | ", entries.Select(e => e.Line))}");
        return entries;
    }

    internal static async Task SendTcpAsync(IPEndPoint endPoint, byte[] bytes)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(endPoint);
        var stream = client.GetStream();
        await stream.WriteAsync(bytes);
        client.Client.Shutdown(SocketShutdown.Send);
        // Wait for the server to close its side: it has read everything.
        _ = await stream.ReadAsync(new byte[1]);
    }

    private static async Task WaitForMetricAsync(RunningServer server, string sample)
    {
        var metrics = "";
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            metrics = await server.Client.GetStringAsync("/metrics");
            if (metrics.Contains(sample, StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"/metrics never showed {sample}:\n{metrics}");
    }

    private static byte[] OctetCounted(string message)
    {
        var bytes = Encoding.UTF8.GetBytes(message);
        return [.. Encoding.ASCII.GetBytes(bytes.Length.ToString(CultureInfo.InvariantCulture) + " "), .. bytes];
    }

    [Fact]
    public async Task Tcp_BothFramingsOnOneConnection_LabelsMetadataAndLines()
    {
        await using var server = await RunningServer.StartAsync();
        var ts = Rfc3339Now();
        var payload = new List<byte>();
        payload.AddRange(OctetCounted($"<165>1 {ts} web-1 checkout 4242 ORDER [origin@32473 ip=\"10.0.0.1\" note=\"a \\\"quoted\\\" \\] value\"] \uFEFForder placed"));
        payload.AddRange(Encoding.UTF8.GetBytes($"<11>1 {ts} web-1 checkout - - - payment failed\n"));
        // RFC 3164 timestamps have no year or zone (read as UTC): a recent one, so it falls in the queried hour.
        var recent = DateTime.UtcNow.AddMinutes(-1);
        var bsd = string.Create(CultureInfo.InvariantCulture, $"{recent:MMM} {recent.Day,2} {recent:HH:mm:ss}");
        payload.AddRange(Encoding.UTF8.GetBytes($"<30>{bsd} web-2 sshd[77]: Accepted publickey\n"));
        await SendTcpAsync(server.SyslogTcp, [.. payload]);

        var checkout = await WaitForAsync(server, "{service_name=\"checkout\"}", 2);
        Assert.Equal(["order placed", "payment failed"], checkout.Select(e => e.Line).Order());
        var placed = checkout.Single(e => e.Line == "order placed");
        var failed = checkout.Single(e => e.Line == "payment failed");
        var first = placed.Labels;
        Assert.Equal(("web-1", "local4", "notice", "4242", "ORDER", "10.0.0.1", "a \"quoted\" ] value"),
            (first["hostname"], first["facility"], first["severity"], first["proc_id"], first["msg_id"], first["sd_origin_32473_ip"], first["sd_origin_32473_note"]));
        Assert.Equal(("err", "error", "user"), (failed.Labels["severity"], failed.Labels["detected_level"], failed.Labels["facility"]));
        Assert.Equal(DateTime.Parse(ts, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal).Ticks - DateTime.UnixEpoch.Ticks, placed.Nanos / 100);

        var sshd = Assert.Single(await WaitForAsync(server, "{service_name=\"sshd\", hostname=\"web-2\"}", 1));
        Assert.Equal(("Accepted publickey", "77", "daemon", "info"), (sshd.Line, sshd.Labels["proc_id"], sshd.Labels["facility"], sshd.Labels["severity"]));

        // Only the low-cardinality fields are stream labels.
        var names = await server.GetJsonAsync("/loki/api/v1/labels");
        Assert.Equal(["facility", "hostname", "service_name"], names.GetProperty("data").EnumerateArray().Select(n => n.GetString()).Order());
    }

    [Fact]
    public async Task Tcp_MalformedFrames_NeverCrashAndValidMessagesAroundThemAreKept()
    {
        await using var server = await RunningServer.StartAsync();
        var ts = Rfc3339Now();
        var huge = new string('x', 200 * 1024);
        var payload = new List<byte>();
        payload.AddRange(Encoding.UTF8.GetBytes($"<13>1 {ts} h robust - - - before\n"));
        payload.AddRange(Encoding.UTF8.GetBytes("<999>1 bad pri\n"));
        payload.AddRange(Encoding.UTF8.GetBytes("<13>1 not-a-time h robust - - - bad time\n"));
        payload.AddRange([0xFF, 0xFE, 0x00, 0x01, (byte)'\n']);
        payload.AddRange(Encoding.UTF8.GetBytes($"<13>1 {ts} h robust - - - {huge}\n"));
        byte[] invalidUtf8 = [.. Encoding.UTF8.GetBytes($"<13>1 {ts} h robust - - - invalid "), 0xFF, .. " utf8"u8];
        payload.AddRange([.. Encoding.ASCII.GetBytes($"{invalidUtf8.Length} "), .. invalidUtf8]);
        payload.AddRange(Encoding.UTF8.GetBytes($"<13>1 {ts} h robust - - - after\n"));
        payload.AddRange(Encoding.UTF8.GetBytes("999 <13>1 - h robust - - - truncated octet count at the end"));
        await SendTcpAsync(server.SyslogTcp, [.. payload]);

        var entries = await WaitForAsync(server, "{service_name=\"robust\"}", 4);
        Assert.Equal(4, entries.Count);
        Assert.Equal("before", entries[0].Line);
        Assert.Equal(64 * 1024 - $"<13>1 {ts} h robust - - - ".Length, entries[1].Line.Length); // cut to syslog.max_message_size
        Assert.Equal("invalid \uFFFD utf8", entries[2].Line);
        Assert.Equal("after", entries[3].Line);

        var metrics = await server.Client.GetStringAsync("/metrics");
        Assert.Contains("loggia_syslog_parse_errors_total{transport=\"tcp\"} 2", metrics, StringComparison.Ordinal);
        Assert.Contains("loggia_syslog_truncated_messages_total{transport=\"tcp\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("reason=\"broken_frame\"", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Udp_OneMessagePerDatagram()
    {
        await using var server = await RunningServer.StartAsync();
        using var udp = new UdpClient();
        for (var i = 0; i < 20; i++)
        {
            await udp.SendAsync(Encoding.UTF8.GetBytes($"<14>1 {Rfc3339Now()} udp-host udpapp - - - datagram {i}"), server.SyslogUdp);
        }

        var entries = await WaitForAsync(server, "{service_name=\"udpapp\"}", 20);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"datagram {i}").Order(), entries.Select(e => e.Line).Order());
        Assert.Contains("loggia_syslog_messages_received_total{transport=\"udp\"} 20", await server.Client.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tls_WithSelfSignedCertificate()
    {
        var dir = Directory.CreateTempSubdirectory("loggia-syslog-tls-").FullName;
        try
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            var certFile = Path.Combine(dir, "cert.pem");
            var keyFile = Path.Combine(dir, "key.pem");
            await File.WriteAllTextAsync(certFile, certificate.ExportCertificatePem());
            await File.WriteAllTextAsync(keyFile, key.ExportPkcs8PrivateKeyPem());
            await using var server = await RunningServer.StartAsync(yaml: $"syslog:\n  tls_cert_file: {certFile}\n  tls_key_file: {keyFile}\n");

            async Task SendTlsAsync(params byte[][] frames)
            {
                using var client = new TcpClient();
                await client.ConnectAsync(server.SyslogTcp);
                await using var tls = new SslStream(client.GetStream(), false, (_, cert, _, _) => cert?.GetCertHashString() == certificate.GetCertHashString());
                await tls.AuthenticateAsClientAsync("localhost");
                foreach (var frame in frames)
                {
                    await tls.WriteAsync(frame);
                }

                await tls.FlushAsync();
            }

            await SendTlsAsync(OctetCounted($"<13>1 {Rfc3339Now()} tls-host secure - - - over tls"), Encoding.UTF8.GetBytes($"<13>1 {Rfc3339Now()} tls-host secure - - - second\n"));
            var entries = await WaitForAsync(server, "{service_name=\"secure\"}", 2);
            Assert.Equal(["over tls", "second"], entries.Select(e => e.Line));

            // Cleartext on the TLS port is refused without harming the listener: the next TLS client is served.
            await SendTcpAsync(server.SyslogTcp, Encoding.UTF8.GetBytes("<13>1 - h plain - - - cleartext\n"));
            await SendTlsAsync(Encoding.UTF8.GetBytes($"<13>1 {Rfc3339Now()} tls-host secure - - - after cleartext\n"));
            entries = await WaitForAsync(server, "{service_name=\"secure\"}", 3);
            Assert.Equal(["over tls", "second", "after cleartext"], entries.Select(e => e.Line));
            Assert.Empty(await WaitForAsync(server, "{service_name=\"plain\"}", 0));

            // Every connection is closed; the server notices a client's close on its own time, so wait for it.
            await WaitForMetricAsync(server, "loggia_syslog_connections{transport=\"tls\"} 0");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} → {process.ExitCode}: {await stderr}");
    }

    /// <summary>util-linux logger (Debian bsdutils; .ci/run installs it): TCP (LF and octet counting), UDP, RFC 5424 and RFC 3164.</summary>
    [Fact]
    public async Task UtilLinuxLogger_TcpUdp_Rfc5424AndRfc3164()
    {
        await using var server = await RunningServer.StartAsync();
        var tcp = server.SyslogTcp.Port.ToString(CultureInfo.InvariantCulture);
        var udp = server.SyslogUdp.Port.ToString(CultureInfo.InvariantCulture);
        await RunAsync("logger", "--server", "127.0.0.1", "--port", tcp, "--tcp", "--rfc5424", "-t", "lg5424", "-p", "local3.warning", "--sd-id", "meta@32473", "--sd-param", "key=\"v\\\"1\"", "tcp 5424");
        await RunAsync("logger", "--server", "127.0.0.1", "--port", tcp, "--tcp", "--octet-count", "--rfc5424", "-t", "lg5424", "tcp octet counted");
        await RunAsync("logger", "--server", "127.0.0.1", "--port", tcp, "--tcp", "--rfc3164", "-t", "lg3164", "-i", "tcp 3164");
        await RunAsync("logger", "--server", "127.0.0.1", "--port", udp, "--udp", "--rfc5424", "-t", "lg5424", "udp 5424");
        await RunAsync("logger", "--server", "127.0.0.1", "--port", udp, "--udp", "--rfc3164", "-t", "lg3164", "udp 3164");

        var rfc5424 = await WaitForAsync(server, "{service_name=\"lg5424\"}", 3);
        Assert.Equal(["tcp 5424", "tcp octet counted", "udp 5424"], rfc5424.Select(e => e.Line).Order());
        var withSd = rfc5424.Single(e => e.Line == "tcp 5424");
        Assert.Equal(("local3", "warning", "v\"1"), (withSd.Labels["facility"], withSd.Labels["severity"], withSd.Labels["sd_meta_32473_key"]));
        Assert.Equal(Environment.MachineName, withSd.Labels["hostname"]);

        var rfc3164 = await WaitForAsync(server, "{service_name=\"lg3164\"}", 2);
        Assert.Equal(["tcp 3164", "udp 3164"], rfc3164.Select(e => e.Line).Order());
        Assert.True(rfc3164.Single(e => e.Line == "tcp 3164").Labels.ContainsKey("proc_id"));
    }

    /// <summary>rsyslog (Debian rsyslog; .ci/run installs it) reads messages on its own TCP input and forwards them to us with omfwd.</summary>
    [Theory]
    [InlineData("RSYSLOG_SyslogProtocol23Format", "octet-counted")]
    [InlineData("RSYSLOG_ForwardFormat", "traditional")]
    public async Task Rsyslog_Forwarding(string template, string framing)
    {
        await using var server = await RunningServer.StartAsync();
        var dir = Directory.CreateTempSubdirectory("loggia-rsyslog-").FullName;
        int inputPort;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            inputPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var conf = Path.Combine(dir, "rsyslog.conf");
        await File.WriteAllTextAsync(conf, $$"""
            global(workDirectory="{{dir}}")
            module(load="imtcp")
            input(type="imtcp" address="127.0.0.1" port="{{inputPort}}" ruleset="fwd")
            ruleset(name="fwd") {
              action(type="omfwd" target="127.0.0.1" port="{{server.SyslogTcp.Port}}" protocol="tcp" template="{{template}}" TCP_Framing="{{framing}}")
            }
            """);
        var start = new ProcessStartInfo("rsyslogd") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-n", "-f", conf, "-i", Path.Combine(dir, "rsyslogd.pid") })
        {
            start.ArgumentList.Add(arg);
        }

        using var rsyslog = Process.Start(start)!;
        try
        {
            // Wait for rsyslog's input to listen, then let logger send to it.
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    using var probe = new TcpClient();
                    await probe.ConnectAsync(IPAddress.Loopback, inputPort);
                    break;
                }
                catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(15) && !rsyslog.HasExited)
                {
                    await Task.Delay(100);
                }
            }

            await RunAsync("logger", "--server", "127.0.0.1", "--port", inputPort.ToString(CultureInfo.InvariantCulture), "--tcp", "--rfc3164", "-t", "relayed", "-p", "mail.err", "via rsyslog");
            var entry = Assert.Single(await WaitForAsync(server, "{service_name=\"relayed\"}", 1));
            // rsyslog's %msg% keeps the space after the tag's colon, and the RFC 5424 template sends it as MSG.
            Assert.Equal((template == "RSYSLOG_ForwardFormat" ? "via rsyslog" : " via rsyslog", "mail", "err"), (entry.Line, entry.Labels["facility"], entry.Labels["severity"]));
            Assert.True(Math.Abs(entry.Nanos / 1_000_000_000 - DateTimeOffset.UtcNow.ToUnixTimeSeconds()) < 120, "the message's own timestamp");
        }
        finally
        {
            rsyslog.Kill();
            await rsyslog.WaitForExitAsync();
            Directory.Delete(dir, recursive: true);
        }
    }
}

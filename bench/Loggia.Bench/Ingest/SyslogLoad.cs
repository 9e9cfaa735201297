using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Loggia.Bench.Ingest;

/// <summary>
/// Syslog ingest benchmark: starts a server, sends octet-counted RFC 5424 messages made from real log lines
/// (../shared/data) over N TCP connections for a fixed time, then waits until the server's
/// <c>loggia_distributor_lines_received_total</c> (counted once the WAL made a batch durable and the head holds it)
/// reaches the number sent, and reports messages/s from the first byte sent to the last message acknowledged.
/// </summary>
internal static partial class SyslogLoad
{
    /// <summary>Distinct message bodies per connection; the timestamp's microseconds still make every message unique.</summary>
    private const int BodiesPerConnection = 20_000;

    /// <summary>Bytes written per socket write.</summary>
    private const int WriteChunk = 256 * 1024;

    public static async Task<int> RunAsync(string[] args)
    {
        var serverDll = BenchArgs.Option(args, "--server", "");
        if (serverDll.Length == 0)
        {
            Console.Error.WriteLine("usage: syslog --server <Loggia.Cli.dll> [--connections 8] [--seconds 10] [--runs 3]");
            return 2;
        }

        var connections = int.Parse(BenchArgs.Option(args, "--connections", "8"), CultureInfo.InvariantCulture);
        var seconds = double.Parse(BenchArgs.Option(args, "--seconds", "10"), CultureInfo.InvariantCulture);
        var runs = int.Parse(BenchArgs.Option(args, "--runs", "3"), CultureInfo.InvariantCulture);
        var templates = LogTemplates.Load();
        var rates = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var rate = await RunOnceAsync(serverDll, templates, connections, seconds);
            if (rate < 0)
            {
                return 1;
            }

            rates.Add(rate);
        }

        rates.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"syslog TCP RFC 5424, {connections} connections: median {rates[rates.Count / 2]:N0} messages/s acknowledged into the head over {runs} runs ({string.Join(", ", rates.Select(r => r.ToString("N0", CultureInfo.InvariantCulture)))})"));
        return 0;
    }

    private static async Task<double> RunOnceAsync(string serverDll, LogTemplates templates, int connections, double seconds)
    {
        var data = Directory.CreateTempSubdirectory("loggia-bench-syslog-").FullName;
        try
        {
            int port;
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                port = ((IPEndPoint)probe.LocalEndpoint).Port;
            }

            using var server = await ServerUnderTest.StartAsync(serverDll, data, [$"-syslog.tcp-listen-port={port}", "-ingester.max-head-size=2GB"]);
            using var client = new HttpClient { BaseAddress = new Uri(server.Url) };
            var deadline = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
            var started = Stopwatch.GetTimestamp();
            var senders = new Task<long>[connections];
            for (var c = 0; c < connections; c++)
            {
                var connection = c;
                senders[c] = Task.Run(() => SendAsync(port, templates, connection, deadline));
            }

            var sent = (await Task.WhenAll(senders)).Sum();
            var sendSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            long received = 0;
            var wait = Stopwatch.StartNew();
            while (received < sent && wait.Elapsed < TimeSpan.FromMinutes(2))
            {
                received = ReceivedLines(await client.GetStringAsync("/metrics"));
                if (received < sent)
                {
                    await Task.Delay(20);
                }
            }

            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"sent {sent:N0} messages in {sendSeconds:F1} s; {received:N0} acknowledged after {elapsed:F1} s = {received / elapsed:N0} messages/s; server peak RSS {server.PeakRssBytes() / 1e6:F0} MB"));
            if (received < sent)
            {
                Console.WriteLine("not every message arrived");
                return -1;
            }

            await server.StopAsync();
            return received / elapsed;
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static long ReceivedLines(string metrics)
    {
        long total = 0;
        foreach (Match match in ReceivedRegex().Matches(metrics))
        {
            total += long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        return total;
    }

    private static async Task<long> SendAsync(int port, LogTemplates templates, int connection, long deadline)
    {
        var random = new Random(100 + connection);
        var text = new StringBuilder(512);
        var bodies = new byte[BodiesPerConnection][];
        var apps = new byte[BodiesPerConnection][];
        for (var i = 0; i < bodies.Length; i++)
        {
            var app = random.Next(templates.Apps.Count);
            bodies[i] = templates.Fresh(app, random, text);
            apps[i] = Encoding.ASCII.GetBytes($" host-{connection}-{i % 4} {templates.Apps[app]} {1000 + (i % 50)} - - ");
        }

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        var buffer = new byte[WriteChunk + 70_000];
        long sent = 0;
        var next = 0;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var now = DateTime.UtcNow;
            var stamp = Encoding.ASCII.GetBytes(now.ToString("'<134>1 'yyyy-MM-dd'T'HH:mm:ss'.'", CultureInfo.InvariantCulture));
            var used = 0;
            var micros = 0;
            while (used < WriteChunk)
            {
                var body = bodies[next];
                var app = apps[next];
                next = (next + 1) % bodies.Length;
                // Every message of a chunk gets its own microsecond, so none is a duplicate of another.
                var length = stamp.Length + 7 + app.Length + body.Length;
                Utf8Formatter.TryFormat(length, buffer.AsSpan(used), out var written);
                used += written;
                buffer[used++] = (byte)' ';
                stamp.CopyTo(buffer.AsSpan(used));
                used += stamp.Length;
                Utf8Formatter.TryFormat(micros++ % 1_000_000, buffer.AsSpan(used), out written, new System.Buffers.StandardFormat('D', 6));
                used += written;
                buffer[used++] = (byte)'Z';
                app.CopyTo(buffer.AsSpan(used));
                used += app.Length;
                body.CopyTo(buffer.AsSpan(used));
                used += body.Length;
                sent++;
            }

            await socket.SendAsync(buffer.AsMemory(0, used));
        }

        socket.Shutdown(SocketShutdown.Send);
        return sent;
    }

    [GeneratedRegex("^loggia_distributor_lines_received_total\\{[^}]*\\} ([0-9]+)", RegexOptions.Multiline)]
    private static partial Regex ReceivedRegex();
}

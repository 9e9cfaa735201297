using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Loggia.Core.Compression;

namespace Loggia.Bench.Ingest;

/// <summary>
/// Ingest load generator: replays real log lines (../shared/data, digits refreshed per request so
/// compression stays honest) as Loki protobuf+snappy pushes (or, with --protocol otlp, OTLP/HTTP protobuf
/// exports to /otlp/v1/logs) over N concurrent connections, with
/// current timestamps, for a fixed duration, and reports acknowledged lines/s, MB/s of line text,
/// and push latency percentiles. Traffic goes only to the URL given (a server on this machine).
/// </summary>
internal static class IngestLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var serverDll = BenchArgs.Option(args, "--server", "");
        if (serverDll.Length > 0)
        {
            return await RunWithOwnServerAsync(serverDll, args);
        }

        var (code, _, _) = await RunLoadAsync(BenchArgs.Option(args, "--url", "http://127.0.0.1:3100"), args, serverCpu: null);
        return code;
    }

    /// <summary>
    /// The full issue benchmark: starts the server on a fresh data directory, runs the load, records
    /// peak RSS, pushes one needle line, stops the server (it flushes everything into blocks),
    /// reports bytes on disk per raw byte, restarts and times a needle query over all the data.
    /// </summary>
    private static async Task<int> RunWithOwnServerAsync(string serverDll, string[] args)
    {
        var data = Directory.CreateTempSubdirectory("loggia-bench-").FullName;
        var serverFlags = BenchArgs.Option(args, "--server-flags", "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        try
        {
            long peakRss;
            long rawBytes;
            using (var server = await ServerUnderTest.StartAsync(serverDll, data, serverFlags))
            {
                var (code, _, bytes) = await RunLoadAsync(server.Url, args, server.CpuTime);
                if (code != 0)
                {
                    return code;
                }

                rawBytes = bytes;
                peakRss = server.PeakRssBytes();
                using var client = new HttpClient { BaseAddress = new Uri(server.Url) };
                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
                // Right after the load the server may still push back (429/503): retry as a Loki client does.
                var pushed = false;
                for (var attempt = 0; attempt < 60 && !pushed; attempt++)
                {
                    using var needle = await client.PostAsync("/loki/api/v1/push", new StringContent(
                        $"{{\"streams\":[{{\"stream\":{{\"app\":\"apache\",\"env\":\"bench\"}},\"values\":[[\"{now}\",\"GET /needle-7f3a9q HTTP/1.1 200\"]]}}]}}",
                        Encoding.UTF8, "application/json"));
                    pushed = needle.IsSuccessStatusCode;
                    if (!pushed)
                    {
                        await Task.Delay(500);
                    }
                }

                if (!pushed)
                {
                    Console.WriteLine("the needle line was not accepted in 30 s");
                    return 1;
                }

                await server.StopAsync();
            }

            var blockBytes = new DirectoryInfo(Path.Combine(data, "blocks")).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"server peak RSS: {peakRss / 1e6:F0} MB"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"on disk after flush: {blockBytes / 1e6:F0} MB of blocks for {rawBytes / 1e6:F0} MB of line text = {(double)blockBytes / rawBytes:F3} bytes per raw byte"));
            using (var server = await ServerUnderTest.StartAsync(serverDll, data, serverFlags))
            {
                using var client = new HttpClient { BaseAddress = new Uri(server.Url), Timeout = TimeSpan.FromMinutes(5) };
                var end = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
                var query = $"/loki/api/v1/query_range?query={Uri.EscapeDataString("{env=\"bench\"} |= \"needle-7f3a9q\"")}&start={end - 3_600_000_000_000}&end={end}&limit=10";
                var timings = new List<double>();
                for (var i = 0; i < 3; i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    var body = await client.GetStringAsync(query);
                    timings.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    if (!body.Contains("needle-7f3a9q", StringComparison.Ordinal))
                    {
                        Console.WriteLine("needle query did not find the needle");
                        return 1;
                    }
                }

                timings.Sort();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"needle query over the last hour: median {timings[1]:F0} ms of 3"));
                await server.StopAsync();
            }

            return 0;
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<(int Code, long Lines, long Bytes)> RunLoadAsync(string url, string[] args, Func<TimeSpan>? serverCpu)
    {
        var connections = int.Parse(BenchArgs.Option(args, "--connections", "8"), CultureInfo.InvariantCulture);
        var batch = int.Parse(BenchArgs.Option(args, "--batch", "1000"), CultureInfo.InvariantCulture);
        var seconds = double.Parse(BenchArgs.Option(args, "--seconds", "30"), CultureInfo.InvariantCulture);
        var streamsPerPush = int.Parse(BenchArgs.Option(args, "--streams", "4"), CultureInfo.InvariantCulture);
        var tenant = BenchArgs.Option(args, "--tenant", "");
        var otlp = BenchArgs.Option(args, "--protocol", "loki") == "otlp";
        if (!url.StartsWith("http://127.", StringComparison.Ordinal) && !url.StartsWith("http://localhost", StringComparison.Ordinal) && !url.StartsWith("http://[::1]", StringComparison.Ordinal))
        {
            Console.Error.WriteLine("the load generator only targets a server on this machine (127.0.0.0/8, localhost, [::1])");
            return (2, 0, 0);
        }

        var templates = LogTemplates.Load();
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
        var deadline = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var workers = new Task<WorkerResult>[connections];
        for (var w = 0; w < connections; w++)
        {
            var worker = w;
            workers[w] = Task.Run(() => WorkAsync(client, worker, templates, batch, streamsPerPush, tenant, otlp, deadline));
        }

        var started = Stopwatch.GetTimestamp();
        var serverCpuBefore = serverCpu?.Invoke() ?? TimeSpan.Zero;
        var generatorCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var results = await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var serverCpuUsed = (serverCpu?.Invoke() ?? TimeSpan.Zero) - serverCpuBefore;
        var generatorCpuUsed = Process.GetCurrentProcess().TotalProcessorTime - generatorCpuBefore;
        var latencies = results.SelectMany(r => r.LatenciesMs).Order().ToArray();
        long lines = results.Sum(r => r.Lines), bytes = results.Sum(r => r.Bytes), failures = results.Sum(r => r.Failures), throttled = results.Sum(r => r.Throttled);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"pushes: {latencies.Length:N0} ok, {throttled:N0} throttled (429/503), {failures:N0} failed; acknowledged {lines:N0} lines in {elapsed:F1} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"throughput ({(otlp ? "OTLP/HTTP protobuf" : "Loki protobuf")}): {lines / elapsed:N0} messages/s, {bytes / elapsed / 1e6:F1} MB/s of line text"));
        if (latencies.Length > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"push latency: p50 {Percentile(latencies, 0.50):F1} ms, p99 {Percentile(latencies, 0.99):F1} ms, max {latencies[^1]:F1} ms"));
        }

        if (lines > 0)
        {
            if (serverCpu is not null)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"server CPU: {serverCpuUsed.TotalMicroseconds / lines:F2} µs per message ({serverCpuUsed.TotalSeconds / elapsed:F2} cores); 2 cores would carry {2e6 / (serverCpuUsed.TotalMicroseconds / lines):N0} messages/s without the generator"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"generator CPU: {generatorCpuUsed.TotalMicroseconds / lines:F2} µs per message ({generatorCpuUsed.TotalSeconds / elapsed:F2} cores)"));
        }

        foreach (var error in results.SelectMany(r => r.Errors).Distinct().Take(5))
        {
            Console.WriteLine("error: " + error);
        }

        return (failures == 0 ? 0 : 1, lines, bytes);
    }

    private static async Task<WorkerResult> WorkAsync(HttpClient client, int worker, LogTemplates templates, int batch, int streams, string tenant, bool otlp, long deadline)
    {
        var random = new Random(1000 + worker);
        var encoder = new PushRequestEncoder();
        var otlpEncoder = new OtlpRequestEncoder();
        var body = new ArrayBufferWriter<byte>(1 << 20);
        var compressed = Array.Empty<byte>();
        var result = new WorkerResult();
        var perStream = Math.Max(1, batch / streams);
        var timestamps = new long[perStream];
        var lines = new List<byte[]>(perStream);
        var text = new StringBuilder(512);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            body.ResetWrittenCount();
            long lineBytes = 0;
            var lineCount = 0;
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
            for (var s = 0; s < streams; s++)
            {
                var app = random.Next(templates.Apps.Count);
                var labels = $"{{app=\"{templates.Apps[app]}\", host=\"node-{worker:00}-{s}\", env=\"bench\"}}";
                lines.Clear();
                for (var i = 0; i < perStream; i++)
                {
                    timestamps[i] = now + i;
                    var line = templates.Fresh(app, random, text);
                    lines.Add(line);
                    lineBytes += line.Length;
                }

                lineCount += perStream;
                if (otlp)
                {
                    otlpEncoder.WriteResource(body, templates.Apps[app], $"node-{worker:00}-{s}", timestamps, lines);
                }
                else
                {
                    encoder.WriteStream(body, labels, timestamps, lines);
                }
            }

            var length = body.WrittenCount;
            if (otlp)
            {
                // OTLP/HTTP protobuf, uncompressed (the OpenTelemetry SDKs' default).
                if (compressed.Length < length)
                {
                    compressed = new byte[length];
                }

                body.WrittenSpan.CopyTo(compressed);
            }
            else
            {
                var max = Snappy.GetMaxCompressedLength(body.WrittenCount);
                if (compressed.Length < max)
                {
                    compressed = new byte[max];
                }

                length = Snappy.Compress(body.WrittenSpan, compressed);
            }

            using var content = new ByteArrayContent(compressed, 0, length);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
            using var request = new HttpRequestMessage(HttpMethod.Post, otlp ? "/otlp/v1/logs" : "/loki/api/v1/push") { Content = content };
            if (tenant.Length > 0)
            {
                request.Headers.Add("X-Scope-OrgID", tenant);
            }

            var started = Stopwatch.GetTimestamp();
            try
            {
                using var response = await client.SendAsync(request);
                if (response.StatusCode == (otlp ? HttpStatusCode.OK : HttpStatusCode.NoContent))
                {
                    result.LatenciesMs.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    result.Lines += lineCount;
                    result.Bytes += lineBytes;
                }
                else if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
                {
                    // Backpressure, not failure: wait as the server asks and send again.
                    result.Throttled++;
                    await Task.Delay(TimeSpan.FromSeconds(Math.Min(1, response.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0.1)));
                }
                else
                {
                    result.Failures++;
                    result.Errors.Add($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}".Trim());
                    await Task.Delay(50);
                }
            }
            catch (HttpRequestException e)
            {
                result.Failures++;
                result.Errors.Add(e.Message);
                await Task.Delay(100);
            }
        }

        return result;
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private sealed class WorkerResult
    {
        public List<double> LatenciesMs { get; } = [];

        public List<string> Errors { get; } = [];

        public long Lines { get; set; }

        public long Bytes { get; set; }

        public long Failures { get; set; }

        public long Throttled { get; set; }
    }
}

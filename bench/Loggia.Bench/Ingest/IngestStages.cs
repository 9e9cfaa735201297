using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Loggia.Core.Compression;
using Loggia.Core.Model;
using Loggia.Ingest.Loki;
using Loggia.Ingest.Otlp;
using Loggia.Storage.Blocks;
using Loggia.Storage.Head;

namespace Loggia.Bench.Ingest;

/// <summary>
/// The server's ingest stages one at a time on one thread, for the same requests the <c>ingest</c> load sends (Loki
/// protobuf and OTLP/HTTP protobuf, 1,000 real lines per request): decode, then decode + head append. Reports
/// records/s and bytes allocated per record, so a change to one stage is measured without the HTTP stack, the
/// WAL's fsync or the load generator sharing the cores. The flush stages then write the whole head as blocks the
/// way the server's flush does, so the cost per record of everything but HTTP and
/// the WAL is measured on one thread: without indexes, with token blooms, with blooms and the block term files.
/// </summary>
internal static class IngestStages
{
    public static int Run(string[] args)
    {
        var requests = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 300;
        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var templates = LogTemplates.Load();
        var (otlp, loki) = Build(templates, requests);
        var tenant = TenantId.Create("bench");
        if (args is [_, _, "flush" or "flush-otlp"])
        {
            // Only one flush with every index, for a profiler.
            var isLoki = args[2] == "flush";
            ReportFlush(isLoki ? "Loki flush, blooms + terms" : "OTLP flush, blooms + terms", runs, isLoki ? loki : otlp, tenant, 0.01, termIndex: true, lokiProtobuf: isLoki);
            return 0;
        }

        Report("OTLP decode", runs, otlp, body => OtlpRequestParser.Parse(body, OtlpPayloadFormat.Protobuf, null, int.MaxValue, TimeProvider.System), null);
        Report("Loki decode", runs, loki, body => LokiPushParser.Parse(body, "application/x-protobuf", "identity", int.MaxValue), null);
        Report("OTLP decode + head append", runs, otlp, body => OtlpRequestParser.Parse(body, OtlpPayloadFormat.Protobuf, null, int.MaxValue, TimeProvider.System), tenant);
        Report("Loki decode + head append", runs, loki, body => LokiPushParser.Parse(body, "application/x-protobuf", "identity", int.MaxValue), tenant);
        ReportFlush("OTLP flush, no indexes", runs, otlp, tenant, 0, termIndex: false);
        ReportFlush("OTLP flush, blooms", runs, otlp, tenant, 0.01, termIndex: false);
        ReportFlush("OTLP flush, blooms + terms", runs, otlp, tenant, 0.01, termIndex: true);
        ReportFlush("Loki flush, no indexes", runs, loki, tenant, 0, termIndex: false, lokiProtobuf: true);
        ReportFlush("Loki flush, blooms + terms", runs, loki, tenant, 0.01, termIndex: true, lokiProtobuf: true);
        return 0;
    }

    private static void Report(string name, int runs, List<byte[]> bodies, Func<byte[], PushRequest> decode, TenantId? appendTo)
    {
        var rates = new List<double>();
        double bytesPerRecord = 0;
        var gcs = "";
        for (var run = 0; run < runs; run++)
        {
            using var head = new Head(new HeadOptions { MaxTenantBytes = long.MaxValue });
            GC.Collect();
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var pause = GC.GetTotalPauseDuration();
            int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
            var clock = Stopwatch.StartNew();
            long records = 0;
            foreach (var body in bodies)
            {
                using var push = decode(body); // as the server does: a pooled body goes back once the head holds its copy
                records += push.EntryCount;
                if (appendTo is { } tenant)
                {
                    foreach (var stream in push.Streams)
                    {
                        head.Append(tenant, stream.Labels, stream.Entries.Span);
                    }
                }
            }

            rates.Add(records / clock.Elapsed.TotalSeconds);
            bytesPerRecord = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)records;
            gcs = string.Create(CultureInfo.InvariantCulture,
                $"GCs {GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2} (gen0/1/2), pauses {(GC.GetTotalPauseDuration() - pause).TotalMilliseconds:F0} ms of {clock.Elapsed.TotalMilliseconds:F0} ms");
        }

        rates.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-28} median {rates[rates.Count / 2],12:N0} records/s ({string.Join(", ", rates.Select(r => r.ToString("N0", CultureInfo.InvariantCulture)))}); {bytesPerRecord:N0} bytes allocated per record; last run {gcs}"));
    }

    /// <summary>Appends every request to a head, then times the flush of the head into blocks (one per 64 MiB, as the server cuts them).</summary>
    private static void ReportFlush(string name, int runs, List<byte[]> bodies, TenantId tenant, double bloomFalsePositiveRate, bool termIndex,
        bool lokiProtobuf = false)
    {
        var rates = new List<double>();
        var cpuRates = new List<double>();
        double bytesPerRecord = 0;
        var gcs = "";
        var directory = Directory.CreateTempSubdirectory("loggia-bench-flush-").FullName;
        try
        {
            for (var run = 0; run < runs; run++)
            {
                using var head = new Head(new HeadOptions { MaxTenantBytes = 64L * 1024 * 1024 });
                foreach (var body in bodies)
                {
                    using var push = lokiProtobuf
                        ? LokiPushParser.Parse(body, "application/x-protobuf", "identity", int.MaxValue)
                        : OtlpRequestParser.Parse(body, OtlpPayloadFormat.Protobuf, null, int.MaxValue, TimeProvider.System);
                    foreach (var stream in push.Streams)
                    {
                        head.Append(tenant, stream.Labels, stream.Entries.Span);
                    }
                }

                GC.Collect();
                var allocated = GC.GetAllocatedBytesForCurrentThread();
                int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
                var pause = GC.GetTotalPauseDuration();
                var clock = Stopwatch.StartNew();
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                long records = 0;
                var options = new BlockWriterOptions { BloomFalsePositiveRate = bloomFalsePositiveRate, TermIndex = termIndex };
                while (head.TakeFlushable(tenant, HeadFlushMode.All) is { } flush)
                {
                    var block = BlockWriter.Write(directory, tenant.Value, flush.Streams, options);
                    head.RegisterBlock(flush, block.Id);
                    head.CompleteFlush(flush);
                    records += flush.Entries;
                }

                rates.Add(records / clock.Elapsed.TotalSeconds);
                cpuRates.Add(records / (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
                bytesPerRecord = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)records;
                gcs = string.Create(CultureInfo.InvariantCulture,
                    $"GCs {GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2} (gen0/1/2), pauses {(GC.GetTotalPauseDuration() - pause).TotalMilliseconds:F0} ms");
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        rates.Sort();
        cpuRates.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-28} median {rates[rates.Count / 2],12:N0} records/s, {1e6 / cpuRates[cpuRates.Count / 2]:F2} CPU µs per record ({string.Join(", ", cpuRates.Select(r => (1e6 / r).ToString("F2", CultureInfo.InvariantCulture)))}); {bytesPerRecord:N0} bytes allocated per record; last run {gcs}"));
    }

    private static (List<byte[]> Otlp, List<byte[]> Loki) Build(LogTemplates templates, int requests)
    {
        var random = new Random(7);
        var otlpEncoder = new OtlpRequestEncoder();
        var lokiEncoder = new PushRequestEncoder();
        var otlpBody = new ArrayBufferWriter<byte>(1 << 20);
        var lokiBody = new ArrayBufferWriter<byte>(1 << 20);
        var timestamps = new long[250];
        var lines = new List<byte[]>(250);
        var text = new StringBuilder(512);
        var otlp = new List<byte[]>(requests);
        var loki = new List<byte[]>(requests);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        for (var r = 0; r < requests; r++)
        {
            otlpBody.ResetWrittenCount();
            lokiBody.ResetWrittenCount();
            for (var s = 0; s < 4; s++)
            {
                var app = random.Next(templates.Apps.Count);
                lines.Clear();
                for (var i = 0; i < timestamps.Length; i++)
                {
                    timestamps[i] = now + (r * 1000) + i;
                    lines.Add(templates.Fresh(app, random, text));
                }

                otlpEncoder.WriteResource(otlpBody, templates.Apps[app], $"node-{r % 8:00}-{s}", timestamps, lines);
                lokiEncoder.WriteStream(lokiBody, $"{{app=\"{templates.Apps[app]}\", host=\"node-{r % 8:00}-{s}\", env=\"bench\"}}", timestamps, lines);
            }

            otlp.Add(otlpBody.WrittenSpan.ToArray());
            var compressed = new byte[Snappy.GetMaxCompressedLength(lokiBody.WrittenCount)];
            loki.Add(compressed.AsSpan(0, Snappy.Compress(lokiBody.WrittenSpan, compressed)).ToArray());
        }

        return (otlp, loki);
    }
}

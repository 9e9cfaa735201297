using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Loggia.Bench.Ingest;
using Loggia.Core.Model;
using Loggia.Storage;
using Loggia.Storage.Blocks;
using Loggia.Storage.Catalog;
using Loggia.Storage.TermIndex;

namespace Loggia.Bench.Needle;

/// <summary>
/// <c>needle [--gb 10] [--hours 160] --server loggia.dll [--keep DIR]</c>: the long-range needle benchmark of the
/// token-index issue. Writes the same hourly blocks (real lines from ../shared/data with fresh digits, 21 streams,
/// about a server flush's 64 MB of line text each) into two data directories, one with the indexes (token blooms
/// and the term → hour index) and one without, alternating which is written first so both see the same machine.
/// One line in one hour holds the needle token. Then a real <c>loggia server</c> on each directory answers
/// <c>query_range</c> for the needle over the whole range: latency (median of 5 after one warm-up) and the
/// compressed bytes it decoded (Loki's <c>querier.store.chunk.compressedBytes</c>). Reports index size against the
/// compressed data and the write cost the indexes add, against the issue's targets.
/// </summary>
internal static class NeedleBenchmark
{
    private const string NeedleToken = "txn-4f3a9qz";
    private const string NeedleLine = "refund failed for txn-4f3a9qz amount=4200 currency=EUR";
    private const long HourNanos = 3_600_000_000_000L;
    private static readonly string[] Hosts = ["node-a", "node-b", "node-c"];

    public static async Task<int> RunAsync(string[] args)
    {
        var serverDll = BenchArgs.Option(args, "--server", "");
        if (serverDll.Length == 0)
        {
            Console.Error.WriteLine("usage: needle --server path/to/loggia.dll [--gb 10] [--hours 160] [--keep DIR]");
            return 2;
        }

        var gigabytes = double.Parse(BenchArgs.Option(args, "--gb", "10"), CultureInfo.InvariantCulture);
        var hours = int.Parse(BenchArgs.Option(args, "--hours", "160"), CultureInfo.InvariantCulture);
        var keep = BenchArgs.Option(args, "--keep", "");
        var root = keep.Length > 0 ? Directory.CreateDirectory(keep).FullName : Directory.CreateTempSubdirectory("loggia-needle-").FullName;
        try
        {
            var plan = new Plan(gigabytes, hours);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"needle benchmark: {gigabytes:F1} GB of line text in {hours} hourly blocks (~{plan.BytesPerHour / 1e6:F0} MB each), 21 streams, needle in hour {plan.NeedleHour}; 2 shared cores"));
            var indexed = Path.Combine(root, "indexed");
            var plain = Path.Combine(root, "plain");
            var written = File.Exists(Path.Combine(indexed, DataDirectoryLayout.CatalogFile))
                ? null
                : await WriteBothAsync(plan, indexed, plain);
            if (written is not null)
            {
                written.Print();
            }

            var sizes = IndexSizes.Measure(indexed, plain);
            sizes.Print();

            var withIndexes = await QueryAsync(serverDll, indexed, plan, []);
            var withoutIndexes = await QueryAsync(serverDll, plain, plan, ["-storage.term-index-enabled=false", "-storage.bloom-false-positive-rate=0"]);
            withIndexes.Print("with indexes");
            withoutIndexes.Print("without indexes (full scan)");

            var bytesRatio = (double)withoutIndexes.CompressedBytes / Math.Max(1, withIndexes.CompressedBytes);
            var indexShare = 100.0 * sizes.IndexBytes / sizes.IndexedParquetBytes;
            var cost = written is null ? "" : string.Create(CultureInfo.InvariantCulture, $"; write cost of indexing +{written.CostPercent:F1} % (<= 15: {Verdict(written.CostPercent <= 15)})");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"targets: latency {withIndexes.MedianMs:F0} ms (< 1000: {Verdict(withIndexes.MedianMs < 1000)}); bytes read {bytesRatio:F0}x fewer (>= 50: {Verdict(bytesRatio >= 50)}); indexes {indexShare:F2} % of compressed data (<= 5: {Verdict(indexShare <= 5)}){cost}"));
            return withIndexes.Found && withoutIndexes.Found ? 0 : 1;
        }
        finally
        {
            if (keep.Length == 0)
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private static string Verdict(bool met) => met ? "met" : "NOT met";

    /// <summary>Writes every hour's block into both directories and builds the indexed directory's term index.</summary>
    private static async Task<WriteFigures> WriteBothAsync(Plan plan, string indexed, string plain)
    {
        var templates = LogTemplates.Load();
        var indexedOptions = new BlockWriterOptions { CompressionLevel = 1 };
        var plainOptions = new BlockWriterOptions { CompressionLevel = 1, BloomFalsePositiveRate = 0, TermIndex = false };
        var figures = new WriteFigures();
        await using (var indexedCatalog = await SqliteBlockCatalog.OpenAsync(Path.Combine(Directory.CreateDirectory(indexed).FullName, DataDirectoryLayout.CatalogFile), CancellationToken.None))
        await using (var plainCatalog = await SqliteBlockCatalog.OpenAsync(Path.Combine(Directory.CreateDirectory(plain).FullName, DataDirectoryLayout.CatalogFile), CancellationToken.None))
        {
            var random = new Random(7731);
            for (var hour = 0; hour < plan.Hours; hour++)
            {
                var (streams, lines, bytes) = plan.Generate(hour, templates, random);
                figures.Lines += lines;
                figures.LineBytes += bytes;
                // Alternate the order so that neither configuration always writes into a warmer cache.
                if (hour % 2 == 0)
                {
                    figures.PlainSeconds.Add(await WriteAsync(plain, plainCatalog, streams, plainOptions));
                    figures.IndexedSeconds.Add(await WriteAsync(indexed, indexedCatalog, streams, indexedOptions));
                }
                else
                {
                    figures.IndexedSeconds.Add(await WriteAsync(indexed, indexedCatalog, streams, indexedOptions));
                    figures.PlainSeconds.Add(await WriteAsync(plain, plainCatalog, streams, plainOptions));
                }

                if ((hour + 1) % 20 == 0)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  written {hour + 1}/{plan.Hours} hours, {figures.LineBytes / 1e9:F2} GB"));
                }
            }

            // Term files are build input only: sealing the (past) days deletes them, so measure them before.
            figures.TermFileBytesBeforeSeal = Directory.EnumerateFiles(indexed, "*" + BlockInfo.TermsExtension, SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
            using var termIndex = new TermHourIndex(indexed);
            var started = Stopwatch.GetTimestamp();
            figures.Segments = await termIndex.RefreshAsync(indexedCatalog, DateTimeOffset.UtcNow, TimeSpan.Zero, CancellationToken.None);
            figures.SegmentSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        }

        return figures;
    }

    /// <summary>Writes one block and publishes it; returns the CPU seconds the writer used (the process is otherwise idle).</summary>
    private static async Task<double> WriteAsync(string directory, SqliteBlockCatalog catalog, IReadOnlyList<BlockStreamInput> streams, BlockWriterOptions options)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var block = BlockWriter.Write(directory, TenantId.Fake.Value, streams, options);
        var used = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        await catalog.PublishAsync(block.ToBlockInfo(DateTimeOffset.UtcNow, level: 0), CancellationToken.None);
        return used;
    }

    /// <summary>Starts a server on <paramref name="directory"/> and times the needle query over the whole range.</summary>
    private static async Task<QueryFigures> QueryAsync(string serverDll, string directory, Plan plan, string[] flags)
    {
        string[] common = ["-querier.query-timeout=30m", "-store.max-query-length=0", "-compactor.compaction-target-size=0", "-compactor.retention-enabled=false"];
        using var server = await ServerUnderTest.StartAsync(serverDll, directory, [.. common, .. flags]);
        using var client = new HttpClient { BaseAddress = new Uri(server.Url), Timeout = TimeSpan.FromMinutes(30) };
        // The needle as a word (spaces around it): a substring filter's first and last terms may be parts of longer
        // terms, so only terms with a delimiter on both sides can be required of the indexes.
        var query = $"/loki/api/v1/query_range?query={Uri.EscapeDataString($"{{env=\"bench\"}} |= \" {NeedleToken} \"")}&start={plan.FirstNanos}&end={plan.EndNanos}&limit=100";
        var figures = new QueryFigures();
        for (var run = 0; run < 6; run++)
        {
            var started = Stopwatch.GetTimestamp();
            var body = await client.GetStringAsync(query);
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            using var json = JsonDocument.Parse(body);
            var data = json.RootElement.GetProperty("data");
            var lines = data.GetProperty("result").EnumerateArray().SelectMany(s => s.GetProperty("values").EnumerateArray()).Select(v => v[1].GetString()).ToList();
            // Every run must return exactly the needle line.
            figures.Found = (run == 0 || figures.Found) && lines is [NeedleLine];
            figures.CompressedBytes = data.GetProperty("stats").GetProperty("querier").GetProperty("store").GetProperty("chunk").GetProperty("compressedBytes").GetInt64();
            figures.LinesProcessed = data.GetProperty("stats").GetProperty("summary").GetProperty("totalLinesProcessed").GetInt64();
            if (run == 0)
            {
                figures.FirstMs = ms;
            }
            else
            {
                figures.TimesMs.Add(ms);
            }
        }

        return figures;
    }

    /// <summary>What to write: the hours, their size, where the needle goes.</summary>
    private sealed class Plan(double gigabytes, int hours)
    {
        public int Hours { get; } = hours;

        public long BytesPerHour { get; } = (long)(gigabytes * 1e9 / hours);

        public int NeedleHour { get; } = hours * 2 / 3;

        /// <summary>The first hour: whole hours, ending two hours before now (all data is old, none in the head).</summary>
        public long FirstNanos { get; } = ((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000 / HourNanos) - hours - 2) * HourNanos;

        public long EndNanos => FirstNanos + (Hours * HourNanos);

        /// <summary>One hour of lines spread evenly over the hour, each from a random application and host.</summary>
        public (List<BlockStreamInput> Streams, long Lines, long Bytes) Generate(int hour, LogTemplates templates, Random random)
        {
            var apps = templates.Apps.Count;
            var entries = new List<BlockEntry>[apps * Hosts.Length];
            for (var i = 0; i < entries.Length; i++)
            {
                entries[i] = [];
            }

            var buffer = new StringBuilder();
            var start = FirstNanos + (hour * HourNanos);
            var estimate = Math.Max(1, BytesPerHour / 200);
            long bytes = 0, lines = 0;
            while (bytes < BytesPerHour)
            {
                var app = random.Next(apps);
                var stream = (app * Hosts.Length) + random.Next(Hosts.Length);
                var line = templates.Fresh(app, random, buffer);
                var at = start + (Math.Min(lines, estimate - 1) * (HourNanos / estimate));
                entries[stream].Add(new BlockEntry(at, line, EntryMetadata.Empty));
                bytes += line.Length;
                lines++;
                if (hour == NeedleHour && lines == estimate / 2)
                {
                    entries[stream].Add(new BlockEntry(at + 1, Encoding.UTF8.GetBytes(NeedleLine), EntryMetadata.Empty));
                    lines++;
                }
            }

            var streams = new List<BlockStreamInput>(entries.Length);
            for (var i = 0; i < entries.Length; i++)
            {
                KeyValuePair<string, string>[] pairs = [new("app", templates.Apps[i / Hosts.Length]), new("env", "bench"), new("host", Hosts[i % Hosts.Length])];
                var labels = Labels.Create((pairs[0].Key, pairs[0].Value), (pairs[1].Key, pairs[1].Value), (pairs[2].Key, pairs[2].Value));
                streams.Add(new BlockStreamInput(labels.Fingerprint, labels.ToString(), pairs, entries[i]));
            }

            // Blocks are sorted by the canonical label string.
            streams.Sort(static (a, b) => string.CompareOrdinal(a.LabelsText, b.LabelsText));
            return (streams, lines, bytes);
        }
    }

    private sealed class WriteFigures
    {
        public long Lines { get; set; }

        public long LineBytes { get; set; }

        public List<double> IndexedSeconds { get; } = [];

        public List<double> PlainSeconds { get; } = [];

        public int Segments { get; set; }

        public double SegmentSeconds { get; set; }

        public long TermFileBytesBeforeSeal { get; set; }

        /// <summary>Extra write CPU of the indexed configuration (blocks + term segments) over the plain one, in percent.</summary>
        public double CostPercent => 100.0 * ((IndexedSeconds.Sum() + SegmentSeconds) / PlainSeconds.Sum() - 1);

        public void Print()
        {
            var plain = PlainSeconds.Sum();
            var indexed = IndexedSeconds.Sum();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"written: {Lines:N0} lines, {LineBytes / 1e9:F2} GB of line text; writer CPU without indexes {plain:F1} s ({Lines / plain / 1e6:F2} M lines/s), " +
                $"with indexes {indexed:F1} s ({Lines / indexed / 1e6:F2} M lines/s) + term segments {SegmentSeconds:F1} s ({Segments} segments); " +
                $"per block median {Median(PlainSeconds) * 1e3:F0} / {Median(IndexedSeconds) * 1e3:F0} ms; indexing adds {CostPercent:F1} % write CPU; " +
                $"block term files before the days were sealed {TermFileBytesBeforeSeal / 1e6:F1} MB"));
        }
    }

    private sealed class IndexSizes
    {
        public int Blocks { get; private set; }

        public long IndexedParquetBytes { get; private set; }

        public long PlainParquetBytes { get; private set; }

        public long BloomBytes { get; private set; }

        public long TermFileBytes { get; private set; }

        public long SegmentBytes { get; private set; }

        /// <summary>Blooms in the sidecars, the per-block term files and the tenant-day segments.</summary>
        public long IndexBytes => BloomBytes + TermFileBytes + SegmentBytes;

        public static IndexSizes Measure(string indexed, string plain)
        {
            var sizes = new IndexSizes();
            foreach (var file in Directory.EnumerateFiles(Path.Combine(indexed, DataDirectoryLayout.BlocksDirectory), "*", SearchOption.AllDirectories))
            {
                if (file.EndsWith(BlockInfo.DataExtension, StringComparison.Ordinal))
                {
                    sizes.Blocks++;
                    sizes.IndexedParquetBytes += new FileInfo(file).Length;
                    foreach (var pair in BlockReader.ReadIndex(file).Blooms ?? [])
                    {
                        sizes.BloomBytes += pair.Lines.SizeBytes + pair.Metadata.SizeBytes;
                    }
                }
                else if (file.EndsWith(BlockInfo.TermsExtension, StringComparison.Ordinal))
                {
                    sizes.TermFileBytes += new FileInfo(file).Length;
                }
            }

            foreach (var file in Directory.EnumerateFiles(Path.Combine(indexed, TermHourIndex.DirectoryName), "*.tix", SearchOption.AllDirectories))
            {
                sizes.SegmentBytes += new FileInfo(file).Length;
            }

            foreach (var file in Directory.EnumerateFiles(Path.Combine(plain, DataDirectoryLayout.BlocksDirectory), "*" + BlockInfo.DataExtension, SearchOption.AllDirectories))
            {
                sizes.PlainParquetBytes += new FileInfo(file).Length;
            }

            return sizes;
        }

        public void Print() => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"on disk: {Blocks} blocks, Parquet {IndexedParquetBytes / 1e6:F0} MB (without indexes {PlainParquetBytes / 1e6:F0} MB); indexes {IndexBytes / 1e6:F1} MB = " +
            $"{100.0 * IndexBytes / IndexedParquetBytes:F2} % (blooms {BloomBytes / 1e6:F1} MB, block term files {TermFileBytes / 1e6:F1} MB, term segments {SegmentBytes / 1e6:F1} MB)"));
    }

    private sealed class QueryFigures
    {
        public double FirstMs { get; set; }

        public List<double> TimesMs { get; } = [];

        public double MedianMs => Median(TimesMs);

        public long CompressedBytes { get; set; }

        public long LinesProcessed { get; set; }

        public bool Found { get; set; }

        public void Print(string name) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"needle query {name}: median {MedianMs:F0} ms (min {TimesMs.Min():F0}, max {TimesMs.Max():F0}, first {FirstMs:F0}); read {CompressedBytes / 1e6:F2} MB compressed, " +
            $"{LinesProcessed:N0} lines; found the needle: {(Found ? "yes" : "NO")}"));
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }
}

using System.Diagnostics;
using System.Globalization;
using Loggia.Bench.LogQL;
using Loggia.Query.Execution;
using Loggia.Query.Execution.Pipeline;
using Loggia.Query.LogQL.Syntax;
using Loggia.Query.Sources;
using Loggia.Storage.Blocks;

namespace Loggia.Bench.Bloom;

/// <summary>
/// <c>bloom [blocks] [lines-per-block]</c>: writes blocks of real lines from ../shared/data with one needle token in
/// one line of one block, with and without token bloom filters, then runs a needle query over all blocks (median of
/// three) and reports bytes read, latency, bloom size as a share of the compressed blocks, and the write rate.
/// </summary>
internal static class BloomNeedle
{
    private const string Needle = "qzneedle7731";

    public static int Run(string[] args)
    {
        var blocks = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
        var linesPerBlock = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        var corpus = LineCorpus.Plain(200_000);
        Console.WriteLine($"bloom needle: {blocks} blocks x {linesPerBlock:N0} lines (avg {corpus.AverageLength:F0} B), needle once; 2 shared cores");
        TokenizeRate(corpus);
        var root = Directory.CreateTempSubdirectory("loggia-bloom-bench-").FullName;
        try
        {
            foreach (var rate in new[] { 0.0, 0.01 })
            {
                var dir = Path.Combine(root, rate == 0 ? "plain" : "bloom");
                var (paths, writeSeconds, parquetBytes, bloomBytes) = WriteBlocks(dir, corpus, blocks, linesPerBlock, rate);
                var expr = LogQLParser.ParseLogSelector($"{{app=\"bench\"}} |= \"id={Needle} \"");
                var filter = LogPipeline.Compile(expr).LineFilters;
                var times = new List<double>();
                BlockScanStatistics? last = null;
                var found = 0;
                for (var run = 0; run < 3; run++)
                {
                    var statistics = new BlockScanStatistics();
                    var sw = Stopwatch.StartNew();
                    found = 0;
                    foreach (var path in paths)
                    {
                        foreach (var cursor in new BlockLogSource(path, filter, statistics: statistics).OpenStreams(Request(), CancellationToken.None))
                        {
                            while (cursor.TryReadBatch(out var batch))
                            {
                                found += batch.Length;
                            }

                            cursor.Dispose();
                        }
                    }

                    times.Add(sw.Elapsed.TotalMilliseconds);
                    last = statistics;
                }

                times.Sort();
                var lines = (double)blocks * linesPerBlock;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{(rate == 0 ? "without blooms" : $"blooms fpr={rate}")}: write {lines / writeSeconds / 1e6:F2} M lines/s ({writeSeconds:F1} s); blocks {parquetBytes / 1e6:F1} MB; " +
                    $"bloom {bloomBytes / 1e3:F0} KB = {100.0 * bloomBytes / parquetBytes:F2} % of compressed; needle query median {times[1]:F1} ms " +
                    $"(min {times[0]:F1}, max {times[2]:F1}); read {last!.BytesRead / 1e6:F2} MB in {last.RowGroupsRead} row groups, " +
                    $"skipped {last.RowGroupsSkippedByBloom} ({last.BytesSkippedByBloom / 1e6:F2} MB); matches {found}"));
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }

        return 0;
    }

    /// <summary>The tokenizer alone over the corpus (hashing every term, no set, no filter): its share of the write cost.</summary>
    private static void TokenizeRate(LineCorpus corpus)
    {
        Span<byte> scratch = stackalloc byte[Loggia.Core.Tokens.Terms.MaxTermBytes];
        var times = new List<double>();
        long terms = 0, bytes = 0;
        ulong sink = 0;
        for (var run = 0; run < 3; run++)
        {
            terms = 0;
            bytes = 0;
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < corpus.Count; i++)
            {
                var line = corpus.Line(i).Span;
                bytes += line.Length;
                foreach (var hash in Loggia.Core.Tokens.Terms.Enumerate(line, scratch))
                {
                    sink ^= hash;
                    terms++;
                }
            }

            times.Add(sw.Elapsed.TotalSeconds);
        }

        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"tokenize only: {corpus.Count / times[1] / 1e6:F2} M lines/s, {bytes / times[1] / 1e6:F0} MB/s, {terms / (double)corpus.Count:F1} terms/line (median of 3; {sink & 1})"));
    }

    private static LogScanRequest Request() =>
        new(Loggia.Core.Model.TenantId.Fake, StreamMatcher.Compile([new LabelMatcher("app", MatchOperator.Equal, "bench")]), 0, long.MaxValue, QueryDirection.Forward);

    private static (List<string> Paths, double Seconds, long ParquetBytes, long BloomBytes) WriteBlocks(string dir, LineCorpus corpus, int blocks, int linesPerBlock, double rate)
    {
        var paths = new List<string>(blocks);
        long parquet = 0, bloom = 0;
        var seconds = 0.0;
        var needleBlock = blocks / 2;
        for (var b = 0; b < blocks; b++)
        {
            var entries = new List<BlockEntry>(linesPerBlock);
            var t0 = 1_763_800_000_000_000_000L + (b * 3_600_000_000_000L);
            for (var i = 0; i < linesPerBlock; i++)
            {
                var line = b == needleBlock && i == linesPerBlock / 3
                    ? System.Text.Encoding.UTF8.GetBytes($"payment id={Needle} failed")
                    : corpus.Line(((b * linesPerBlock) + i) % corpus.Count);
                entries.Add(new BlockEntry(t0 + (i * 1000L), line, EntryMetadata.Empty));
            }

            var stream = new BlockStreamInput(1, "{app=\"bench\"}", [new("app", "bench")], entries);
            var sw = Stopwatch.StartNew();
            var block = BlockWriter.Write(dir, "fake", [stream], new BlockWriterOptions { BloomFalsePositiveRate = rate });
            seconds += sw.Elapsed.TotalSeconds;
            parquet += block.Bytes;
            foreach (var pair in block.Index.Blooms ?? [])
            {
                bloom += pair.Lines.SizeBytes + pair.Metadata.SizeBytes;
            }

            paths.Add(Path.Combine(dir, block.RelativePath));
        }

        return (paths, seconds, parquet, bloom);
    }
}

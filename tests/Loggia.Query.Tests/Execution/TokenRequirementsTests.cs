using System.Text;
using Loggia.Core.Model;
using Loggia.Core.Tokens;
using Loggia.Query.Execution;
using Loggia.Query.Execution.Pipeline;
using Loggia.Query.LogQL.Syntax;
using Loggia.Query.Sources;
using Loggia.Storage.Blocks;

namespace Loggia.Query.Tests.Execution;

public sealed class TokenRequirementsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("loggia-required-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static TokenRequirements Derive(string pipeline) =>
        LogPipeline.Compile(LogQLParser.ParseLogSelector("{app=\"a\"} " + pipeline)).LineFilters.Tokens;

    private static ulong[] Hashes(string terms) =>
        terms.Length == 0 ? [] : [.. terms.Split(' ').Select(Terms.HashTerm)];

    [Theory]
    // Edge runs of a literal may continue in the line: "xn-4f3" occurs inside "txn-4f3a9".
    [InlineData("|= \"txn-4f3a9\"", "")]
    [InlineData("|= \"xn-4f3\"", "")]
    [InlineData("|= \" txn-4f3a9 \"", "txn 4f3a9")]
    [InlineData("|= \"id=txn-4f3a9 \"", "txn 4f3a9")]
    [InlineData("|= \"a-b-c\"", "b")]
    [InlineData("|= \"order 42 shipped\"", "")]
    [InlineData("|= \"order a42 shipped\"", "a42")]
    [InlineData("|= \"-Ünïcode-\"", "ünïcode")]
    [InlineData("|= \"needle\"", "")]
    [InlineData("|= \"\"", "")]
    [InlineData("|= \"--\"", "")]
    [InlineData("|= \" ERROR \" |= \" db \"", "error db")]
    [InlineData("|~ \"(?i) ERROR \"", "error")]
    [InlineData("|~ \".* user=bob .*\"", "user bob")]
    [InlineData("|~ \"(foo bar baz)\"", "bar")]
    [InlineData("|~ \" a b+ c \"", "")]
    [InlineData("|~ \" a | b \"", "")]
    [InlineData("|= \" a \" or \" b \"", "")]
    [InlineData("!= \" a \"", "")]
    [InlineData("!~ \" a \"", "")]
    [InlineData("|> \"<_> abc <_>\"", "")]
    [InlineData("| json |= \" after \"", "")]
    [InlineData("| line_format \"{{.x}}\" |= \" after \"", "")]
    [InlineData("| decolorize |= \" after \"", "")]
    [InlineData("|= \" before \" | logfmt |= \" after \"", "before")]
    [InlineData("| trace_id=\"abc\" |= \" next \"", "next")]
    public void LineTokens_AreTheLiteralsInteriorTerms_OnlyWhereSound(string pipeline, string expected) =>
        Assert.Equal(Hashes(expected).Order(), Derive(pipeline).LineTokens.Order());

    [Theory]
    [InlineData("| trace_id=\"abc\"", "trace_id=abc")]
    [InlineData("| trace_id=\"abc\" and user=\"bob\"", "trace_id=abc user=bob")]
    [InlineData("| trace_id=\"abc\" or user=\"bob\"", "")]
    [InlineData("| trace_id!=\"abc\"", "")]
    [InlineData("| trace_id=~\"abc\"", "")]
    [InlineData("| trace_id=\"\"", "")]
    [InlineData("| __error__=\"x\"", "")]
    [InlineData("| status > 3", "")]
    [InlineData("| json | trace_id=\"abc\"", "")]
    [InlineData("|= \"x\" | trace_id=\"abc\"", "trace_id=abc")]
    public void MetadataPairs_ComeFromEqualityFiltersBeforeAnyParser(string pipeline, string expected)
    {
        var pairs = Derive(pipeline).MetadataPairs.Select(p => p.Key + "=" + p.Value);
        Assert.Equal(expected.Length == 0 ? [] : expected.Split(' '), pairs);
    }

    [Fact]
    public void LeadingFiltersOnly_CarryNoMetadataPairs()
    {
        var tokens = LinePipeline.Compile(LogQLParser.ParseLogSelector("{app=\"a\"} |= \" x \" | trace_id=\"abc\"")).Tokens;
        Assert.Equal([Terms.HashTerm("x")], tokens.LineTokens);
        Assert.Empty(tokens.MetadataPairs);
    }

    [Fact]
    public void APairOnAStreamLabel_IsNotRequiredOfMetadata()
    {
        var tokens = Derive("| app=\"a\" and trace_id=\"t\"");
        var block = tokens.ForBlock(name => name == "app");
        Assert.Equal([Terms.HashPair("trace_id", "t")], block.MetadataTokens);
    }

    private string WriteBlock(double rate)
    {
        const long t0 = 1_763_800_000_000_000_000;
        var streams = new List<BlockStreamInput>();
        for (var s = 0; s < 3; s++)
        {
            var entries = new List<BlockEntry>();
            for (var i = 0; i < 6000; i++)
            {
                var needle = s == 1 && i is 1234 or 1240;
                var line = needle ? $"level=error msg=\"payment txn-4f3a9 failed\" n={i}" : $"level=info msg=\"request {i % 101} served\" took={i % 7}ms";
                IReadOnlyList<KeyValuePair<string, string>>? meta = i % 5 == 0 ? [new("trace_id", needle ? "needle" : $"t{i % 40}")] : null;
                entries.Add(new BlockEntry(t0 + (i * 1000L), Encoding.UTF8.GetBytes(line), EntryMetadata.From(meta)));
            }

            streams.Add(new BlockStreamInput((ulong)s + 1, $"{{app=\"a\", pod=\"p{s}\"}}", [new("app", "a"), new("pod", $"p{s}")], entries));
        }

        var block = BlockWriter.Write(_directory, "fake", streams, new BlockWriterOptions { RowGroupRawBytes = 16 * 1024, BloomFalsePositiveRate = rate });
        return Path.Combine(_directory, block.RelativePath);
    }

    [Theory]
    [InlineData("{app=\"a\"} |= \" txn-4f3a9 \"", 2)]
    [InlineData("{app=\"a\"} |= \"txn-4f3a9 failed\"", 2)]
    [InlineData("{app=\"a\"} |~ \"(?i) TXN-4F3A9 \"", 2)]
    [InlineData("{app=\"a\"} | trace_id=\"needle\"", 1)]
    [InlineData("{app=\"a\"} |= \" txn-4f3a9 \" | logfmt | level=\"error\"", 2)]
    [InlineData("{app=\"a\"} |= \" absent-token \"", 0)]
    public void NeedleQuery_ReturnsTheSameEntriesWithAndWithoutBlooms_AndBloomsSkipRowGroups(string query, int expected)
    {
        var withBlooms = WriteBlock(0.01);
        var without = WriteBlock(0);
        var expr = LogQLParser.ParseLogSelector(query);
        var filter = LogPipeline.Compile(expr).LineFilters;
        var pruned = new BlockScanStatistics();
        var full = new BlockScanStatistics();
        var a = Run(expr, new BlockLogSource(withBlooms, filter, statistics: pruned));
        var b = Run(expr, new BlockLogSource(without, filter, statistics: full));

        Assert.Equal(expected, a.Count);
        Assert.Equal(b, a);
        Assert.Equal(0, full.RowGroupsSkippedByBloom);
        Assert.True(pruned.RowGroupsSkippedByBloom > full.RowGroupsRead / 2, $"skipped {pruned.RowGroupsSkippedByBloom} of {full.RowGroupsRead}");
        Assert.True(pruned.BytesRead < full.BytesRead / 2);
    }

    private static List<string> Run(LogSelectorExpr expr, ILogSource source)
    {
        var result = new LogQueryEngine().Execute(
            new LogQueryRequest { Tenant = TenantId.Fake, Expression = expr, StartNanos = 0, EndNanos = long.MaxValue, Limit = 1000, Direction = QueryDirection.Forward },
            [source],
            CancellationToken.None);
        return [.. result.Streams.SelectMany(s => s.Entries.Select(e => $"{s.Labels} {e.TimestampNanos} {Encoding.UTF8.GetString(e.Line.Span)}"))];
    }
}

using System.Text;
using Loggia.Core.Model;
using Loggia.Ingest.Loki;
using Loggia.Server.Ingest.Rules;

namespace Loggia.Server.Tests.Ingest;

/// <summary>What ingest rules do to a push: which fields become labels, metadata, time and line, and that nothing is lost.</summary>
public sealed class IngestRuleApplierTests
{
    private static readonly TenantId Tenant = TenantId.Create("t1");

    private const string AccessRegex = @"^(?P<ip>\S+) \S+ \S+ \[(?P<ts>[^\]]+)\] ""(?P<method>[A-Z]+) (?P<path>\S+)[^""]*"" (?P<status>\d{3})";

    [Fact]
    public void RegexRule_PromotesLabelsAndMetadata_SplitsStreams_AndKeepsUnparsedLinesUnchanged()
    {
        var rule = Rule(new IngestRuleDefinition
        {
            Name = "access",
            Selector = "{job=\"apache\"}",
            Pipeline = $"| regexp `{AccessRegex}`",
            Labels = ["method"],
            StructuredMetadata = ["ip", "status"],
        });
        var push = Push("{job=\"apache\"}",
            (1, "10.0.0.1 - - [07/Dec/2026:10:00:00 +0000] \"GET /a HTTP/1.1\" 200 12"),
            (2, "not an access log line"),
            (3, "10.0.0.2 - - [07/Dec/2026:10:00:01 +0000] \"POST /b HTTP/1.1\" 500 0"),
            (4, "10.0.0.3 - - [07/Dec/2026:10:00:02 +0000] \"GET /c HTTP/1.1\" 404 0"));

        var result = IngestRuleApplier.Apply(Tenant, IngestSource.Loki, push, [rule], new LabelCardinalityGuard(0));

        Assert.Equal(push.EntryCount, result.EntryCount);
        var byLabels = result.Streams.ToDictionary(s => s.Labels.ToString(), s => s);
        Assert.Equal(["{job=\"apache\", method=\"GET\"}", "{job=\"apache\", method=\"POST\"}", "{job=\"apache\"}"], byLabels.Keys.Order(StringComparer.Ordinal));
        var get = byLabels["{job=\"apache\", method=\"GET\"}"].Entries.ToArray();
        Assert.Equal([1L, 4L], get.Select(e => e.TimestampNanos));
        Assert.Equal([new LabelPair("ip", "10.0.0.1"), new LabelPair("status", "200")], get[0].StructuredMetadata.ToArray());
        var untouched = Assert.Single(byLabels["{job=\"apache\"}"].Entries.ToArray());
        Assert.Equal("not an access log line", Encoding.UTF8.GetString(untouched.Line.Span));
        Assert.True(untouched.StructuredMetadata.IsEmpty);
        Assert.Equal("{job=\"apache\"}", byLabels["{job=\"apache\"}"].RawLabels);
    }

    [Fact]
    public void Rule_DoesNotTouchStreamsItsSelectorOrSourceExcludes()
    {
        var rule = Rule(new IngestRuleDefinition
        {
            Name = "syslog-only",
            Sources = [IngestSource.Syslog],
            Pipeline = "| logfmt",
            Labels = ["level"],
        });
        var push = Push("{job=\"x\"}", (1, "level=error msg=boom"));

        Assert.Same(push, IngestRuleApplier.Apply(Tenant, IngestSource.Loki, push, [rule], new LabelCardinalityGuard(0)));
        var syslog = IngestRuleApplier.Apply(Tenant, IngestSource.Syslog, push, [rule], new LabelCardinalityGuard(0));
        Assert.Equal("{job=\"x\", level=\"error\"}", Assert.Single(syslog.Streams).Labels.ToString());

        var other = Rule(new IngestRuleDefinition { Name = "other", Selector = "{job=\"y\"}", Pipeline = "| logfmt", Labels = ["level"] });
        Assert.Same(push, IngestRuleApplier.Apply(Tenant, IngestSource.Loki, push, [other], new LabelCardinalityGuard(0)));
    }

    [Fact]
    public void FirstRuleThatParses_Applies_LaterRulesAreFallbacks()
    {
        IngestRule[] rules =
        [
            Rule(new IngestRuleDefinition { Name = "json", Pipeline = "| json", Labels = ["level"], StructuredMetadata = ["user"] }),
            Rule(new IngestRuleDefinition { Name = "logfmt", Pipeline = "| logfmt", Labels = ["level"] }),
        ];
        var push = Push("{app=\"a\"}", (1, "{\"level\":\"warn\",\"user\":\"ann\"}"), (2, "level=debug msg=\"plain logfmt\""));

        var result = IngestRuleApplier.Apply(Tenant, IngestSource.Loki, push, rules, new LabelCardinalityGuard(0));

        var warn = result.Streams.Single(s => s.Labels.Get("level") == "warn").Entries.Span[0];
        Assert.Equal([new LabelPair("user", "ann")], warn.StructuredMetadata.ToArray());
        var debug = result.Streams.Single(s => s.Labels.Get("level") == "debug").Entries.Span[0];
        Assert.True(debug.StructuredMetadata.IsEmpty, "the logfmt rule names no metadata; the json rule did not apply");
    }

    [Theory]
    [InlineData("RFC3339Nano", "2026-12-07T10:00:00.123456789Z", 1796637600123456789L)]
    [InlineData("RFC3339", "2026-12-07T11:00:00+01:00", 1796637600000000000L)]
    [InlineData("02/Jan/2006:15:04:05 -0700", "07/Dec/2026:10:00:00 +0000", 1796637600000000000L)]
    [InlineData("UnixMs", "1796637600123", 1796637600123000000L)]
    [InlineData("Unix", "1796637600.5", 1796637600500000000L)]
    [InlineData("UnixNs", "1796637600000000001", 1796637600000000001L)]
    public void TimestampRule_SetsTheEntryTime(string format, string value, long expectedNanos)
    {
        var rule = Rule(new IngestRuleDefinition { Name = "time", Pipeline = "| json", TimestampSource = "ts", TimestampFormat = format });
        var push = Push("{app=\"a\"}", (42, $"{{\"ts\":\"{value}\",\"msg\":\"x\"}}"));

        var entry = IngestRuleApplier.Apply(Tenant, IngestSource.Loki, push, [rule], new LabelCardinalityGuard(0)).Streams[0].Entries.Span[0];

        Assert.Equal(expectedNanos, entry.TimestampNanos);
    }

    [Fact]
    public void TimestampThatDoesNotParse_KeepsTheReceivedTime()
    {
        var rule = Rule(new IngestRuleDefinition { Name = "time", Pipeline = "| json", TimestampSource = "ts", TimestampFormat = "RFC3339" });
        var push = Push("{app=\"a\"}", (42, "{\"ts\":\"yesterday\"}"), (43, "{\"other\":1}"));

        var entries = IngestRuleApplier.Apply(Tenant, IngestSource.Loki, push, [rule], new LabelCardinalityGuard(0)).Streams.SelectMany(s => s.Entries.ToArray()).ToArray();

        Assert.Equal([42L, 43L], entries.Select(e => e.TimestampNanos));
    }

    [Fact]
    public void CardinalityGuard_KeepsValuesBeyondTheLimitAsMetadata()
    {
        var rule = Rule(new IngestRuleDefinition { Name = "users", Pipeline = "| logfmt", Labels = ["user"] });
        var guard = new LabelCardinalityGuard(2);
        var push = Push("{app=\"a\"}", (1, "user=ann"), (2, "user=bob"), (3, "user=cid"), (4, "user=ann"), (5, "user=dan"));

        var result = IngestRuleApplier.Apply(Tenant, IngestSource.Loki, push, [rule], guard);

        Assert.Equal(5, result.EntryCount);
        Assert.Equal(["{app=\"a\", user=\"ann\"}", "{app=\"a\", user=\"bob\"}", "{app=\"a\"}"], result.Streams.Select(s => s.Labels.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(2, result.Streams.Single(s => s.Labels.Get("user") == "ann").Entries.Length);
        var demoted = result.Streams.Single(s => s.Labels.Get("user") is null).Entries.ToArray();
        Assert.Equal(["cid", "dan"], demoted.Select(e => e.StructuredMetadata.Span[0].Value));
        Assert.True(guard.Admit(Tenant, "user", "bob"), "an admitted value stays admitted");
        Assert.True(guard.Admit(TenantId.Create("t2"), "user", "cid"), "limits are per tenant");
    }

    [Fact]
    public void ReplaceLine_UsesTheFormattedLine_AndPromotedMetadataLeavesTheMetadata()
    {
        var rule = Rule(new IngestRuleDefinition
        {
            Name = "reshape",
            Pipeline = "| json | line_format \"{{.msg}}\"",
            Labels = ["severity"],
            ReplaceLine = true,
        });
        var push = new PushRequest([PushStream.Create("{app=\"a\"}",
            [new LogEntry(1, Encoding.UTF8.GetBytes("{\"msg\":\"disk full\"}"), new[] { new LabelPair("severity", "error"), new LabelPair("trace_id", "abc") })])]);

        var result = IngestRuleApplier.Apply(Tenant, IngestSource.Otlp, push, [rule], new LabelCardinalityGuard(0));

        var stream = Assert.Single(result.Streams);
        Assert.Equal("{app=\"a\", severity=\"error\"}", stream.Labels.ToString());
        var entry = stream.Entries.Span[0];
        Assert.Equal("disk full", Encoding.UTF8.GetString(entry.Line.Span));
        Assert.Equal([new LabelPair("trace_id", "abc")], entry.StructuredMetadata.ToArray());
    }

    [Theory]
    [InlineData("bad name!", "| json", "level", "rule name 'bad name!' is invalid")]
    [InlineData("r", "", "level", "a pipeline is required")]
    [InlineData("r", "| json", "bad-label", "labels entry 'bad-label' is not a valid label name")]
    [InlineData("r", "| regexp `(?P<x`", "x", "rule 'r':")]
    [InlineData("r", "| nonsense", "x", "rule 'r':")]
    public void InvalidRules_AreRefusedWithTheFieldNamed(string name, string pipeline, string label, string expected)
    {
        var e = Assert.Throws<IngestRuleException>(() => IngestRule.Compile(new IngestRuleDefinition { Name = name, Pipeline = pipeline, Labels = [label] }));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RuleThatChangesNothing_IsRefused()
    {
        var e = Assert.Throws<IngestRuleException>(() => IngestRule.Compile(new IngestRuleDefinition { Name = "noop", Pipeline = "| json" }));
        Assert.Contains("changes nothing", e.Message, StringComparison.Ordinal);
    }

    private static IngestRule Rule(IngestRuleDefinition definition) => IngestRule.Compile(definition);

    private static PushRequest Push(string labels, params (long Time, string Line)[] entries) =>
        new([PushStream.Create(labels, [.. entries.Select(e => new LogEntry(e.Time, Encoding.UTF8.GetBytes(e.Line)))])]);
}

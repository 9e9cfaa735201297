using System.Text;
using Loggia.Core.Model;
using Loggia.Query.Execution.Pipeline;
using Loggia.Query.LogQL.Syntax;
using static Loggia.Query.Tests.Execution.Pipeline.PipelineRunner;

namespace Loggia.Query.Tests.Execution.Pipeline;

/// <summary>Label filters, drop/keep, structured metadata and result labels, with Loki's semantics.</summary>
public class LabelStageConformanceTests
{
    [Theory]
    [InlineData("status >= 500", "status=503", true)]
    [InlineData("status >= 500", "status=404", false)]
    [InlineData("status >= 500", "other=1", false)]
    [InlineData("status == 200", "status=200.0", true)]
    [InlineData("status != 200", "status=201", true)]
    [InlineData("took > 1s", "took=1500ms", true)]
    [InlineData("took > 1s", "took=500ms", false)]
    [InlineData("took <= 1m", "took=1m0s", true)]
    [InlineData("size > 1KB", "size=2KB", true)]
    [InlineData("size > 1KB", "size=1000", false)]
    [InlineData("size >= 1KiB", "size=1024B", true)]
    [InlineData("level = \"error\"", "level=error", true)]
    [InlineData("level != \"error\"", "level=error", false)]
    // Regex label filters are anchored.
    [InlineData("level =~ \"err.*\"", "level=errors", true)]
    [InlineData("level =~ \"rr\"", "level=error", false)]
    [InlineData("level !~ \"info|debug\"", "level=warn", true)]
    // A missing label compares as empty for string filters.
    [InlineData("level = \"\"", "other=1", true)]
    // 'and' binds tighter than 'or'; ',' and juxtaposition mean 'and'; parentheses group.
    [InlineData("a=\"1\" or b=\"2\" and c=\"3\"", "a=1 b=0 c=0", true)]
    [InlineData("a=\"1\" or b=\"2\" and c=\"3\"", "a=0 b=2 c=0", false)]
    [InlineData("(a=\"1\" or b=\"2\") and c=\"3\"", "a=1 b=0 c=0", false)]
    [InlineData("a=\"1\", b=\"2\"", "a=1 b=2", true)]
    [InlineData("a=\"1\", b=\"2\"", "a=1 b=3", false)]
    [InlineData("addr = ip(\"10.0.0.0/8\")", "addr=10.1.2.3", true)]
    [InlineData("addr = ip(\"10.0.0.0/8\")", "addr=192.168.1.1", false)]
    [InlineData("addr != ip(\"10.0.0.0/8\")", "addr=192.168.1.1", true)]
    [InlineData("addr = ip(\"192.168.1.1-192.168.1.9\")", "addr=192.168.1.5", true)]
    public void LabelFilters_KeepOrDrop(string filter, string line, bool kept) =>
        Assert.Equal(kept, Labels("| logfmt | " + filter, line) != Dropped);

    [Theory]
    [InlineData("status > 1", "status=abc", "strconv.ParseFloat: parsing \"abc\": invalid syntax")]
    [InlineData("status > 1", "status=1e999", "strconv.ParseFloat: parsing \"1e999\": value out of range")]
    [InlineData("took > 1s", "took=xyz", "time: invalid duration \"xyz\"")]
    [InlineData("took > 1s", "took=15", "time: missing unit in duration \"15\"")]
    [InlineData("took > 1s", "took=3x", "time: unknown unit \"x\" in duration \"3x\"")]
    [InlineData("size > 1KB", "size=abc", "strconv.ParseFloat: parsing \"\": invalid syntax")]
    [InlineData("size > 1KB", "size=12zz", "unhandled size name: zz")]
    public void LabelFilters_ConversionError_KeepsEntryWithLabelFilterErr(string filter, string line, string details)
    {
        var labels = Labels("| logfmt | " + filter, line);
        Assert.Contains("__error__=\"LabelFilterErr\"", labels, StringComparison.Ordinal);
        Assert.Contains("__error_details__=" + GoString.Quote(details), labels, StringComparison.Ordinal);
    }

    [Fact]
    public void LabelFilters_KeepTheFirstError()
    {
        Assert.Contains("parsing \\\"x\\\"", Labels("| logfmt | a > 1 | b > 1", "a=x b=y"), StringComparison.Ordinal);
        // A parser error is not replaced by a later conversion error.
        Assert.Contains("JSONParserErr", Labels("| json | __error__ != \"x\" | a > 1", "{\"a\":\"z\", bad"), StringComparison.Ordinal);
        // With an error set, ip() filters keep the entry (only string matchers may remove it).
        Assert.NotEqual(Dropped, Labels("| json | addr = ip(\"10.0.0.0/8\")", "nope"));
    }

    [Fact]
    public void Or_DoesNotEvaluateTheRightSideWhenTheLeftMatches()
    {
        Assert.Equal("{a=\"1\", app=\"a\", b=\"x\"}", Labels("| logfmt | a=\"1\" or b > 1", "a=1 b=x"));
        Assert.Contains("LabelFilterErr", Labels("| logfmt | a=\"1\" and b > 1", "a=1 b=x"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("| logfmt | drop level, app", "level=info msg=hi", """{msg="hi"}""")]
    [InlineData("| logfmt | drop level=\"debug\"", "level=info", """{app="a", level="info"}""")]
    [InlineData("| logfmt | drop level=\"debug\"", "level=debug", """{app="a"}""")]
    [InlineData("| logfmt | drop level=~\"de.*\", missing", "level=debug x=1", """{app="a", x="1"}""")]
    [InlineData("| json | drop __error__, __error_details__", "not json", """{app="a"}""")]
    [InlineData("| json | drop __error__", "not json", """{app="a"}""")]
    [InlineData("| logfmt | keep level", "level=info msg=hi", """{level="info"}""")]
    [InlineData("| logfmt | keep level=\"warn\", app", "level=info msg=hi", """{app="a"}""")]
    [InlineData("| json | keep a", "not json", """{__error__="JSONParserErr", __error_details__="Value looks like object, but can't find closing '}' symbol"}""")]
    public void DropAndKeep(string pipeline, string line, string expected) => Assert.Equal(expected, Labels(pipeline, line));

    [Fact]
    public void StructuredMetadata_IsALabelForEveryStage()
    {
        var traceId = new LabelPair("trace_id", "t1");
        Assert.Equal("{app=\"a\", trace_id=\"t1\"}", Labels("| trace_id = \"t1\"", "x", "{app=\"a\"}", traceId));
        Assert.Equal(Dropped, Labels("| trace_id = \"t2\"", "x", "{app=\"a\"}", traceId));
        Assert.Equal("{app=\"a\"}", Labels("| drop trace_id", "x", "{app=\"a\"}", traceId));
        Assert.Equal("{trace_id=\"t1\"}", Labels("| keep trace_id", "x", "{app=\"a\"}", traceId));
    }

    [Fact]
    public void Categories_FollowLokisPrecedence()
    {
        var p = Processor("| logfmt");
        Assert.True(p.Process(1, "level=info user=u1"u8, Core.Model.Labels.Parse("{app=\"a\"}"), [new("level", "debug"), new("app", "m"), new("trace", "t")]));
        var r = p.Labels;
        Assert.Equal("{app=\"a\"}", r.Stream.ToString());
        // Metadata clashing with a stream label is renamed; a parsed label replaces metadata of the same name.
        Assert.Equal("{app_extracted=\"m\", trace=\"t\"}", r.StructuredMetadata.ToString());
        Assert.Equal("{level=\"info\", user=\"u1\"}", r.Parsed.ToString());
        Assert.Equal("{app=\"a\", app_extracted=\"m\", level=\"info\", trace=\"t\", user=\"u1\"}", r.All.ToString());
        Assert.Equal("info", r.Get("level"));
    }

    [Fact]
    public void Results_AreInternedPerProcessor()
    {
        var p = Processor("| json");
        var stream = Core.Model.Labels.Parse("{app=\"a\"}");
        Assert.True(p.Process(1, "{\"level\":\"info\",\"n\":1}"u8, stream, []));
        var first = p.Labels;
        Assert.True(p.Process(2, "{\"n\":1,\"level\":\"info\"}"u8, stream, []));
        Assert.Same(first, p.Labels);
        Assert.True(p.Process(3, "{\"level\":\"warn\",\"n\":1}"u8, stream, []));
        Assert.NotSame(first, p.Labels);
        Assert.Equal("{app=\"a\", level=\"warn\", n=\"1\"}", p.Labels.All.ToString());
        // The label values themselves are shared strings.
        Assert.True(p.Process(4, "{\"level\":\"info\",\"n\":1}"u8, stream, []));
        Assert.Same(first, p.Labels);
    }

    [Fact]
    public void LineFilterOnlyPipelines_AreMarkedForTheFastPath()
    {
        Assert.True(Compile("|= \"x\" != \"y\"").IsLineFilterOnly);
        Assert.True(Compile("").IsLineFilterOnly);
        Assert.False(Compile("|= \"x\" | json").IsLineFilterOnly);
        var pipeline = Compile("|= \"a\" | logfmt |= \"b\"");
        Assert.True(pipeline.LineFilters.Matches("a only"u8));
        var p = pipeline.CreateProcessor();
        var stream = Core.Model.Labels.Parse("{app=\"a\"}");
        Assert.False(p.Process(1, "a only"u8, stream, []));
        Assert.True(p.Process(1, "a and b"u8, stream, []));
        Assert.False(p.Process(1, "b only"u8, stream, []));
        // After the storage scan ran the leading filters, only the rest is evaluated.
        Assert.True(p.ProcessAfterLineFilters(1, "b only"u8, stream, []));
        Assert.Equal("b only", Encoding.UTF8.GetString(p.Line));
    }

    [Fact]
    public void LineFilters_AfterAParser_StillFilter() =>
        Assert.Equal(Dropped, Labels("| json |= \"absent\"", "{\"a\":1}"));

    private static LogPipeline Compile(string pipeline) => LogPipeline.Compile(LogQLParser.ParseLogSelector("{app=\"a\"} " + pipeline));
}

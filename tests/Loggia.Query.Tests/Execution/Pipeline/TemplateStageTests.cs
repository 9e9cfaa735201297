using System.Text;
using Loggia.Core.Model;
using Loggia.Query.Execution;
using Loggia.Query.Execution.Pipeline;
using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Tests.Execution.Pipeline;

/// <summary><c>line_format</c> and <c>label_format</c> in the pipeline, with Loki 3's semantics (pkg/logql/log/fmt.go).</summary>
public class TemplateStageTests
{
    /// <summary>2023-11-14T22:13:20.123456789Z.</summary>
    private const long Timestamp = 1_700_000_000_123_456_789;

    private const string DivideByZero =
        "template: line:1:2: executing \"line\" at <div 1 0>: error calling div: runtime error: integer divide by zero";

    private static (string Line, string Labels) Run(string pipeline, string line, string stream = "{app=\"a\"}", params LabelPair[] metadata)
    {
        var p = LogPipeline.Compile(LogQLParser.ParseLogSelector(stream + " " + pipeline)).CreateProcessor();
        return p.Process(Timestamp, Encoding.UTF8.GetBytes(line), Labels.Parse(stream), metadata)
            ? (Encoding.UTF8.GetString(p.Line), p.Labels.All.ToString())
            : (PipelineRunner.Dropped, PipelineRunner.Dropped);
    }

    private static string Line(string pipeline, string line, params LabelPair[] metadata) => Run(pipeline, line, "{app=\"a\"}", metadata).Line;

    private static string LabelsOf(string pipeline, string line) => Run(pipeline, line).Labels;

    [Theory]
    // Labels from parsers, the stream and structured metadata; a missing label is empty (missingkey=zero).
    [InlineData("| logfmt | line_format \"{{.query}} {{.duration}}\"", "level=info query=\"SELECT * FROM users\" duration=2.5s", "SELECT * FROM users 2.5s")]
    [InlineData("| json | line_format \"{{.level}}: {{.msg}}\"", """{"level":"error","msg":"boom"}""", "error: boom")]
    [InlineData("| json | line_format \"{{.request_method}} {{.request_path}}\"", """{"request":{"method":"GET","path":"/x"}}""", "GET /x")]
    [InlineData("| line_format \"app={{.app}} trace={{.trace_id}}\"", "raw", "app=a trace=t1")]
    [InlineData("| logfmt | line_format \"[{{.missing}}]{{.msg}}\"", "msg=hi", "[]hi")]
    [InlineData("| line_format \"{{.missing}}\"", "raw", "")]
    // The simple {{.name}} path copies the value.
    [InlineData("| logfmt | line_format \"{{ .msg }}\"", "level=info msg=\"hello world\"", "hello world")]
    [InlineData("| logfmt | line_format \"{{.msg}}\"", "msg=\"h\u00e9llo \u65e5\u672c\"", "h\u00e9llo \u65e5\u672c")]
    // __line__ is the line as it reaches the stage; __timestamp__ the entry's time.
    [InlineData("| line_format \"{{ __line__ | upper }}\"", "Mixed Case", "MIXED CASE")]
    [InlineData("| line_format \"{{.app}} | {{__line__}}\"", "original", "a | original")]
    [InlineData("| line_format \"x\" | line_format \"{{__line__}}{{__line__}}\"", "original", "xx")]
    [InlineData("| line_format \"{{ __timestamp__ | date \\\"2006-01-02T15:04:05.00Z07:00\\\" }}\"", "raw", "2023-11-14T22:13:20.12Z")]
    [InlineData("| line_format \"{{ __timestamp__ | unixEpoch }} {{ __timestamp__ | unixEpochMillis }}\"", "raw", "1700000000 1700000000123")]
    [InlineData("| line_format \"{{ __timestamp__ | unixEpochNanos }}\"", "raw", "1700000000123456789")]
    // Functions: Loki's, Sprig's, Go's builtins.
    [InlineData("| logfmt | line_format \"{{ ToUpper .level }} {{ .msg | ToLower }}\"", "level=warn msg=DISK", "WARN disk")]
    [InlineData("| logfmt | line_format \"{{ printf \\\"%-5s|%05d\\\" .level 42 }}\"", "level=info", "info |00042")]
    [InlineData("| logfmt | line_format \"{{ .user | default \\\"anonymous\\\" }}\"", "msg=x", "anonymous")]
    [InlineData("| logfmt | line_format \"{{ if eq .status \\\"500\\\" }}ERR{{ else }}ok{{ end }}\"", "status=500", "ERR")]
    [InlineData("| logfmt | line_format \"{{ .took | duration }}\"", "took=1m30s", "90")]
    [InlineData("| logfmt | line_format \"{{ add .a 2 }}\"", "a=40", "42")]
    [InlineData("| logfmt | line_format \"{{ regexReplaceAll \\\"(\\\\\\\\d+)ms\\\" .took \\\"${1}\\\" }}\"", "took=250ms", "250")]
    // The label map as a whole ({{range}} walks it sorted by name, as Go does).
    [InlineData("| logfmt | line_format \"{{ range $k, $v := . }}{{$k}}={{$v}};{{ end }}\"", "b=2 a=1", "a=1;app=a;b=2;trace_id=t1;")]
    // The template sees __error__ (Loki's map includes it) and the line is kept.
    [InlineData("| json | line_format \"{{.__error__}}: {{__line__}}\"", "not json", "JSONParserErr: not json")]
    public void LineFormat_WritesTheTemplatesOutput(string pipeline, string line, string expected) =>
        Assert.Equal(expected, Line(pipeline, line, new LabelPair("trace_id", "t1")));

    [Theory]
    [InlineData("| logfmt | line_format \"{{.msg}}\" |= \"boom\"", "level=error msg=boom", "boom")]
    [InlineData("| logfmt | line_format \"{{.msg}}\" |= \"level\"", "level=error msg=boom", PipelineRunner.Dropped)]
    [InlineData("| logfmt | line_format \"{{.level}}\" |~ \"^err\"", "level=error msg=boom", "error")]
    [InlineData("| logfmt | line_format \"{{.level}}\" != \"error\"", "level=error msg=boom", PipelineRunner.Dropped)]
    // A parser after line_format parses the formatted line.
    [InlineData("| line_format \"k={{__line__}}\" | logfmt | line_format \"<{{.k}}>\"", "v", "<v>")]
    public void LineFilters_AfterLineFormat_SeeTheFormattedLine(string pipeline, string line, string expected) =>
        Assert.Equal(expected, Line(pipeline, line));

    [Fact]
    public void LineFormat_ExecutionError_KeepsTheLine_WithTemplateFormatErr()
    {
        var (line, labels) = Run("| logfmt | line_format \"{{div 1 0}}\"", "level=info");
        Assert.Equal("level=info", line);
        Assert.Equal("{__error__=\"TemplateFormatErr\", __error_details__=" + GoString.Quote(DivideByZero) + ", app=\"a\", level=\"info\"}", labels);
    }

    [Fact]
    public void LineFormat_ExecutionError_IsFilteredOutByErrorFilter()
    {
        Assert.Equal(PipelineRunner.Dropped, Line("| logfmt | line_format \"{{div 1 .n}}\" | __error__=\"\"", "n=0"));
        Assert.Equal("5", Line("| logfmt | line_format \"{{div 10 .n}}\" | __error__=\"\"", "n=2"));
    }

    [Fact]
    public void LineFormat_ReusesItsBuffer_AcrossEntriesOfDifferentLengths()
    {
        var p = LogPipeline.Compile(LogQLParser.ParseLogSelector("{app=\"a\"} | logfmt | line_format \"{{.msg}}!\"")).CreateProcessor();
        var stream = Labels.Parse("{app=\"a\"}");
        foreach (var msg in new[] { "a-long-message-" + new string('x', 600), "short", "", "medium length" })
        {
            Assert.True(p.Process(Timestamp, Encoding.UTF8.GetBytes("msg=\"" + msg + "\""), stream, []));
            Assert.Equal(msg + "!", Encoding.UTF8.GetString(p.Line));
        }
    }

    [Theory]
    // dst=src renames: the value moves, src is removed.
    [InlineData("| logfmt | label_format lvl=level", "level=info msg=hi", "{app=\"a\", lvl=\"info\", msg=\"hi\"}")]
    // Renaming a missing label does nothing.
    [InlineData("| logfmt | label_format lvl=nope", "level=info", "{app=\"a\", level=\"info\"}")]
    // Renaming onto an existing name replaces it.
    [InlineData("| logfmt | label_format a=b", "a=1 b=2", "{a=\"2\", app=\"a\"}")]
    // a=a sets then deletes a: the label disappears, as in Loki.
    [InlineData("| logfmt | label_format a=a", "a=1 b=2", "{app=\"a\", b=\"2\"}")]
    // Templates.
    [InlineData("| logfmt | label_format msg=\"{{.level}}: {{.msg}}\"", "level=warn msg=disk", "{app=\"a\", level=\"warn\", msg=\"warn: disk\"}")]
    [InlineData("| logfmt | label_format level=\"{{ .level | ToUpper }}\"", "level=warn", "{app=\"a\", level=\"WARN\"}")]
    [InlineData("| logfmt | label_format copy=\"{{.level}}\"", "level=warn", "{app=\"a\", copy=\"warn\", level=\"warn\"}")]
    [InlineData("| label_format line=\"{{__line__}}\", ts=\"{{ __timestamp__ | unixEpochMillis }}\"", "raw text", "{app=\"a\", line=\"raw text\", ts=\"1700000000123\"}")]
    // A missing label formats as empty, and an empty label is an absent one.
    [InlineData("| label_format x=\"{{.missing}}\"", "raw", "{app=\"a\"}")]
    [InlineData("| label_format x=\"[{{.missing}}]\"", "raw", "{app=\"a\", x=\"[]\"}")]
    // Several items: templates read the labels as they were at the stage's first template item, so they can swap...
    [InlineData("| logfmt | label_format a=\"{{.b}}\", b=\"{{.a}}\"", "a=1 b=2", "{a=\"2\", app=\"a\", b=\"1\"}")]
    [InlineData("| logfmt | label_format x=\"{{.a}}\", y=\"{{.x}}\"", "a=1", "{a=\"1\", app=\"a\", x=\"1\"}")]
    // ...but renames before the first template item are already done.
    [InlineData("| logfmt | label_format x=a, y=\"{{.x}}-{{.a}}\"", "a=1", "{app=\"a\", x=\"1\", y=\"1-\"}")]
    // A later stage sees the earlier one's results.
    [InlineData("| logfmt | label_format x=\"{{.a}}0\" | label_format y=\"{{.x}}0\"", "a=1", "{a=\"1\", app=\"a\", x=\"10\", y=\"100\"}")]
    // Stream labels: a template or a rename onto a stream label replaces it; renaming one moves it.
    [InlineData("| label_format app=\"{{.app}}-x\"", "raw", "{app=\"a-x\"}")]
    [InlineData("| logfmt | label_format app=level", "level=info", "{app=\"info\"}")]
    [InlineData("| label_format service=app", "raw", "{service=\"a\"}")]
    public void LabelFormat_RenamesAndFormats(string pipeline, string line, string expected) =>
        Assert.Equal(expected, LabelsOf(pipeline, line));

    [Fact]
    public void LabelFormat_ResultsAreParsedLabels()
    {
        var p = LogPipeline.Compile(LogQLParser.ParseLogSelector("{app=\"a\", env=\"prod\"} | label_format app=\"{{.app}}!\", where=env, who=\"{{.user}}\"")).CreateProcessor();
        Assert.True(p.Process(Timestamp, "raw"u8, Labels.Parse("{app=\"a\", env=\"prod\"}"), [new LabelPair("user", "ann")]));
        Assert.Equal("{}", p.Labels.Stream.ToString());
        Assert.Equal("{user=\"ann\"}", p.Labels.StructuredMetadata.ToString());
        Assert.Equal("{app=\"a!\", where=\"prod\", who=\"ann\"}", p.Labels.Parsed.ToString());
    }

    [Fact]
    public void LabelFormat_ExecutionError_SkipsTheLabel_KeepsTheOthers()
    {
        var labels = LabelsOf("| logfmt | label_format x=\"{{div 1 .n}}\", y=\"{{.n}}!\"", "n=0");
        Assert.Equal(
            "{__error__=\"TemplateFormatErr\", __error_details__="
            + GoString.Quote("template: label:1:2: executing \"label\" at <div 1 .n>: error calling div: runtime error: integer divide by zero")
            + ", app=\"a\", n=\"0\", y=\"0!\"}",
            labels);
        Assert.Equal(PipelineRunner.Dropped, LabelsOf("| logfmt | label_format x=\"{{div 1 .n}}\" | __error__=\"\"", "n=0"));
        Assert.Equal("{app=\"a\", n=\"4\", x=\"0\"}", LabelsOf("| logfmt | label_format x=\"{{div 1 .n}}\" | __error__=\"\"", "n=4"));
    }

    [Theory]
    [InlineData(
        "| line_format \"{{.a\"",
        "parse error : stage '| line_format \"{{.a\"' : invalid line template: template: line:1: unclosed action")]
    [InlineData(
        "| line_format \"{{ nofunc .a }}\"",
        "parse error : stage '| line_format \"{{ nofunc .a }}\"' : invalid line template: template: line:1: function \"nofunc\" not defined")]
    [InlineData(
        "| label_format x=\"{{ nofunc .pod }}\"",
        "parse error : stage '| label_format x=\"{{ nofunc .pod }}\"' : invalid template for label 'x': template: label:1: function \"nofunc\" not defined")]
    [InlineData(
        "| label_format x=\"a\", x=\"b\"",
        "parse error : stage '| label_format x=\"a\",x=\"b\"' : multiple label name 'x' not allowed in a single format operation")]
    [InlineData(
        "| label_format x=y, x=\"b\"",
        "parse error : stage '| label_format x=y,x=\"b\"' : multiple label name 'x' not allowed in a single format operation")]
    [InlineData(
        "| label_format __error__=\"a\"",
        "parse error : stage '| label_format __error__=\"a\"' : __error__ cannot be formatted")]
    public void InvalidTemplates_FailCompilation_WithLokisStageError(string pipeline, string message)
    {
        var e = Assert.Throws<LogQLParseException>(() => LogPipeline.Compile(LogQLParser.ParseLogSelector("{app=\"a\"} " + pipeline)));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void LogQuery_ReturnsFormattedLines_AndFormattedLabels()
    {
        var api = Labels.Parse("{app=\"api\"}");
        var source = new InMemoryLogSource(batchSize: 2);
        source.Append(TenantId.Fake, api, 1, """{"level":"info","msg":"started"}""");
        source.Append(TenantId.Fake, api, 2, """{"level":"error","msg":"boom"}""", new LabelPair("trace_id", "t2"));
        source.Append(TenantId.Fake, api, 3, "not json");
        var result = new LogQueryEngine().Execute(
            new LogQueryRequest
            {
                Tenant = TenantId.Fake,
                Query = "{app=\"api\"} | json | __error__=\"\" | line_format \"{{ .level | upper }} {{.msg}} @{{ __timestamp__ | unixEpochNanos }}{{ with .trace_id }} trace={{.}}{{ end }}\" | label_format severity=level, msg=\"{{.msg}}!\" |~ \"ERROR|INFO\"",
                StartNanos = 0,
                EndNanos = 10,
                Limit = 10,
                Direction = QueryDirection.Forward,
            },
            [source],
            CancellationToken.None);

        var rendered = new StringBuilder();
        foreach (var stream in result.Streams)
        {
            rendered.Append(stream.Labels).Append(" =>");
            foreach (var entry in stream.Entries)
            {
                rendered.Append(' ').Append(entry.TimestampNanos).Append(':').Append(Encoding.UTF8.GetString(entry.Line.Span));
            }
            rendered.Append('\n');
        }
        Assert.Equal(
            "{app=\"api\", msg=\"boom!\", severity=\"error\", trace_id=\"t2\"} => 2:ERROR boom @2 trace=t2\n"
            + "{app=\"api\", msg=\"started!\", severity=\"info\"} => 1:INFO started @1\n",
            rendered.ToString());
    }
}

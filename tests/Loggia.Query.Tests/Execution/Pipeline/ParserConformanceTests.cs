using Loggia.Query.LogQL.Syntax;
using static Loggia.Query.Tests.Execution.Pipeline.PipelineRunner;

namespace Loggia.Query.Tests.Execution.Pipeline;

/// <summary>Parsers against Loki's documented behaviour and the cases of its pkg/logql/log tests.</summary>
public class ParserConformanceTests
{
    private const string ObjectError = "Value looks like object, but can't find closing '}' symbol";

    [Theory]
    [InlineData("""{"level":"info","msg":"hi"}""", """{app="a", level="info", msg="hi"}""")]
    // Nested objects are flattened with '_'.
    [InlineData("""{"a":{"b":"c","d":{"e":1}}}""", """{a_b="c", a_d_e="1", app="a"}""")]
    // Arrays and nulls are not extracted; booleans and numbers are (numbers verbatim).
    [InlineData("""{"arr":[1,2],"n":null,"t":true,"f":false,"x":1.50e3}""", """{app="a", f="false", t="true", x="1.50e3"}""")]
    // Keys are sanitised: invalid characters become '_', a leading digit gets '_', white space is trimmed.
    [InlineData("""{"a.b-c":"1","1x":"2"," sp ":"3","é":"4"}""", """{_="4", _1x="2", a_b_c="1", app="a", sp="3"}""")]
    [InlineData("""{"o":{"2b":"v"}}""", """{app="a", o__2b="v"}""")]
    // A key that is a stream label gets the suffix _extracted.
    [InlineData("""{"app":"x"}""", """{app="a", app_extracted="x"}""")]
    [InlineData("""{"app":{"x":"y"}}""", """{app="a", app_x="y"}""")]
    // The last duplicate key wins.
    [InlineData("""{"a":"1","a":"2"}""", """{a="2", app="a"}""")]
    // Escapes are decoded (\u00e9 is é, \" a quote).
    [InlineData("""{"m":"q\"e\u00e9\/"}""", """{app="a", m="q\"eé/"}""")]
    // Leading white space and trailing garbage after the object are accepted, as jsonparser does.
    [InlineData("""  {"a":"1"} trailing""", """{a="1", app="a"}""")]
    [InlineData("""{}""", """{app="a"}""")]
    public void Json_ExtractsLabelsAsLoki(string line, string expected) => Assert.Equal(expected, Labels("| json", line));

    [Theory]
    [InlineData("not json", ObjectError)]
    [InlineData("", ObjectError)]
    [InlineData("""["a"]""", ObjectError)]
    [InlineData("""{"a":"b""", "Value is string, but can't find closing '\"' symbol")]
    [InlineData("""{"a":tru}""", "Unknown value type")]
    [InlineData("""{"a" "b"}""", "Malformed JSON error")]
    // jsonparser reports a missing closing brace after the last member with its array message.
    [InlineData("""{"a":{"b":1}""", "Value is array, but can't find closing ']' symbol")]
    public void Json_InvalidLine_SetsErrorAndKeepsTheEntry(string line, string details)
    {
        var labels = Labels("| json", line);
        Assert.Contains("__error__=\"JSONParserErr\"", labels, StringComparison.Ordinal);
        Assert.Contains("__error_details__=" + GoString.Quote(details), labels, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"a":"1", oops}""", """{__error__="JSONParserErr", __error_details__="Value looks like object, but can't find closing '}' symbol", a="1", app="a"}""")]
    // jsonparser finds a nested object's end by bracket counting before parsing it: an unclosed one adds nothing of
    // its members, a closed one with a bad member keeps the members before it.
    [InlineData("""{"a":"1","o":{"x":"2","y":"3""", """{__error__="JSONParserErr", __error_details__="Value looks like object, but can't find closing '}' symbol", a="1", app="a"}""")]
    [InlineData("""{"a":"1","o":{"x":"2","y":tru},"b":"4"}""", """{__error__="JSONParserErr", __error_details__="Unknown value type", a="1", app="a", o_x="2"}""")]
    [InlineData("""{"a":"1","o":{"x":"2","p":{"q":"3"}""", """{__error__="JSONParserErr", __error_details__="Value looks like object, but can't find closing '}' symbol", a="1", app="a"}""")]
    public void Json_LabelsBeforeAnError_AreKept(string line, string expected) => Assert.Equal(expected, Labels("| json", line));

    [Theory]
    [InlineData("""{"level":"info"}""", Dropped)]
    [InlineData("not json", Dropped)]
    public void Json_ErrorFilter_DropsFailedLines(string line, string expected)
    {
        Assert.Equal(expected, Labels("| json | __error__ != \"\"", line.StartsWith('{') ? line : "{\"ok\":1}"));
        Assert.Equal("{app=\"a\"}", Labels("| json | __error__ = \"\" | drop ok", "{\"ok\":1}"));
        Assert.Equal(Dropped, Labels("| json | __error__ = \"\"", "not json"));
    }

    [Theory]
    [InlineData("""| json x="a.b", y="c[1]", z="[\"d e\"]" """, """{"a":{"b":"v"},"c":[10,20],"d e":"w"}""", """{app="a", x="v", y="20", z="w"}""")]
    [InlineData("""| json o="a" """, """{"a":{"b":1}}""", """{app="a", o="{\"b\":1}"}""")]
    [InlineData("""| json o="a" """, """{"a":[1, "x"]}""", """{app="a", o="[1, \"x\"]"}""")]
    [InlineData("""| json s="a[0].b" """, """{"a":[{"b":"deep"}]}""", """{app="a", s="deep"}""")]
    [InlineData("""| json s="a" """, """{"a":"x\ty"}""", """{app="a", s="x\ty"}""")]
    [InlineData("""| json app="a" """, """{"a":"v"}""", """{app="a", app_extracted="v"}""")]
    // A missing path gives an empty (so absent) label; the first of duplicate keys is taken.
    [InlineData("""| json m="nope" """, """{"a":"v"}""", """{app="a"}""")]
    [InlineData("""| json a="a" """, """{"a":"1","a":"2"}""", """{a="1", app="a"}""")]
    // Only the first byte is checked for JSON; it must be '{', '[' or '"'.
    [InlineData("""| json a="a" """, "nope", """{__error__="JSONParserErr", app="a"}""")]
    public void JsonWithParameters_ExtractsPaths(string pipeline, string line, string expected) =>
        Assert.Equal(expected, Labels(pipeline, line));

    [Fact]
    public void JsonWithParameters_MissingPathIsAnEmptyLabel()
    {
        // Present but empty: a numeric filter sees a conversion error instead of a missing label.
        Assert.Contains("LabelFilterErr", Labels("| json m=\"nope\" | m > 1", "{}"), StringComparison.Ordinal);
        Assert.Equal(Dropped, Labels("| json | m > 1", "{}"));
    }

    [Theory]
    [InlineData("a..b")]
    [InlineData("[1")]
    [InlineData("a[x]")]
    public void JsonWithParameters_InvalidPath_IsAQueryError(string path) =>
        Assert.Throws<LogQLParseException>(() => Processor($"| json x=\"{path}\""));

    [Theory]
    [InlineData("| logfmt", "level=info msg=\"hello world\" n=5", """{app="a", level="info", msg="hello world", n="5"}""")]
    [InlineData("| logfmt", "app=x a.b=1 1c=2", """{_1c="2", a_b="1", app="a", app_extracted="x"}""")]
    [InlineData("| logfmt", "m=\"a\\\"b\\n\"", """{app="a", m="a\"b\n"}""")]
    [InlineData("| logfmt", "a=1 a=2", """{a="2", app="a"}""")]
    // Keys without a value and empty values are skipped by default.
    [InlineData("| logfmt", "foo bar=1 baz=", """{app="a", bar="1"}""")]
    // Malformed pairs are skipped without an error unless --strict.
    [InlineData("| logfmt", "a=1 =x b=2", """{a="1", app="a", b="2"}""")]
    [InlineData("| logfmt", "a=1 b=\"unterminated", """{a="1", app="a"}""")]
    [InlineData("| logfmt --strict", "a=1 =x b=2", """{__error__="LogfmtParserErr", __error_details__="logfmt syntax error at pos 5 : unexpected '='", a="1", app="a"}""")]
    [InlineData("| logfmt --strict", "a=1 b=\"x", """{__error__="LogfmtParserErr", __error_details__="logfmt syntax error at pos 9 : unterminated quoted value", a="1", app="a"}""")]
    [InlineData("| logfmt --strict", "a=1 b\"c=2", """{__error__="LogfmtParserErr", __error_details__="logfmt syntax error at pos 6 : unexpected '\"'", a="1", app="a"}""")]
    [InlineData("| logfmt x=\"a\", b", "a=1 b=2 c=3", """{app="a", b="2", x="1"}""")]
    [InlineData("| logfmt app", "app=z", """{app="a", app_extracted="z"}""")]
    public void Logfmt_ExtractsLabelsAsLoki(string pipeline, string line, string expected) =>
        Assert.Equal(expected, Labels(pipeline, line));

    [Fact]
    public void Logfmt_KeepEmpty_KeepsStandaloneKeys()
    {
        // The empty label is present for later stages (a numeric filter reports a conversion error)...
        Assert.Contains("LabelFilterErr", Labels("| logfmt --keep-empty | foo > 1", "foo bar=1"), StringComparison.Ordinal);
        // ...while without the flag it is absent and the filter drops the entry.
        Assert.Equal(Dropped, Labels("| logfmt | foo > 1", "foo bar=1"));
    }

    [Theory]
    [InlineData("GET /api 200", """{app="a", method="GET", path="/api"}""")]
    [InlineData("nothing", """{app="a"}""")]
    public void Regexp_NamedGroupsBecomeLabels(string line, string expected) =>
        Assert.Equal(expected, Labels("| regexp \"(?P<method>[A-Z]+) (?P<path>\\\\S+)\"", line));

    [Fact]
    public void Regexp_ClashWithStreamLabel_GetsSuffix() =>
        Assert.Equal("{app=\"a\", app_extracted=\"web\"}", Labels("| regexp \"app=(?P<app>\\\\w+)\"", "app=web"));

    [Theory]
    [InlineData("<method> <path> <status>", "GET /x 200", """{app="a", method="GET", path="/x", status="200"}""")]
    [InlineData("<_> <path> <_>", "GET /x 200", """{app="a", path="/x"}""")]
    // A leading literal must start the line.
    [InlineData("foo <a>", "bar baz", """{app="a"}""")]
    [InlineData("foo <a>", "foo baz", """{a="baz", app="a"}""")]
    // A literal that is not found ends matching: the capture takes the rest of the line.
    [InlineData("<a> - <b>", "x y", """{a="x y", app="a"}""")]
    [InlineData("[<ts>] <app>", "[t1] web", """{app="a", app_extracted="web", ts="t1"}""")]
    public void Pattern_CapturesAsLoki(string pattern, string line, string expected) =>
        Assert.Equal(expected, Labels($"| pattern \"{pattern}\"", line));

    [Fact]
    public void Unpack_EntryBecomesTheLineAndOtherKeysLabels()
    {
        const string packed = """{"_entry":"hello \"world\"","level":"warn","app":"x","n":1}""";
        Assert.Equal("""{app="a", app_extracted="x", level="warn"}""", Labels("| unpack", packed));
        Assert.Equal("hello \"world\"", Line("| unpack", packed));
        // Line filters after unpack see the unpacked line.
        Assert.Equal("hello \"world\"", Line("| unpack != \"_entry\"", packed));
    }

    [Fact]
    public void Unpack_WithoutEntry_ChangesNothing()
    {
        Assert.Equal("{app=\"a\"}", Labels("| unpack", """{"level":"warn"}"""));
        Assert.Equal("""{"level":"warn"}""", Line("| unpack", """{"level":"warn"}"""));
        Assert.Equal(
            """{__error__="JSONParserErr", __error_details__="expecting json object(6), but it is not", app="a"}""",
            Labels("| unpack", "plain"));
    }

    [Fact]
    public void Decolorize_RemovesAnsiSequences()
    {
        Assert.Equal("red text", Line("| decolorize", "\u001b[31mred\u001b[0m text"));
        Assert.Equal("plain", Line("| decolorize", "plain"));
    }
}

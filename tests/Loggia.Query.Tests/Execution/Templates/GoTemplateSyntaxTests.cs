using System.Text;
using Loggia.Query.Execution.Templates;

namespace Loggia.Query.Tests.Execution.Templates;

/// <summary>Go text/template actions, as documented in Go's package docs, run the way Loki runs them.</summary>
public class GoTemplateSyntaxTests
{
    [Theory]
    // Text and fields; a missing label renders empty (missingkey=zero over map[string]string).
    [InlineData("plain text", "plain text")]
    [InlineData("", "")]
    [InlineData("{{.app}}", "api")]
    [InlineData("{{ .app }}-{{ .method }}", "api-GET")]
    [InlineData("[{{.missing}}]", "[]")]
    [InlineData("{{ .status }} {{ .path }}", "200 /api/users list")]
    [InlineData("a{{/* a comment */}}b", "ab")]
    [InlineData("a {{- /* trimmed comment */ -}} b", "ab")]
    // Trim markers remove all adjacent white space, newlines included.
    [InlineData("a  {{- .app -}}  \n b", "aapib")]
    [InlineData("a {{- .app}} b", "aapi b")]
    [InlineData("a {{.app -}} \n\t b", "a apib")]
    [InlineData("{{-3}}", "-3")]
    [InlineData("{{- 3 -}}", "3")]
    // Literals.
    [InlineData("{{ \"quoted\\t\\\"x\\\"\" }}", "quoted\t\"x\"")]
    [InlineData("{{ `raw \\n` }}", "raw \\n")]
    [InlineData("{{ 'a' }}", "97")]
    [InlineData("{{ 42 }} {{ -7 }} {{ 0x1F }} {{ 0o17 }} {{ 017 }} {{ 0b101 }} {{ 1_000 }}", "42 -7 31 15 15 5 1000")]
    [InlineData("{{ 1.5 }} {{ 2.0 }} {{ 1e3 }} {{ 1e6 }} {{ 0.000012 }}", "1.5 2 1000 1e+06 1.2e-05")]
    [InlineData("{{ true }} {{ false }}", "true false")]
    [InlineData("{{ . }}", "map[app:api empty: json:{\"a\":{\"b\":\"deep\"},\"n\":1.5,\"list\":[1,\"two\",true],\"nil\":null} method:GET path:/api/users list spaced:  padded   status:200]")]
    // Pipelines pass the value as the last argument.
    [InlineData("{{ .app | upper }}", "API")]
    [InlineData("{{ .path | replace \" \" \"_\" | trunc 5 | upper }}", "/API/")]
    [InlineData("{{ printf \"%s-%s\" .app .method | lower }}", "api-get")]
    [InlineData("{{ (print .app .status) }}", "api200")]
    [InlineData("{{ len (print .app) }}", "3")]
    public void Actions_RenderAsGoDoes(string template, string expected) =>
        Assert.Equal(expected, TestEntry.Run(template));

    [Theory]
    [InlineData("{{ if .app }}yes{{ end }}", "yes")]
    [InlineData("{{ if .missing }}yes{{ else }}no{{ end }}", "no")]
    [InlineData("{{ if eq .status \"500\" }}err{{ else if eq .status \"200\" }}ok{{ else }}other{{ end }}", "ok")]
    [InlineData("{{ if eq .status \"1\" }}a{{ else if eq .status \"2\" }}b{{ end }}", "")]
    [InlineData("{{ with .app }}[{{ . }}]{{ end }}", "[api]")]
    [InlineData("{{ with .missing }}[{{ . }}]{{ else }}none{{ end }}", "none")]
    [InlineData("{{ with .missing }}a{{ else with .app }}{{ . }}{{ end }}", "api")]
    [InlineData("{{ if and .app .method }}both{{ end }}", "both")]
    [InlineData("{{ and .app .empty .method }}|{{ and .app .method }}", "|GET")]
    [InlineData("{{ or .empty .missing }}|{{ or .empty .app .method }}", "|api")]
    [InlineData("{{ not .empty }} {{ not .app }} {{ not 0 }} {{ not 1.5 }}", "true false true false")]
    // and/or stop at the deciding argument: the failing division is never evaluated.
    [InlineData("{{ or .app (div 1 0) }}", "api")]
    [InlineData("{{ and .empty (div 1 0) }}", "")]
    [InlineData("{{ if and (contains \"he\" \"hello\") (contains \"llo\" \"hello\") }}yes{{ end }}", "yes")]
    public void Conditionals_FollowGoTruth(string template, string expected) =>
        Assert.Equal(expected, TestEntry.Run(template));

    [Theory]
    [InlineData("{{ $x := .app }}{{ $x }}", "api")]
    [InlineData("{{ $x := 1 }}{{ $x = 2 }}{{ $x }}", "2")]
    [InlineData("{{ $x := \"outer\" }}{{ if true }}{{ $x := \"inner\" }}{{ $x }}{{ end }} {{ $x }}", "inner outer")]
    [InlineData("{{ $x := \"outer\" }}{{ if true }}{{ $x = \"set\" }}{{ end }}{{ $x }}", "set")]
    [InlineData("{{ with $v := .method }}{{ $v }}{{ end }}", "GET")]
    [InlineData("{{ with .app }}{{ $.method }}{{ end }}", "GET")]
    [InlineData("{{ $ := 1 }}", "")]
    public void Variables_HaveGoScopes(string template, string expected) =>
        Assert.Equal(expected, TestEntry.Run(template));

    [Theory]
    [InlineData("{{ range $i, $e := (fromJson .json).list }}{{ $i }}={{ $e }};{{ end }}", "0=1;1=two;2=true;")]
    [InlineData("{{ range (fromJson .json).list }}[{{ . }}]{{ end }}", "[1][two][true]")]
    [InlineData("{{ range $k, $v := fromJson .json }}{{ $k }} {{ end }}", "a list n nil ")]
    [InlineData("{{ range $v := (fromJson \"[]\") }}x{{ else }}empty{{ end }}", "empty")]
    [InlineData("{{ range 3 }}{{ . }}{{ end }}", "012")]
    [InlineData("{{ range $i := 5 }}{{ if eq $i 3 }}{{ break }}{{ end }}{{ if eq $i 1 }}{{ continue }}{{ end }}{{ $i }}{{ end }}", "02")]
    [InlineData("{{ range $k, $v := . }}{{ if hasPrefix \"m\" $k }}{{ $k }}={{ $v }}{{ end }}{{ end }}", "method=GET")]
    [InlineData("{{ range (fromJson .json).missing }}x{{ else }}nil map{{ end }}", "nil map")]
    public void Range_IteratesListsMapsAndIntegers(string template, string expected) =>
        Assert.Equal(expected, TestEntry.Run(template));

    [Theory]
    [InlineData("{{ (fromJson .json).a.b }}", "deep")]
    [InlineData("{{ (fromJson .json).n }}", "1.5")]
    [InlineData("{{ (fromJson .json).missing }}", "<no value>")]
    [InlineData("{{ (fromJson .json).nil }}", "<no value>")]
    [InlineData("{{ index (fromJson .json) \"a\" \"b\" }}", "deep")]
    [InlineData("{{ index (fromJson .json).list 1 }}", "two")]
    [InlineData("{{ index . \"app\" }}[{{ index . \"nope\" }}]", "api[]")]
    [InlineData("{{ index \"abc\" 1 }}", "98")]
    [InlineData("{{ slice \"abcdef\" 1 3 }} {{ slice \"abcdef\" 4 }}", "bc ef")]
    [InlineData("{{ len .app }} {{ len \"é\" }} {{ len (fromJson .json).list }} {{ len . }}", "3 2 3 7")]
    [InlineData("{{ (fromJson .json).list }}", "[1 two true]")]
    public void Fields_IndexAndLen_WorkOnMapsAndLists(string template, string expected) =>
        Assert.Equal(expected, TestEntry.Run(template));

    [Theory]
    [InlineData("{{ eq .status \"200\" }} {{ eq 1 1 }} {{ eq 1 2 3 1 }} {{ ne .app \"x\" }}", "true true true true")]
    [InlineData("{{ lt 1 2 }} {{ le 2 2 }} {{ gt 1.5 2.5 }} {{ ge \"b\" \"a\" }}", "true true false true")]
    [InlineData("{{ eq (add 1 1) 2 }}", "true")]
    [InlineData("{{ eq .missing \"\" }}", "true")]
    public void Comparisons_FollowGo(string template, string expected) =>
        Assert.Equal(expected, TestEntry.Run(template));

    [Theory]
    [InlineData("{{ print \"a\" 1 2 \"b\" }}", "a1 2b")]
    [InlineData("{{ println \"a\" 1 }}", "a 1\n")]
    [InlineData("{{ html \"<a href='x'>&\" }}", "&lt;a href=&#39;x&#39;&gt;&amp;")]
    [InlineData("{{ js \"it's <b>\" }}", "it\\'s \\u003Cb\\u003E")]
    [InlineData("{{ urlquery \"a b&c\" }}", "a+b%26c")]
    public void PrintBuiltins_FollowFmt(string template, string expected) =>
        Assert.Equal(expected, TestEntry.Run(template));

    [Fact]
    public void Line_AndTimestamp_AreFunctions()
    {
        var entry = new TestEntry("hello world", TestEntry.DefaultTimestamp);
        Assert.Equal("HELLO WORLD", TestEntry.Run("{{ __line__ | upper }}", entry));
        Assert.Equal("2023-01-15 16:08:09.902 +0000 UTC", TestEntry.Run("{{ __timestamp__ }}", entry));
    }

    [Fact]
    public void SimpleLabelTemplate_IsRecognisedForCopying()
    {
        Assert.Equal("message", GoTemplate.Parse("{{.message}}").SimpleLabel);
        Assert.Equal("message", GoTemplate.Parse("{{ .message }}").SimpleLabel);
        Assert.Null(GoTemplate.Parse("{{.message}} ").SimpleLabel);
        Assert.Null(GoTemplate.Parse("{{.message | upper}}").SimpleLabel);
    }

    [Fact]
    public void Execute_IsRepeatableAndThreadSafe()
    {
        var template = GoTemplate.Parse("{{ .n }}:{{ regexReplaceAll \"(\\\\d)\" .n \"<$1>\" }}");
        Parallel.For(0, 2000, i =>
        {
            var entry = new TestEntry(labels: ("n", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            var sb = new StringBuilder();
            template.Execute(entry, sb);
            var expected = i + ":" + string.Concat(i.ToString(System.Globalization.CultureInfo.InvariantCulture).Select(c => "<" + c + ">"));
            Assert.Equal(expected, sb.ToString());
        });
    }

    [Fact]
    public void BufferWriterOverload_WritesUtf8()
    {
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        GoTemplate.Parse("{{ .app }} é 😀").Execute(TestEntry.Default(), writer, new StringBuilder());
        Assert.Equal("api é 😀", Encoding.UTF8.GetString(writer.WrittenSpan));
    }

    [Fact]
    public void TryExecute_ReportsErrorAndRestoresOutput()
    {
        var sb = new StringBuilder("kept");
        var ok = GoTemplate.Parse("partial {{ div 1 0 }}").TryExecute(TestEntry.Default(), sb, out var error);
        Assert.False(ok);
        Assert.Equal("kept", sb.ToString());
        Assert.Equal("template: line:1:11: executing \"line\" at <div 1 0>: error calling div: runtime error: integer divide by zero", error);
    }
}

using Loggia.Query.Execution.Templates;

namespace Loggia.Query.Tests.Execution.Templates;

/// <summary>Parse and execution errors carry Go's text/template wording, which Loki passes on unchanged.</summary>
public class GoTemplateErrorTests
{
    [Theory]
    [InlineData("{{ foo }}", "template: line:1: function \"foo\" not defined")]
    [InlineData("{{ regexFind \"a\" \"b\" }}", "template: line:1: function \"regexFind\" not defined")]
    [InlineData("{{ .a", "template: line:1: unclosed action")]
    [InlineData("{{ if .a }}x", "template: line:1: unexpected EOF")]
    [InlineData("{{ end }}", "template: line:1: unexpected {{end}}")]
    [InlineData("{{ else }}", "template: line:1: unexpected {{else}}")]
    [InlineData("{{ $x }}", "template: line:1: undefined variable \"$x\"")]
    [InlineData("{{ }}", "template: line:1: missing value for command")]
    [InlineData("{{ .a | \"x\" }}", "template: line:1: non executable command in pipeline stage 2")]
    [InlineData("{{ \"abc }}", "template: line:1: unterminated quoted string")]
    [InlineData("{{ `abc }}", "template: line:1: unterminated raw quoted string")]
    [InlineData("{{ 'ab' }}", "template: line:1: invalid syntax")]
    [InlineData("{{ 3x }}", "template: line:1: bad number syntax: \"3x\"")]
    [InlineData("{{ (1 }}", "template: line:1: unclosed left paren")]
    [InlineData("{{ 1) }}", "template: line:1: unexpected right paren")]
    [InlineData("{{ # }}", "template: line:1: unexpected \"#\" in command")]
    [InlineData("{{ \"a\".b }}", "template: line:1: unexpected . after term \"\\\"a\\\"\"")]
    [InlineData("{{ break }}", "template: line:1: {{break}} outside {{range}}")]
    [InlineData("{{/* unclosed", "template: line:1: unclosed comment")]
    [InlineData("{{/* c */ .a }}", "template: line:1: comment ends before closing delimiter")]
    [InlineData("line1\n{{ nope }}", "template: line:2: function \"nope\" not defined")]
    [InlineData("{{ template \"x\" }}", "template: line:1: no such template \"x\"")]
    public void ParseErrors_UseGoWording(string template, string expected) =>
        Assert.Equal(expected, TestEntry.ParseError(template));

    [Fact]
    public void ParseErrors_NameTheTemplate() =>
        Assert.Equal("template: label:1: unexpected EOF", TestEntry.ParseError("{{ with .a }}", "label"));

    [Theory]
    [InlineData("{{ div 1 0 }}", "template: line:1:3: executing \"line\" at <div 1 0>: error calling div: runtime error: integer divide by zero")]
    [InlineData("{{ .app.sub }}", "template: line:1:3: executing \"line\" at <.app.sub>: can't evaluate field sub in type string")]
    [InlineData("{{ trunc \"a\" .app }}", "template: line:1:9: executing \"line\" at <\"a\">: expected integer; found \"a\"")]
    [InlineData("{{ .app | trunc }}", "template: line:1:10: executing \"line\" at <trunc>: wrong number of args for trunc: want 2 got 1")]
    [InlineData("{{ trunc (add 1 2) .app }}", "template: line:1:16: executing \"line\" at <2>: wrong type for value; expected int; got int64")]
    [InlineData("{{ upper 5 }}", "template: line:1:9: executing \"line\" at <5>: expected string; found 5")]
    [InlineData("{{ sub 1 }}", "template: line:1:3: executing \"line\" at <sub>: wrong number of args for sub: want 2 got 1")]
    [InlineData("{{ printf }}", "template: line:1:3: executing \"line\" at <printf>: wrong number of args for printf: want at least 1 got 0")]
    [InlineData("{{ eq 1 \"a\" }}", "template: line:1:3: executing \"line\" at <eq 1 \"a\">: error calling eq: incompatible types for comparison")]
    [InlineData("{{ lt true false }}", "template: line:1:3: executing \"line\" at <lt true false>: error calling lt: invalid type for comparison")]
    [InlineData("{{ nil }}", "template: line:1:3: executing \"line\" at <nil>: nil is not a command")]
    [InlineData("{{ duration \"abc\" }}", "template: line:1:3: executing \"line\" at <duration \"abc\">: error calling duration: time: invalid duration \"abc\"")]
    [InlineData("{{ duration \"1\" }}", "template: line:1:3: executing \"line\" at <duration \"1\">: error calling duration: time: missing unit in duration \"1\"")]
    [InlineData("{{ duration \"1x\" }}", "template: line:1:3: executing \"line\" at <duration \"1x\">: error calling duration: time: unknown unit \"x\" in duration \"1x\"")]
    [InlineData("{{ bytes \"12 zz\" }}", "template: line:1:3: executing \"line\" at <bytes \"12 zz\">: error calling bytes: unhandled size name: zz")]
    [InlineData("{{ urldecode \"%zz\" }}", "template: line:1:3: executing \"line\" at <urldecode \"%zz\">: error calling urldecode: invalid URL escape \"%zz\"")]
    [InlineData("{{ unixToTime \"abc\" }}", "template: line:1:3: executing \"line\" at <unixToTime \"abc\">: error calling unixToTime: unable to parse time 'abc': strconv.ParseInt: parsing \"abc\": invalid syntax")]
    [InlineData("{{ unixToTime \"123\" }}", "template: line:1:3: executing \"line\" at <unixToTime \"123\">: error calling unixToTime: unable to parse time '123': %!w(<nil>)")]
    [InlineData("{{ regexReplaceAll \"(\" .app \"x\" }}", "template: line:1:3: executing \"line\" at <regexReplaceAll \"(\" ...>: error calling regexReplaceAll: error parsing regexp: missing closing ): `(`")]
    [InlineData("{{ repeat -1 \"a\" }}", "template: line:1:3: executing \"line\" at <repeat -1 \"a\">: error calling repeat: strings: negative Repeat count")]
    [InlineData("{{ len 3 }}", "template: line:1:3: executing \"line\" at <len 3>: error calling len: len of type int")]
    [InlineData("{{ index (fromJson .json).list 9 }}", "template: line:1:3: executing \"line\" at <index (fromJson .jso...>: error calling index: index out of range: 9")]
    [InlineData("{{ range .app }}x{{ end }}", "template: line:1:9: executing \"line\" at <{{range .app}}x{{end...>: range can't iterate over api")]
    [InlineData("{{ .app 1 }}", "template: line:1:3: executing \"line\" at <.app>: app is not a method but has arguments")]
    [InlineData("{{ \"x\" 1 }}", "template: line:1:3: executing \"line\" at <\"x\">: can't give argument to non-function \"x\"")]
    [InlineData("a\nb {{ div 1 0 }}", "template: line:2:5: executing \"line\" at <div 1 0>: error calling div: runtime error: integer divide by zero")]
    [InlineData("{{ divf 1 0 }}", "template: line:1:3: executing \"line\" at <divf 1 0>: error calling divf: decimal division by zero")]
    public void ExecutionErrors_UseGoWording(string template, string expected) =>
        Assert.Equal(expected, TestEntry.RunError(template));

    [Fact]
    public void ExecutionErrors_NameTheTemplate() =>
        Assert.StartsWith("template: label:1:3: executing \"label\" at <div 1 0>", TestEntry.RunError("{{ div 1 0 }}", name: "label"));

    [Fact]
    public void RandomInput_NeverCrashesWithAnythingButTemplateException()
    {
        var random = new Random(1234);
        const string alphabet = "{}-. $|()\"'`/*abcdefxyz0123456789=:,\n\tifendrangewithelseprintflenindex";
        var entry = TestEntry.Default();
        for (var i = 0; i < 20000; i++)
        {
            var chars = new char[random.Next(0, 40)];
            for (var k = 0; k < chars.Length; k++)
            {
                chars[k] = alphabet[random.Next(alphabet.Length)];
            }
            var text = random.Next(3) == 0 ? "{{" + new string(chars) + "}}" : new string(chars);
            try
            {
                GoTemplate.Parse(text).TryExecute(entry, new System.Text.StringBuilder(), out _);
            }
            catch (TemplateException)
            {
                // a parse error is an expected outcome
            }
        }
    }
}

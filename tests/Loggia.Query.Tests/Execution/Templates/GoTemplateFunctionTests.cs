namespace Loggia.Query.Tests.Execution.Templates;

/// <summary>Loki's and Sprig's template functions, with the argument order and results their docs give.</summary>
public class GoTemplateFunctionTests
{
    [Theory]
    // Loki's deprecated Go strings functions.
    [InlineData("{{ ToLower \"ABC\" }} {{ ToUpper \"abc\" }}", "abc ABC")]
    [InlineData("{{ Replace \"This is a string\" \" \" \"-\" -1 }}", "This-is-a-string")]
    [InlineData("{{ Replace \"aaaa\" \"a\" \"b\" 2 }}", "bbaa")]
    [InlineData("{{ Replace \"ab\" \"\" \"-\" -1 }}", "-a-b-")]
    [InlineData("{{ Trim \"xxhixx\" \"x\" }} {{ TrimLeft \"xxhixx\" \"x\" }} {{ TrimRight \"xxhixx\" \"x\" }}", "hi hixx xxhi")]
    [InlineData("{{ TrimPrefix \"prefix-body\" \"prefix-\" }} {{ TrimSuffix \"body.log\" \".log\" }}", "body body")]
    [InlineData("[{{ .spaced | TrimSpace }}]", "[padded]")]
    // Sprig strings: the string operated on comes last, so it can be piped.
    [InlineData("{{ .method | lower }} {{ .app | upper }} {{ \"hello wide world\" | title }}", "get API Hello Wide World")]
    [InlineData("{{ trunc 5 \"hello world\" }}|{{ trunc -5 \"hello world\" }}|{{ trunc 50 \"hi\" }}", "hello|world|hi")]
    [InlineData("{{ trunc 2 \"héllo\" }}", "hé")]
    [InlineData("{{ substr 0 5 \"hello world\" }}|{{ substr 6 -1 \"hello world\" }}|{{ substr -1 2 \"hello\" }}|{{ substr 3 99 \"hello\" }}", "hello|world|he|lo")]
    [InlineData("{{ contains \"cat\" \"catch\" }} {{ hasPrefix \"cat\" \"catch\" }} {{ hasSuffix \"cat\" \"catch\" }}", "true true false")]
    [InlineData("{{ indent 2 \"a\\nb\" }}|{{ nindent 2 \"a\" }}", "  a\n  b|\n  a")]
    [InlineData("{{ \"ab\" | repeat 3 }}", "ababab")]
    [InlineData("{{ replace \" \" \"_\" \"a b c\" }}", "a_b_c")]
    [InlineData("[{{ trim \"  x  \" }}] {{ trimAll \"$\" \"$5.00$\" }} {{ trimPrefix \"-\" \"-x\" }} {{ trimSuffix \"-\" \"x-\" }}", "[x] 5.00 x x")]
    [InlineData("{{ b64enc \"hello\" }} {{ b64dec \"aGVsbG8=\" }}", "aGVsbG8= hello")]
    [InlineData("{{ b64dec \"not base64!\" }}", "illegal base64 data at input byte 3")]
    [InlineData("{{ urlencode \"a b&c=d/é\" }} {{ urldecode \"a+b%26c\" }}", "a+b%26c%3Dd%2F%C3%A9 a b&c")]
    // Regex functions (Go's RE2 syntax and $1 / ${name} expansion).
    [InlineData("{{ regexReplaceAll \"(a*)bc\" \"aabcxbc\" \"${1}X\" }}", "aaXxX")]
    [InlineData("{{ regexReplaceAll \"(\\\\w+)@(\\\\w+)\" \"user@host\" \"$2 at $1\" }}", "host at user")]
    [InlineData("{{ regexReplaceAll \"(?P<user>\\\\w+)@\" \"bob@x\" \"${user}-\" }}", "bob-x")]
    [InlineData("{{ regexReplaceAll \"a(b)\" \"ab\" \"$1x\" }}", "")]
    [InlineData("{{ regexReplaceAllLiteral \"a(b)\" \"abab\" \"$1\" }}", "$1$1")]
    [InlineData("{{ count \"a|b\" \"abcab\" }} {{ count \"x*\" \"axxb\" }}", "4 3")]
    // Numbers: Sprig converts leniently (cast), int math returns int64, float math float64.
    [InlineData("{{ add 1 2 3 }} {{ sub 5 7 }} {{ mul 2 3 4 }} {{ div 7 2 }} {{ mod 7 3 }}", "6 -2 24 3 1")]
    [InlineData("{{ add \"2\" 3.9 true }} {{ add }}", "6 0")]
    [InlineData("{{ addf 1.5 2.25 }} {{ subf 1 0.9 }} {{ mulf 1.1 3 }} {{ divf 1 3 }}", "3.75 0.1 3.3 0.3333333333333333")]
    [InlineData("{{ max 1 7 3 }} {{ min 4 -2 }} {{ maxf 1.5 2 }} {{ minf 1.5 2 }}", "7 -2 2 1.5")]
    [InlineData("{{ ceil 1.2 }} {{ floor 1.8 }} {{ round 3.14159 2 }} {{ round 2.5 0 }}", "2 1 3.14 3")]
    [InlineData("{{ int \"42\" }} {{ int \"12.00\" }} {{ int \"x\" }} {{ int 3.9 }} {{ float64 \"1.5\" }} {{ float64 2 }}", "42 12 0 3 1.5 2")]
    [InlineData("{{ .status | int | add 1 }}", "201")]
    [InlineData("{{ bytes \"10KiB\" }} {{ bytes \"1.5 MB\" }} {{ bytes \"42\" }}", "10240 1.5e+06 42")]
    [InlineData("{{ duration \"1h30m\" }} {{ duration_seconds \"250ms\" }} {{ duration \"-1.5s\" }}", "5400 0.25 -1.5")]
    // Defaults.
    [InlineData("{{ .missing | default \"none\" }} {{ .app | default \"none\" }} {{ default \"d\" 0 }} {{ default \"d\" \"\" }}", "none api d d")]
    // Alignment (Loki).
    [InlineData("[{{ alignLeft 5 \"abc\" }}][{{ alignLeft 2 \"abc\" }}][{{ alignRight 5 \"abc\" }}][{{ alignRight 2 \"abc\" }}]", "[abc  ][ab][  abc][bc]")]
    public void Functions_ReturnWhatLokiReturns(string template, string expected) =>
        Assert.Equal(expected, TestEntry.Run(template));

    [Theory]
    [InlineData("{{ __timestamp__ | date \"2006-01-02T15:04:05.00Z07:00\" }}", "2023-01-15T16:08:09.90Z")]
    [InlineData("{{ __timestamp__ | date \"Mon Jan _2 3:04PM MST 06\" }}", "Sun Jan 15 4:08PM UTC 23")]
    [InlineData("{{ __timestamp__ | date \"January 2, 2006 15:04:05.000000 -07:00\" }}", "January 15, 2023 16:08:09.902000 +00:00")]
    [InlineData("{{ __timestamp__ | unixEpoch }} {{ __timestamp__ | unixEpochMillis }} {{ __timestamp__ | unixEpochNanos }}", "1673798889 1673798889902 1673798889902000000")]
    [InlineData("{{ date \"2006-01-02\" 0 }}", "1970-01-01")]
    [InlineData("{{ toDate \"2006-01-02 15:04:05\" \"2024-02-29 23:59:58\" | unixEpoch }}", "1709251198")]
    [InlineData("{{ toDate \"2006-01-02T15:04:05Z07:00\" \"2024-02-29T23:59:58+02:00\" | unixEpoch }}", "1709243998")]
    [InlineData("{{ toDate \"02/Jan/2006:15:04:05 -0700\" \"10/Oct/2000:13:55:36 -0700\" | date \"2006-01-02 15:04\" }}", "2000-10-10 20:55")]
    [InlineData("{{ toDate \"2006-01-02\" \"not a date\" }}", "0001-01-01 00:00:00 +0000 UTC")]
    [InlineData("{{ toDate \"2006-01-02\" \"2023-02-30\" | unixEpoch }}", "-62135596800")]
    [InlineData("{{ toDate \"15:04:05\" \"10:11:12.345\" | date \"05.000\" }}", "12.345")]
    [InlineData("{{ toDateInZone \"2006-01-02 15:04\" \"Europe/Paris\" \"2024-07-01 12:00\" | unixEpoch }}", "1719828000")]
    [InlineData("{{ toDateInZone \"2006-01-02\" \"Not/AZone\" \"2024-07-01\" | unixEpoch }}", "1719792000")]
    [InlineData("{{ unixToTime \"1673798889\" | unixEpochMillis }} {{ unixToTime \"19373\" | date \"2006-01-02\" }} {{ unixToTime \"1673798889902\" | unixEpochMillis }}", "1673798889000 2023-01-16 1673798889902")]
    [InlineData("{{ unixToTime \"1673798889902000\" | unixEpochNanos }} {{ unixToTime \"1673798889902000001\" | unixEpochNanos }}", "1673798889902000000 1673798889902000001")]
    [InlineData("{{ if gt (now | unixEpoch | int) 1700000000 }}recent{{ end }}", "recent")]
    public void DateFunctions_UseGoLayouts(string template, string expected) =>
        Assert.Equal(expected, TestEntry.Run(template));

    [Theory]
    [InlineData("{{ printf \"%s|%5s|%-5s|%.2s\" \"abc\" \"ab\" \"ab\" \"abc\" }}", "abc|   ab|ab   |ab")]
    [InlineData("{{ printf \"%d|%5d|%-5d|%05d|%+d|%x|%X|%o|%b|%c\" 42 42 42 -42 42 255 255 8 5 65 }}", "42|   42|42   |-0042|+42|ff|FF|10|101|A")]
    [InlineData("{{ printf \"%f|%.2f|%8.3f|%e|%g|%v\" 3.14159 3.14159 3.14159 1234.5678 0.00001234 2.5 }}", "3.141590|3.14|   3.142|1.234568e+03|1.234e-05|2.5")]
    [InlineData("{{ printf \"%q|%v|%t|%T|%T|%T\" \"a\\\"b\" .app true 1 1.5 .app }}", "\"a\\\"b\"|api|true|int|float64|string")]
    [InlineData("{{ printf \"%x|%X|% x\" \"hi\" \"hi\" \"hi\" }}", "6869|6869|68 69")]
    [InlineData("{{ printf \"%d%%\" 50 }}", "50%")]
    [InlineData("{{ printf \"%d\" \"str\" }}|{{ printf \"%s\" 5 }}", "%!d(string=str)|%!s(int=5)")]
    [InlineData("{{ printf \"%s %s\" \"a\" }}|{{ printf \"%s\" \"a\" \"b\" }}", "a %!s(MISSING)|a%!(EXTRA string=b)")]
    [InlineData("{{ printf \"%v %v\" (add 1 1) (fromJson .json).list }}", "2 [1 two true]")]
    [InlineData("{{ printf \"%.1f\" (bytes \"1.5KB\") }}", "1500.0")]
    [InlineData("{{ printf \"%6.2f%%\" (mulf (divf 1 3) 100) }}", " 33.33%")]
    public void Printf_FollowsGoFmt(string template, string expected) =>
        Assert.Equal(expected, TestEntry.Run(template));
}

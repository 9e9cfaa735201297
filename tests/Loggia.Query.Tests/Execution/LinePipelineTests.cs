using System.Text;
using Loggia.Query.Execution;
using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Tests.Execution;

public class LinePipelineTests
{
    private static bool Keeps(string filters, string line) => Keeps(filters, Encoding.UTF8.GetBytes(line));

    private static bool Keeps(string filters, byte[] line) =>
        LinePipeline.Compile(LogQLParser.ParseLogSelector("{app=\"a\"} " + filters)).Matches(line);

    [Theory]
    [InlineData("|= \"err\"", "an error here", true)]
    [InlineData("|= \"err\"", "all good", false)]
    [InlineData("|= \"ERR\"", "an error here", false)]
    [InlineData("|= \"\"", "", true)]
    [InlineData("!= \"\"", "anything", false)]
    [InlineData("!= \"debug\"", "info line", true)]
    [InlineData("!= \"debug\"", "a debug line", false)]
    [InlineData("|= \"a\" or \"b\"", "xxbxx", true)]
    [InlineData("|= \"a\" or \"b\"", "xxcxx", false)]
    [InlineData("!= \"a\" or \"b\"", "xxbxx", false)]
    [InlineData("!= \"a\" or \"b\"", "xxcxx", true)]
    [InlineData("|= \"x\" |= \"y\"", "x and y", true)]
    [InlineData("|= \"x\" |= \"y\"", "x alone", false)]
    [InlineData("|= \"é\"", "café", true)]
    public void ContainsFilters_SearchUtf8Bytes(string filters, string line, bool expected) =>
        Assert.Equal(expected, Keeps(filters, line));

    [Theory]
    // Unanchored search.
    [InlineData("|~ \"err\"", "an error", true)]
    [InlineData("|~ \"err.r\"", "an error", true)]
    [InlineData("|~ \"^an\"", "an error", true)]
    [InlineData("|~ \"^error\"", "an error", false)]
    [InlineData("|~ \"[0-9]{3}\"", "status 503", true)]
    [InlineData("|~ \"[0-9]{3}\"", "status 50", false)]
    [InlineData("!~ \"[0-9]{3}\"", "status 50", true)]
    // Literal alternations and .* wrappers become substring searches.
    [InlineData("|~ \"foo|bar\"", "a bar b", true)]
    [InlineData("|~ \"foo|bar\"", "a baz b", false)]
    [InlineData("|~ \".*foo.*\"", "xfoox", true)]
    [InlineData("|~ \"a\\\\.b\"", "a.b", true)]
    [InlineData("|~ \"a\\\\.b\"", "axb", false)]
    [InlineData("|~ \"a.b\"", "axb", true)]
    [InlineData("|~ \".*\"", "", true)]
    [InlineData("|~ \".+\"", "", false)]
    [InlineData("|~ \".+\"", "x", true)]
    // (?i) literals are case-insensitive substring searches.
    [InlineData("|~ \"(?i)error\"", "An ERROR here", true)]
    [InlineData("|~ \"(?i)error\"", "An ERR0R here", false)]
    [InlineData("|~ \"(?i)ERROR\"", "an error", true)]
    [InlineData("|~ \"(?i)aab\"", "xAAAB", true)]
    [InlineData("|~ \"(?i)foo|bar\"", "BAR", true)]
    [InlineData("!~ \"(?i)error\"", "An ERROR here", false)]
    [InlineData("|~ \"(?i)straße\"", "STRASSE straße", true)]
    [InlineData("|~ \"(?i)ÉTÉ\"", "un Été chaud", true)]
    // Real case-insensitive regex.
    [InlineData("|~ \"(?i)err(or)?s?$\"", "ERRORS", true)]
    public void RegexFilters_AreUnanchoredAndSimplified(string filters, string line, bool expected) =>
        Assert.Equal(expected, Keeps(filters, line));

    [Theory]
    [InlineData("|> \"<_> foo <_>\"", "a foo b", true)]
    [InlineData("|> \"<_> foo <_>\"", " foo ", false)] // empty captures do not match
    [InlineData("|> \"<_>foo<_>\"", " foo ", true)]
    [InlineData("|> \"<_> bar\"", "foo bar baz", false)] // a trailing literal must end the line
    [InlineData("|> \"<_> baz\"", "foo bar baz", true)]
    [InlineData("|> \"foo <_>\"", "foo bar baz", true)]
    [InlineData("|> \"foo <_>\"", "foo ", false)]
    [InlineData("|> \"<_> GET <_> 200\"", "1.2.3.4 GET /x 200", true)]
    [InlineData("|> \"<_> GET <_> 200\"", "1.2.3.4 GET /x 404", false)]
    [InlineData("!> \"<_> GET <_> 200\"", "1.2.3.4 GET /x 404", true)]
    [InlineData("|> \"<_> a <_>\" or \"<_> b <_>\"", "x b y", true)]
    [InlineData("|> \"<_> foo <_>\"", "", false)]
    [InlineData("|> \"<x\"", "<x", true)] // not a capture: a literal
    public void PatternFilters_FollowLokiTest(string filters, string line, bool expected) =>
        Assert.Equal(expected, Keeps(filters, line));

    [Theory]
    [InlineData("|> \"<a> foo\"", "named captures are not allowed")]
    [InlineData("|> \"<_><_> foo\"", "consecutive capture")]
    public void PatternFilters_RejectNamedAndConsecutiveCaptures(string filters, string message)
    {
        var ex = Assert.Throws<LogQLParseException>(() => Keeps(filters, "x"));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("|= ip(\"192.168.0.1\")", "client 192.168.0.1 connected", true)]
    [InlineData("|= ip(\"192.168.0.1\")", "client 192.168.0.10 connected", false)]
    [InlineData("|= ip(\"192.168.0.1\")", "client 192.168.0.1", true)]
    [InlineData("|= ip(\"192.168.0.0/16\")", "from 192.168.44.5:8080", true)]
    [InlineData("|= ip(\"192.168.0.0/16\")", "from 10.0.0.1", false)]
    [InlineData("|= ip(\"192.168.0.5-192.168.0.20\")", "ip=192.168.0.7 ok", true)]
    [InlineData("|= ip(\"192.168.0.5-192.168.0.20\")", "ip=192.168.0.21 ok", false)]
    [InlineData("|= ip(\"192.168.0.1\")", "ip=192.168.000.1", false)] // leading zeros are not an address
    [InlineData("|= ip(\"::1\")", "addr ::1 end", true)]
    [InlineData("|= ip(\"2001:db8::/32\")", "peer 2001:db8:0:1::5 up", true)]
    [InlineData("|= ip(\"2001:db8::/32\")", "peer 2001:db9::5 up", false)]
    [InlineData("!= ip(\"10.0.0.1\")", "from 10.0.0.1 x", false)]
    [InlineData("!= ip(\"10.0.0.1\")", "from 10.0.0.2 x", true)]
    [InlineData("|= ip(\"10.0.0.1\")", "", false)]
    public void IpFilters_FindAddressesInLines(string filters, string line, bool expected) =>
        Assert.Equal(expected, Keeps(filters, line));

    [Fact]
    public void IpFilter_InvalidPattern_IsAnError()
    {
        var ex = Assert.Throws<LogQLParseException>(() => Keeps("|= ip(\"not-an-ip\")", "x"));
        Assert.Contains("ip: invalid pattern", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("|= \"abc\"")]
    [InlineData("|~ \"(?i)abc\"")]
    [InlineData("|~ \"a[0-9]c\"")]
    [InlineData("|> \"<_> abc <_>\"")]
    [InlineData("|= ip(\"1.2.3.4\")")]
    public void InvalidUtf8Lines_NeverThrow(string filters)
    {
        var random = new Random(42);
        var line = new byte[300];
        for (var i = 0; i < 200; i++)
        {
            random.NextBytes(line);
            _ = Keeps(filters, line.AsSpan(0, random.Next(line.Length)).ToArray());
        }
    }

    [Fact]
    public void RegexFilter_MatchesAcrossInvalidUtf8()
    {
        byte[] line = [0xFF, (byte)'a', (byte)'1', (byte)'c', 0xC3];
        Assert.True(Keeps("|~ \"a[0-9]c\"", line));
        Assert.True(Keeps("|= \"a1c\"", line));
    }

    [Theory]
    // Only the filters before the first other stage run on the raw line; later ones see the parsed entry.
    [InlineData("a b", true)]
    [InlineData("a only", true)]
    [InlineData("b only", false)]
    public void Compile_KeepsOnlyTheLeadingLineFilters(string line, bool expected) =>
        Assert.Equal(expected, Keeps("|= \"a\" | json |= \"b\"", line));
}

using Loggia.Core.Model;
using Loggia.Query.Execution;
using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Tests.Execution;

public class StreamMatcherTests
{
    private static bool Matches(string selector, string labels) =>
        StreamMatcher.Compile(LogQLParser.ParseLogSelector(selector, validate: false).Matchers).Matches(Labels.Parse(labels));

    [Theory]
    // Equality and inequality.
    [InlineData("{app=\"api\"}", "{app=\"api\"}", true)]
    [InlineData("{app=\"api\"}", "{app=\"web\"}", false)]
    [InlineData("{app!=\"api\"}", "{app=\"web\"}", true)]
    [InlineData("{app!=\"api\"}", "{app=\"api\"}", false)]
    // A missing label equals the empty string.
    [InlineData("{x=\"\"}", "{app=\"api\"}", true)]
    [InlineData("{x=\"\"}", "{x=\"1\"}", false)]
    [InlineData("{x!=\"\"}", "{x=\"1\"}", true)]
    [InlineData("{x!=\"\"}", "{app=\"api\"}", false)]
    [InlineData("{x!=\"v\"}", "{app=\"api\"}", true)]
    [InlineData("{x=~\"\"}", "{app=\"api\"}", true)]
    [InlineData("{x=~\".*\"}", "{app=\"api\"}", true)]
    [InlineData("{x=~\".+\"}", "{app=\"api\"}", false)]
    [InlineData("{x=~\".+\"}", "{x=\"1\"}", true)]
    [InlineData("{x!~\".+\"}", "{app=\"api\"}", true)]
    // Regexes are fully anchored.
    [InlineData("{app=~\"ap\"}", "{app=\"api\"}", false)]
    [InlineData("{app=~\"ap.\"}", "{app=\"api\"}", true)]
    [InlineData("{app=~\"pi\"}", "{app=\"api\"}", false)]
    [InlineData("{app=~\"a.*\"}", "{app=\"api\"}", true)]
    [InlineData("{app=~\"[a-z]+\"}", "{app=\"api\"}", true)]
    [InlineData("{app=~\"[a-z]+\"}", "{app=\"api2\"}", false)]
    // Literal alternations are set lookups, still anchored.
    [InlineData("{app=~\"api|web\"}", "{app=\"web\"}", true)]
    [InlineData("{app=~\"api|web\"}", "{app=\"webx\"}", false)]
    [InlineData("{app=~\"(api|web)\"}", "{app=\"api\"}", true)]
    [InlineData("{app!~\"api|web\"}", "{app=\"db\"}", true)]
    [InlineData("{app!~\"api|web\"}", "{app=\"api\"}", false)]
    [InlineData("{app=~\"a\\\\.b\"}", "{app=\"a.b\"}", true)]
    [InlineData("{app=~\"a\\\\.b\"}", "{app=\"axb\"}", false)]
    // Dot matches newlines inside anchored label regexes ((?s:…)).
    [InlineData("{app=~\"a.b\"}", "{app=\"a\\nb\"}", true)]
    [InlineData("{app=~\"(?i)API\"}", "{app=\"api\"}", true)]
    // All matchers must hold.
    [InlineData("{app=\"api\", env=\"prod\"}", "{app=\"api\", env=\"prod\"}", true)]
    [InlineData("{app=\"api\", env=\"prod\"}", "{app=\"api\", env=\"dev\"}", false)]
    public void Matcher_FollowsPrometheusSemantics(string selector, string labels, bool expected) =>
        Assert.Equal(expected, Matches(selector, labels));

    [Fact]
    public void All_MatchesEveryStream() => Assert.True(StreamMatcher.All.Matches(Labels.Parse("{a=\"b\"}")));
}

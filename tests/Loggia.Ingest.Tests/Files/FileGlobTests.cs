using Loggia.Ingest.Files;

namespace Loggia.Ingest.Tests.Files;

public sealed class FileGlobTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private void Touch(params string[] relatives)
    {
        foreach (var relative in relatives)
        {
            File.WriteAllText(_dir.File(relative), "x\n");
        }
    }

    private List<string> Matches(string relativePattern) =>
        [.. FileGlob.Parse(Path.Combine(_dir.Path, relativePattern)).EnumerateMatches().Select(p => Path.GetRelativePath(_dir.Path, p)).Order(StringComparer.Ordinal)];

    [Theory]
    [InlineData("*", "", true)]
    [InlineData("*", "anything", true)]
    [InlineData("*.log", "app.log", true)]
    [InlineData("*.log", "app.log.1", false)]
    [InlineData("app-*.log", "app-.log", true)]
    [InlineData("a*b*c", "axxbyyc", true)]
    [InlineData("a*b*c", "axxbyyd", false)]
    [InlineData("*ab", "aab", true)]
    [InlineData("?.log", "a.log", true)]
    [InlineData("?.log", "ab.log", false)]
    [InlineData("?.log", ".log", false)]
    [InlineData("app.log", "app.log", true)]
    [InlineData("app.log", "App.log", false)]
    public void MatchSegment_StarAndQuestionMark(string pattern, string text, bool expected) =>
        Assert.Equal(expected, FileGlob.MatchSegment(pattern, text));

    [Fact]
    public void Star_MatchesWithinOneDirectory_IncludingDotFiles()
    {
        Touch("a.log", "b.log", ".hidden.log", "c.txt", "sub/d.log");

        Assert.Equal([".hidden.log", "a.log", "b.log"], Matches("*.log"));
    }

    [Fact]
    public void QuestionMark_MatchesOneCharacter()
    {
        Touch("app1.log", "app2.log", "app10.log");

        Assert.Equal(["app1.log", "app2.log"], Matches("app?.log"));
    }

    [Fact]
    public void WildcardDirectory_MatchesOneLevel()
    {
        Touch("x/app.log", "y/app.log", "x/deeper/app.log", "app.log");

        Assert.Equal(["x/app.log", "y/app.log"], Matches("*/app.log"));
    }

    [Fact]
    public void DoubleStar_MatchesAnyNumberOfDirectories_IncludingNone()
    {
        Touch("top.log", "a/one.log", "a/b/two.log", "a/b/c/three.log", "a/b/c/three.txt");

        Assert.Equal(["a/b/c/three.log", "a/b/two.log", "a/one.log", "top.log"], Matches("**/*.log"));
        Assert.Equal(["a/b/c/three.log", "a/b/two.log"], Matches("a/**/b/**/*.log"));
    }

    [Fact]
    public void DoubleStar_IsMatch_ForPathsThatDoNotExist()
    {
        var glob = FileGlob.Parse("/var/log/**/app/*.log");

        Assert.True(glob.IsMatch("/var/log/app/x.log"));
        Assert.True(glob.IsMatch("/var/log/a/b/app/x.log"));
        Assert.False(glob.IsMatch("/var/log/a/b/app/x.gz"));
        Assert.False(glob.IsMatch("/var/log/a/b/app/sub/x.log"));
        Assert.False(glob.IsMatch("/var/app/x.log"));
    }

    [Fact]
    public void Exclude_IsAGlobMatchedAgainstTheCandidatePath()
    {
        Touch("app.log", "app.log.gz", "old/app.log");
        var exclude = FileGlob.Parse(Path.Combine(_dir.Path, "**", "*.gz"));

        var kept = FileGlob.Parse(Path.Combine(_dir.Path, "**", "*")).EnumerateMatches().Where(p => !exclude.IsMatch(p)).Select(p => Path.GetRelativePath(_dir.Path, p)).Order(StringComparer.Ordinal);

        Assert.Equal(["app.log", "old/app.log"], kept);
    }

    [Fact]
    public void PatternWithoutWildcards_MatchesThatFileWhenItExists()
    {
        Touch("plain.log");

        Assert.Equal(["plain.log"], Matches("plain.log"));
        Assert.Empty(Matches("missing.log"));
    }

    [Fact]
    public void MissingBaseDirectory_MatchesNothing()
    {
        Assert.Empty(Matches("nowhere/*.log"));
        Assert.Empty(Matches("nowhere/**/*.log"));
    }

    [Fact]
    public void DotSegments_AreNormalized_SoPathsAndExcludesAgree()
    {
        Touch("logs/app.log", "logs/app.gz");
        var glob = FileGlob.Parse(Path.Combine(_dir.Path, "logs", ".", "x", "..", "*"));
        var exclude = FileGlob.Parse(Path.Combine(_dir.Path, ".", "logs", "*.gz"));

        Assert.Equal(Path.Combine(_dir.Path, "logs", "*"), glob.Pattern);
        var found = glob.EnumerateMatches().Order(StringComparer.Ordinal).ToList();
        Assert.Equal([Path.Combine(_dir.Path, "logs", "app.gz"), Path.Combine(_dir.Path, "logs", "app.log")], found);
        Assert.True(exclude.IsMatch(found[0]));
    }

    [Fact]
    public void RelativePattern_IsMadeAbsoluteAgainstTheWorkingDirectory()
    {
        var glob = FileGlob.Parse("logs/*.log");

        Assert.Equal(Path.Combine(Directory.GetCurrentDirectory(), "logs", "*.log"), glob.Pattern);
        Assert.Equal(Path.Combine(Directory.GetCurrentDirectory(), "logs"), glob.BaseDirectory);
    }
}

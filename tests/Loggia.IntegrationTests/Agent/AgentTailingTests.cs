namespace Loggia.IntegrationTests.Agent;

/// <summary>The real <c>loggia agent</c> following files into a real server: appends, new files, excludes and multiline records.</summary>
[Collection(AgentServerGroup.Name)]
public sealed class AgentTailingTests(AgentServerFixture fixture) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("loggia-agent-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static List<string> Lines(List<LokiEntry> entries, string filename) =>
        [.. entries.Where(e => e.Labels["filename"] == filename).Select(e => e.Line)];

    [Fact]
    public async Task AppendedLines_ArriveWithLabelsAndFilename_PartialLineWaitsForItsNewline()
    {
        var logs = Path.Combine(_dir, "logs");
        var app = Path.Combine(logs, "app.log");
        var other = Path.Combine(logs, "other.log");
        var later = Path.Combine(logs, "sub", "later.log");
        using var appWriter = new LogWriter(app);
        using var otherWriter = new LogWriter(other);
        appWriter.WriteLines(["before 1", "before 2"]);
        File.WriteAllText(Path.Combine(logs, "app.log.gz"), "excluded\n");
        var config = AgentConfig.Write(_dir, fixture.Url, Path.Combine(_dir, "positions.json"), $$"""
              - job_name: append
                paths: ['{{logs}}/**/*']
                exclude: ['{{logs}}/**/*.gz']
                labels: { job: agent-append, env: test }
            """);
        using var agent = AgentProcess.Start(config, _dir);
        const string selector = "{job=\"agent-append\"}";

        appWriter.Write("after 1\nafter 2 crlf\r\n");
        await LokiQuery.WaitForLinesAsync(fixture.Server.Client, selector, ["before 1", "before 2", "after 1", "after 2 crlf"]);

        // An unfinished line is not sent: once two later markers of another file arrived, the agent has read app.log since.
        appWriter.Write("after 3 par");
        otherWriter.WriteLines(["marker 1"]);
        await LokiQuery.WaitForLinesAsync(fixture.Server.Client, selector, ["marker 1"]);
        otherWriter.WriteLines(["marker 2"]);
        var held = await LokiQuery.WaitForLinesAsync(fixture.Server.Client, selector, ["marker 2"]);
        Assert.DoesNotContain(held, e => e.Line.StartsWith("after 3", StringComparison.Ordinal));

        appWriter.Write("tial\n");
        Directory.CreateDirectory(Path.GetDirectoryName(later)!);
        File.WriteAllText(later, "later 1\nlater 2\n");
        await LokiQuery.WaitForLinesAsync(fixture.Server.Client, selector, ["after 3 partial", "later 1", "later 2"]);
        // Stopped, the agent has sent all it ever will: the comparison below also sees late duplicates.
        Assert.Equal(0, await agent.StopAsync());
        var entries = await LokiQuery.RangeAsync(fixture.Server.Client, selector);

        Assert.Equal(["before 1", "before 2", "after 1", "after 2 crlf", "after 3 partial"], Lines(entries, app));
        Assert.Equal(["marker 1", "marker 2"], Lines(entries, other));
        Assert.Equal(["later 1", "later 2"], Lines(entries, later));
        Assert.Equal(9, entries.Count);
        foreach (var entry in entries)
        {
            Assert.Equal("agent-append", entry.Labels["job"]);
            Assert.Equal("test", entry.Labels["env"]);
            Assert.Equal(["env", "filename", "job"], entry.Labels.Keys.Where(k => k != "service_name").Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task FlagsWithoutConfigFile_PathExcludeLabelsPositionsAndBatchWait()
    {
        var logs = Path.Combine(_dir, "logs");
        Directory.CreateDirectory(logs);
        File.WriteAllText(Path.Combine(logs, "a.log"), "a 1\na 2\n");
        File.WriteAllText(Path.Combine(logs, "skip-b.log"), "skipped\n");
        var positions = Path.Combine(_dir, "flags-positions.json");
        const string selector = "{job=\"agent-flags\"}";
        using var agent = AgentProcess.StartWithFlags(_dir, "-path", "logs/*.log", "-exclude", "./logs/skip-*", "-labels", "{job=\"agent-flags\", team=\"ops\"}",
            "-url", fixture.Url, "-positions.file", "flags-positions.json", "-batch-wait", "100ms", "-log.level", "debug");

        await LokiQuery.WaitForLinesAsync(fixture.Server.Client, selector, ["a 1", "a 2"]);
        Assert.Equal(0, await agent.StopAsync());
        var entries = await LokiQuery.RangeAsync(fixture.Server.Client, selector);

        Assert.Equal(["a 1", "a 2"], entries.Select(e => e.Line));
        Assert.All(entries, e => Assert.Equal((Path.Combine(logs, "a.log"), "ops"), (e.Labels["filename"], e.Labels["team"])));
        Assert.True(PositionsFileHas(positions, Path.Combine(logs, "a.log"), 8), File.ReadAllText(positions));
    }

    private static bool PositionsFileHas(string file, string path, long offset) =>
        Loggia.Ingest.Files.PositionsFile.TryLoad(file, out var loaded, out _) && loaded.TryGetValue(path, out var position) && position.Offset == offset;

    [Fact]
    public async Task MultilineRecords_AreJoinedByTheFirstLineRule_MaxLinesSplits_MaxWaitFlushesTheLast()
    {
        var app = Path.Combine(_dir, "java.log");
        using var writer = new LogWriter(app);
        var config = AgentConfig.Write(_dir, fixture.Url, Path.Combine(_dir, "positions.json"), $$"""
              - job_name: multiline
                paths: ['{{app}}']
                labels: { job: agent-multiline }
                multiline:
                  firstline: '^\d{4}-\d{2}-\d{2}'
                  max_wait_time: 300ms
                  max_lines: 8
            """);
        using var agent = AgentProcess.Start(config, _dir);
        string[] boom =
        [
            "2026-12-07 10:00:01 ERROR boom",
            "java.lang.IllegalStateException: bad state",
            "\tat com.example.Service.run(Service.java:42)",
            "\tat java.base/java.lang.Thread.run(Thread.java:1583)",
            "Caused by: java.io.IOException: disk full",
            "\t... 2 more",
        ];
        var tall = Enumerable.Range(1, 10).Select(i => $"  detail {i}").Prepend("2026-12-07 10:00:02 WARN tall").ToArray();
        string[] last = ["2026-12-07 10:00:03 INFO last", "  only max_wait_time ends this record"];
        writer.WriteLines(["2026-12-07 10:00:00 INFO started", .. boom, .. tall, .. last]);

        string[] expected =
        [
            "2026-12-07 10:00:00 INFO started",
            string.Join('\n', boom),
            string.Join('\n', tall[..8]),
            string.Join('\n', tall[8..]),
            string.Join('\n', last),
        ];
        await LokiQuery.WaitForLinesAsync(fixture.Server.Client, "{job=\"agent-multiline\"}", expected);
        Assert.Equal(0, await agent.StopAsync());
        var entries = await LokiQuery.RangeAsync(fixture.Server.Client, "{job=\"agent-multiline\"}");
        Assert.Equal(expected, entries.Select(e => e.Line));
    }
}

using System.Globalization;
using Loggia.Ingest.Files;

namespace Loggia.IntegrationTests.Agent;

/// <summary>
/// The real agent stopped and started again on the same positions file: after SIGKILL nothing is lost and at most
/// the batch in flight is sent twice; after SIGTERM nothing is sent twice (docs/ingest/agent.md).
/// </summary>
[Collection(AgentServerGroup.Name)]
public sealed class AgentRestartTests(AgentServerFixture fixture) : IDisposable
{
    // Small batches so that a kill lands between many acknowledgements; a batch holds at most ceil(1 KiB / line) lines.
    private const int BatchSizeBytes = 1024;

    private readonly string _dir = Directory.CreateTempSubdirectory("loggia-agent-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static List<string> Numbered(string prefix, int from, int count) =>
        [.. Enumerable.Range(from, count).Select(i => prefix + i.ToString("D5", CultureInfo.InvariantCulture) + " " + new string('.', 40))];

    private static long SavedOffset(string positions, string path)
    {
        if (!PositionsFile.TryLoad(positions, out var loaded, out var error))
        {
            Assert.Fail($"{positions} is corrupt: {error}");
        }

        return loaded.TryGetValue(path, out var position) ? position.Offset : 0;
    }

    [Fact]
    public async Task Sigkill_ThenRestartWithTheSamePositions_LosesNothing_RepeatsAtMostTheBatchInFlight()
    {
        var app = Path.Combine(_dir, "logs", "app.log");
        var positions = Path.Combine(_dir, "positions.json");
        var config = AgentConfig.Write(_dir, fixture.Url, positions, $$"""
              - job_name: kill
                paths: ['{{app}}']
                labels: { job: agent-kill }
            """, batchSize: "1KiB");
        const string selector = "{job=\"agent-kill\"}";
        using var writer = new LogWriter(app);
        var written = new List<string>();
        var kills = 0;
        long savedBefore = 0;
        for (var run = 0; run < 3; run++)
        {
            var lines = Numbered("kill ", written.Count, 1500);
            writer.WriteLines(lines);
            written.AddRange(lines);
            using var agent = AgentProcess.Start(config, _dir);
            if (run == 2)
            {
                await LokiQuery.WaitForLinesAsync(fixture.Server.Client, selector, written);
                Assert.Equal(0, await agent.StopAsync());
                break;
            }

            // Kill as soon as this run's first acknowledged batch is saved: many batches are still to come.
            var before = savedBefore;
            await Eventually.TrueAsync(() => SavedOffset(positions, app) > before, "a saved position", agent);
            agent.Kill();
            kills++;
            savedBefore = SavedOffset(positions, app);
            Assert.True(savedBefore < new FileInfo(app).Length, "the agent had shipped everything before it was killed: the test did not exercise a kill mid-stream");
        }

        var entries = await LokiQuery.RangeAsync(fixture.Server.Client, selector);
        var counts = entries.GroupBy(e => e.Line).ToDictionary(g => g.Key, g => g.Count());
        var missing = written.Where(l => !counts.ContainsKey(l)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} lines lost, e.g. {string.Join(", ", missing.Take(3))}");
        Assert.Empty(counts.Keys.Except(written));
        var maxBatchLines = (BatchSizeBytes + written[0].Length - 1) / written[0].Length;
        var repeated = counts.Values.Sum() - counts.Count;
        Assert.True(counts.Values.Max() <= 2, "a line was sent more than twice");
        Assert.True(repeated <= kills * maxBatchLines, $"{repeated} lines repeated after {kills} kills; at most {maxBatchLines} (one batch) per kill");
    }

    [Fact]
    public async Task Sigterm_FlushesThePendingMultilineRecord_AndTheRestartSendsNothingTwice()
    {
        var app = Path.Combine(_dir, "logs", "app.log");
        var positions = Path.Combine(_dir, "positions.json");
        // max_wait_time is long: only the shutdown completes the last record.
        var config = AgentConfig.Write(_dir, fixture.Url, positions, $$"""
              - job_name: term
                paths: ['{{app}}']
                labels: { job: agent-term }
                multiline: { firstline: '^rec ', max_wait_time: 10m }
            """);
        const string selector = "{job=\"agent-term\"}";
        using var writer = new LogWriter(app);
        var expected = new List<string>();
        for (var run = 0; run < 2; run++)
        {
            var records = Enumerable.Range(expected.Count, 50).Select(i => $"rec {i}\n  detail of {i}").ToList();
            writer.WriteLines(records);
            expected.AddRange(records);
            using var agent = AgentProcess.Start(config, _dir);
            await LokiQuery.WaitForLinesAsync(fixture.Server.Client, selector, expected[..^1]);
            Assert.Equal(0, await agent.StopAsync());
            Assert.Contains("Agent stopped: 50 entries sent, 0 dropped", agent.Log, StringComparison.Ordinal);
        }

        var entries = await LokiQuery.RangeAsync(fixture.Server.Client, selector);
        Assert.Equal(expected, entries.Select(e => e.Line));
    }
}

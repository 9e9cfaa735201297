using System.Globalization;
using Loggia.Ingest.Files;
using Xunit.Abstractions;

namespace Loggia.IntegrationTests.Agent;

/// <summary>
/// The real agent stopped and started again on the same positions file: after SIGKILL nothing is lost and at most
/// the batch in flight is sent twice; after SIGTERM nothing is sent twice (docs/ingest/agent.md).
/// </summary>
[Collection(AgentServerGroup.Name)]
public sealed class AgentRestartTests(AgentServerFixture fixture, ITestOutputHelper output) : IDisposable
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
            // Long lines: about ten to a 1 KiB batch, so a run is ~150 batches and the kill lands mid-stream.
            var lines = Numbered("kill " + new string('x', 100) + " ", written.Count, 1500);
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
        output.WriteLine($"{written.Count} lines, {kills} kills, {repeated} repeated (bound {kills * maxBatchLines})");
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

    [Fact]
    public async Task CorruptPositionsFile_IsMovedAside_OnCorruptEndSkipsOldLines_BeginningRereadsThem()
    {
        var app = Path.Combine(_dir, "logs", "app.log");
        var positions = Path.Combine(_dir, "positions.json");
        const string selector = "{job=\"agent-corrupt\"}";
        var scrape = $$"""
              - job_name: corrupt
                paths: ['{{app}}']
                labels: { job: agent-corrupt }
            """;
        using var writer = new LogWriter(app);
        writer.WriteLines(["old 1", "old 2"]);
        File.WriteAllText(positions, "{\"version\":1,\"positions\":[{\"path\":");

        using (var agent = AgentProcess.Start(AgentConfig.Write(_dir, fixture.Url, positions, scrape, onCorrupt: "end"), _dir))
        {
            await Eventually.TrueAsync(() => agent.CountLogLines("Following ") == 1, "the file being followed", agent);
            writer.WriteLines(["new 1"]);
            await LokiQuery.WaitForLinesAsync(fixture.Server.Client, selector, ["new 1"]);
            Assert.Equal(0, await agent.StopAsync());
            Assert.Contains("is corrupt", agent.Log, StringComparison.Ordinal);
        }

        Assert.Equal(["new 1"], (await LokiQuery.RangeAsync(fixture.Server.Client, selector)).Select(e => e.Line));
        Assert.Equal("{\"version\":1,\"positions\":[{\"path\":", File.ReadAllText(positions + ".corrupt"));

        File.WriteAllText(positions, "not json");
        using (var agent = AgentProcess.Start(AgentConfig.Write(_dir, fixture.Url, positions, scrape), _dir))
        {
            await LokiQuery.WaitForAsync(fixture.Server.Client, selector, entries => entries.Count == 4);
            Assert.Equal(0, await agent.StopAsync());
        }

        // From the beginning: everything again, so "new 1" is there twice (on_corrupt: beginning never loses lines).
        var lines = (await LokiQuery.RangeAsync(fixture.Server.Client, selector)).Select(e => e.Line).Order(StringComparer.Ordinal);
        Assert.Equal(["new 1", "new 1", "old 1", "old 2"], lines);
    }
}

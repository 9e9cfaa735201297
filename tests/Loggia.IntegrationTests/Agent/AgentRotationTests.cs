using System.Globalization;

namespace Loggia.IntegrationTests.Agent;

/// <summary>The real agent through logrotate's two schemes, against a real server: every line exactly once, in order.</summary>
[Collection(AgentServerGroup.Name)]
public sealed class AgentRotationTests(AgentServerFixture fixture) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("loggia-agent-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private AgentProcess StartAgent(string logs, string job) =>
        AgentProcess.Start(AgentConfig.Write(_dir, fixture.Url, Path.Combine(_dir, "positions.json"), $$"""
              - job_name: {{job}}
                paths: ['{{logs}}/*.log']
                labels: { job: {{job}} }
            """), _dir);

    private static List<string> Numbered(string prefix, int count) =>
        [.. Enumerable.Range(0, count).Select(i => prefix + i.ToString("D4", CultureInfo.InvariantCulture))];

    [Fact]
    public async Task RenameAndCreate_OldFileIsReadToItsEnd_ThenTheNewOne_NothingLostOrDuplicated()
    {
        var logs = Path.Combine(_dir, "logs");
        var app = Path.Combine(logs, "app.log");
        const string selector = "{job=\"agent-rename\"}";
        var written = new List<string>();
        var writer = new LogWriter(app);
        using var agent = StartAgent(logs, "agent-rename");
        try
        {
            for (var round = 0; round < 4; round++)
            {
                var lines = Numbered($"rename r{round} line ", 200);
                writer.WriteLines(lines[..100]);
                // The agent follows this file before it is rotated (a rotation per poll interval would skip one).
                await LokiQuery.WaitForLinesAsync(fixture.Server.Client, selector, [lines[0]]);
                writer.WriteLines(lines[100..]);
                written.AddRange(lines);

                // logrotate renames (app.log.N is not matched by *.log); the application still writes its last
                // lines, an unfinished one too, to the old file before it reopens the path.
                File.Move(app, $"{app}.{round + 1}");
                var late = Numbered($"rename r{round} late ", 5);
                writer.WriteLines(late);
                writer.Write($"rename r{round} unfinished");
                written.AddRange([.. late, $"rename r{round} unfinished"]);
                writer.Dispose();
                writer = new LogWriter(app);
            }

            writer.WriteLines(["rename final"]);
            written.Add("rename final");
            await LokiQuery.WaitForLinesAsync(fixture.Server.Client, selector, written);
            Assert.Equal(0, await agent.StopAsync());
            var entries = await LokiQuery.RangeAsync(fixture.Server.Client, selector);

            Assert.Equal(written, entries.Select(e => e.Line));
            Assert.All(entries, e => Assert.Equal(app, e.Labels["filename"]));
            Assert.Equal(4, agent.CountLogLines("was rotated"));
        }
        finally
        {
            writer.Dispose();
        }
    }

    [Fact]
    public async Task CopyTruncate_ShorterFileIsReadAgainFromZero_NothingLostOrDuplicated()
    {
        var logs = Path.Combine(_dir, "logs");
        var app = Path.Combine(logs, "app.log");
        const string selector = "{job=\"agent-copytruncate\"}";
        var written = new List<string>();
        using var writer = new LogWriter(app);
        using var agent = StartAgent(logs, "agent-copytruncate");
        // Each generation is shorter than the one before, so whenever the agent looks after a truncation the file is
        // shorter than what it read: a file that grew past the old size before the agent looked could not be told apart.
        int[] sizes = [400, 300, 200, 100];
        for (var round = 0; round < sizes.Length; round++)
        {
            var lines = Numbered($"copytruncate r{round} line ", sizes[round]);
            writer.WriteLines(lines[..(sizes[round] / 2)]);
            writer.WriteLines(lines[(sizes[round] / 2)..]);
            written.AddRange(lines);
            // Lines written between the agent's last read and the truncation exist only in the copy (as with Promtail).
            await LokiQuery.WaitForLinesAsync(fixture.Server.Client, selector, written);
            if (round < sizes.Length - 1)
            {
                File.Copy(app, $"{app}.{round + 1}");
                writer.Truncate();
            }
        }

        Assert.Equal(0, await agent.StopAsync());
        var entries = await LokiQuery.RangeAsync(fixture.Server.Client, selector);
        Assert.Equal(written, entries.Select(e => e.Line));
        Assert.All(entries, e => Assert.Equal(app, e.Labels["filename"]));
        Assert.Equal(3, agent.CountLogLines("was truncated"));
    }
}

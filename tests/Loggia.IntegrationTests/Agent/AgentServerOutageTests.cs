using System.Globalization;
using System.Text.RegularExpressions;

namespace Loggia.IntegrationTests.Agent;

/// <summary>
/// The real agent while its server is down (not started yet, then SIGKILLed and restarted on the same data): it
/// retries with capped exponential backoff, reading pauses, and every line arrives exactly once once the server is back.
/// </summary>
public sealed partial class AgentServerOutageTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("loggia-agent-outage-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [GeneratedRegex(@"retry (\d+) in (\d\d:\d\d:\d\d(?:\.\d+)?)")]
    private static partial Regex RetryLog();

    private static List<string> Numbered(string prefix, int from, int count) =>
        [.. Enumerable.Range(from, count).Select(i => prefix + i.ToString("D4", CultureInfo.InvariantCulture))];

    [Fact]
    public async Task ServerDownAtStart_AndKilledLater_AgentRetriesWithBackoff_AllLinesArriveOnce()
    {
        var port = ServerProcess.FreePort();
        var data = Path.Combine(_dir, "data");
        var app = Path.Combine(_dir, "logs", "app.log");
        var config = AgentConfig.Write(_dir, $"http://127.0.0.1:{port}", Path.Combine(_dir, "positions.json"), $$"""
              - job_name: outage
                paths: ['{{app}}']
                labels: { job: agent-outage }
            """);
        const string selector = "{job=\"agent-outage\"}";
        using var writer = new LogWriter(app);
        var written = Numbered("outage ", 0, 300);
        writer.WriteLines(written);
        using var agent = AgentProcess.Start(config, _dir);

        // No server: the batch is retried with min 50ms · 2^attempt, capped at 400ms, each with jitter of ×0.5–1.
        await Eventually.TrueAsync(() => agent.CountLogLines("failed (") >= 5, "five retries", agent);
        var retries = RetryLog().Matches(agent.Log).Select(m => (Attempt: int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Delay: TimeSpan.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(Enumerable.Range(1, retries.Count), retries.Select(r => r.Attempt));
        foreach (var (attempt, delay) in retries)
        {
            var full = Math.Min(50 * Math.Pow(2, attempt - 1), 400);
            Assert.InRange(delay.TotalMilliseconds, full / 2, full);
        }

        using (var server = await ServerProcess.StartAsync(data, port))
        {
            await LokiQuery.WaitForLinesAsync(server.Client, selector, written);

            // Killed while lines keep coming: some batches are in flight, the rest wait in the agent.
            var more = Numbered("outage ", written.Count, 300);
            writer.WriteLines(more[..150]);
            written.AddRange(more);
            await LokiQuery.WaitForLinesAsync(server.Client, selector, [more[0]]);
            var retriesBefore = agent.CountLogLines("failed (");
            server.Kill();
            writer.WriteLines(more[150..]);
            await Eventually.TrueAsync(() => agent.CountLogLines("failed (") > retriesBefore, "a retry after the server was killed", agent);
        }

        using var restarted = await ServerProcess.StartAsync(data, port);
        await LokiQuery.WaitForLinesAsync(restarted.Client, selector, written);
        Assert.Equal(0, await agent.StopAsync());

        var entries = await LokiQuery.RangeAsync(restarted.Client, selector);
        Assert.Equal(written, entries.Select(e => e.Line));
    }
}

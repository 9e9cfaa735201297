namespace Loggia.IntegrationTests.Agent;

/// <summary>The real agent with lines too long for it (cut and counted) or for the server (the 400 drops that batch, the rest goes on).</summary>
[Collection(AgentServerGroup.Name)]
public sealed class AgentLimitsTests(AgentServerFixture fixture) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("loggia-agent-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task LineLongerThanMaxLineSize_ArrivesCutAtTheLimit_AndIsCounted()
    {
        var app = Path.Combine(_dir, "logs", "app.log");
        using var writer = new LogWriter(app);
        var config = AgentConfig.Write(_dir, fixture.Url, Path.Combine(_dir, "positions.json"), $$"""
              - job_name: cut
                paths: ['{{app}}']
                labels: { job: agent-cut }
            """, maxLineSize: "1KiB");
        using var agent = AgentProcess.Start(config, _dir);
        writer.WriteLines(["short", new string('L', 5000), "after"]);

        await LokiQuery.WaitForLinesAsync(fixture.Server.Client, "{job=\"agent-cut\"}", ["after"]);
        Assert.Equal(0, await agent.StopAsync());
        var entries = await LokiQuery.RangeAsync(fixture.Server.Client, "{job=\"agent-cut\"}");

        Assert.Equal(["short", new string('L', 1024), "after"], entries.Select(e => e.Line));
        Assert.Contains("3 entries sent, 0 dropped (rejected), 1 lines truncated", agent.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BatchTheServerRejects_IsDroppedAndCounted_AndLaterLinesStillArrive()
    {
        var app = Path.Combine(_dir, "logs", "app.log");
        using var writer = new LogWriter(app);
        var config = AgentConfig.Write(_dir, fixture.Url, Path.Combine(_dir, "positions.json"), $$"""
              - job_name: rejected
                paths: ['{{app}}']
                labels: { job: agent-rejected }
            """);
        const string selector = "{job=\"agent-rejected\"}";
        using var agent = AgentProcess.Start(config, _dir);
        writer.WriteLines(["before"]);
        await LokiQuery.WaitForLinesAsync(fixture.Server.Client, selector, ["before"]);

        // Alone in its batch, so the 400 drops exactly this line.
        writer.WriteLines([new string('R', AgentServerFixture.ServerMaxLineBytes + 1)]);
        await Eventually.TrueAsync(() => agent.CountLogLines("rejected with 400") == 1, "the server's 400", agent);
        writer.WriteLines(["after"]);
        await LokiQuery.WaitForLinesAsync(fixture.Server.Client, selector, ["after"]);
        Assert.Equal(0, await agent.StopAsync());

        var entries = await LokiQuery.RangeAsync(fixture.Server.Client, selector);
        Assert.Equal(["before", "after"], entries.Select(e => e.Line));
        Assert.Contains("2 entries sent, 1 dropped (rejected)", agent.Log, StringComparison.Ordinal);
        Assert.Equal(0, agent.CountLogLines("failed ("));
    }
}

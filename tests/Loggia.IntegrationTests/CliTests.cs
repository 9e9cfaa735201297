using System.Diagnostics;

namespace Loggia.IntegrationTests;

/// <summary>The <c>loggia push</c> and <c>loggia query</c> commands against a real server process.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("loggia-cli-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private static Task<(int Exit, string Out, string Err)> RunAsync(string? stdin, params string[] args) => LoggiaCli.RunAsync(stdin, args);

    [Fact]
    public async Task PushedLines_AreReturnedByQuery_InEveryOutputMode()
    {
        var port = ServerProcess.FreePort();
        using var server = await ServerProcess.StartAsync(_data, port);
        var address = $"-addr=http://127.0.0.1:{port}";
        var lines = string.Join('\n', Enumerable.Range(1, 2500).Select(i => $"cli line {i} {(i % 500 == 0 ? "ERROR" : "ok")}")) + "\n";

        var push = await RunAsync(lines, "push", address, "-labels", "{app=\"cli\", env=\"test\"}");
        Assert.True(push.Exit == 0, push.Err);
        Assert.Contains("pushed 2500 lines", push.Out, StringComparison.Ordinal);

        var raw = await RunAsync(null, "query", address, "-o", "raw", "-limit", "3", "{app=\"cli\"} |= \"ERROR\"");
        Assert.True(raw.Exit == 0, raw.Err);
        Assert.Equal(["cli line 2500 ERROR", "cli line 2000 ERROR", "cli line 1500 ERROR"], raw.Out.TrimEnd('\n').Split('\n'));

        var forward = await RunAsync(null, "query", address, "-forward", "-limit", "2", "{app=\"cli\"}");
        Assert.True(forward.Exit == 0, forward.Err);
        var first = forward.Out.Split('\n')[0];
        Assert.Contains("{app=\"cli\", env=\"test\"} cli line 1 ok", first, StringComparison.Ordinal);

        var jsonl = await RunAsync(null, "query", address, "-o", "jsonl", "-limit", "1", "{env=\"test\"}");
        Assert.True(jsonl.Exit == 0, jsonl.Err);
        using var entry = System.Text.Json.JsonDocument.Parse(jsonl.Out.Trim());
        Assert.Equal("cli line 2500 ERROR", entry.RootElement.GetProperty("line").GetString());
        Assert.Equal("cli", entry.RootElement.GetProperty("labels").GetProperty("app").GetString());

        var bad = await RunAsync(null, "query", address, "{}");
        Assert.Equal(1, bad.Exit);
        Assert.Contains("queries require at least one regexp or equality matcher", bad.Err, StringComparison.Ordinal);
    }
}

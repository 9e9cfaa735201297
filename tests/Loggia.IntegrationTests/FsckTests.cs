using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Loggia.IntegrationTests;

/// <summary>
/// <c>loggia fsck</c> as a real process on a real server's data directory: it refuses while the server runs, reports
/// a damaged block (exit 1), quarantines it, then finds the directory clean (exit 0), and the restarted server answers
/// from the remaining block without a warning.
/// </summary>
public sealed class FsckTests : IDisposable
{
    private static readonly long Now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
    private readonly string _data = Directory.CreateTempSubdirectory("loggia-fsck-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private static async Task<(int Exit, string Out, string Err)> FsckAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "loggia.dll"));
        start.ArgumentList.Add("fsck");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await output, await error);
    }

    private static async Task PushAsync(ServerProcess server, long offsetSeconds, params string[] lines)
    {
        var values = string.Join(",", lines.Select((l, i) => $"[\"{Now + ((offsetSeconds + i) * 1_000_000_000L)}\",{JsonSerializer.Serialize(l)}]"));
        using var content = new StringContent($"{{\"streams\":[{{\"stream\":{{\"app\":\"fsck\"}},\"values\":[{values}]}}]}}", Encoding.UTF8, "application/json");
        using var response = await server.Client.PostAsync("/loki/api/v1/push", content);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    private string[] Blocks() =>
        [.. Directory.GetFiles(Path.Combine(_data, "blocks"), "*.parquet", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task DamagedBlock_IsReported_Quarantined_AndTheServerAnswersFromTheRestWithoutWarning()
    {
        // Two graceful runs: each shutdown flushes its lines into a block of its own.
        var port = ServerProcess.FreePort();
        using (var server = await ServerProcess.StartAsync(_data, port))
        {
            await PushAsync(server, -120, "old one", "old two");
            var busy = await FsckAsync(_data);
            Assert.True(busy.Exit == 2, busy.Out + busy.Err);
            Assert.Contains("in use", busy.Err, StringComparison.Ordinal);
            await server.StopAsync();
        }

        using (var server = await ServerProcess.StartAsync(_data, port))
        {
            await PushAsync(server, -60, "new one", "new two");
            await server.StopAsync();
        }

        var blocks = Blocks();
        Assert.Equal(2, blocks.Length);
        var clean = await FsckAsync(_data);
        Assert.True(clean.Exit == 0, clean.Out + clean.Err);

        // Damage the older block in the middle of its bytes: same length, so only the checksums can tell.
        var damaged = blocks[0];
        var damagedId = Path.GetFileNameWithoutExtension(damaged);
        var bytes = File.ReadAllBytes(damaged);
        bytes[bytes.Length / 2] ^= 0x5A;
        File.WriteAllBytes(damaged, bytes);

        var found = await FsckAsync(_data);
        Assert.True(found.Exit == 1, found.Out + found.Err);
        Assert.Contains($"PROBLEM block", found.Out, StringComparison.Ordinal);
        Assert.Contains(damagedId, found.Out, StringComparison.Ordinal);

        var json = await FsckAsync("-json", _data);
        Assert.Equal(1, json.Exit);
        using (var report = JsonDocument.Parse(json.Out))
        {
            Assert.False(report.RootElement.GetProperty("clean").GetBoolean());
            Assert.Equal(2, report.RootElement.GetProperty("blocks").GetInt32());
            Assert.All(report.RootElement.GetProperty("findings").EnumerateArray().Where(f => f.GetProperty("severity").GetString() == "problem"),
                f => Assert.Equal(damagedId, f.GetProperty("block").GetString()));
        }

        var quarantine = await FsckAsync("-quarantine", _data);
        Assert.True(quarantine.Exit == 1, quarantine.Out + quarantine.Err);
        Assert.Contains($"quarantined block {damagedId}", quarantine.Out, StringComparison.Ordinal);
        Assert.False(File.Exists(damaged));
        Assert.Single(Directory.GetFiles(Path.Combine(_data, "quarantine"), damagedId + ".parquet", SearchOption.AllDirectories));

        var after = await FsckAsync(_data);
        Assert.True(after.Exit == 0, after.Out + after.Err);
        Assert.Contains("no problems", after.Out, StringComparison.Ordinal);

        using (var server = await ServerProcess.StartAsync(_data, port))
        {
            var query = $"/loki/api/v1/query_range?query={Uri.EscapeDataString("{app=\"fsck\"}")}&start={Now - (600 * 1_000_000_000L)}&end={Now + 1_000_000_000L}&limit=100";
            using var response = await server.Client.GetAsync(query);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            using var document = JsonDocument.Parse(body);
            var lines = document.RootElement.GetProperty("data").GetProperty("result").EnumerateArray()
                .SelectMany(s => s.GetProperty("values").EnumerateArray().Select(v => v[1].GetString())).Order(StringComparer.Ordinal);
            Assert.Equal(["new one", "new two"], lines);
            Assert.False(document.RootElement.TryGetProperty("warnings", out _), body);
            await server.StopAsync();
        }
    }
}

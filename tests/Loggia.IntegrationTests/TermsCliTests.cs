using System.Text;
using System.Text.Json;

namespace Loggia.IntegrationTests;

/// <summary><c>loggia terms</c> against a real server process whose blocks were flushed at a graceful shutdown.</summary>
public sealed class TermsCliTests : IDisposable
{
    private const long Hour = 3_600_000_000_000L;
    private readonly string _data = Directory.CreateTempSubdirectory("loggia-terms-cli-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task Terms_PrintsTheDaysHoldingAllTerms_InTextAndJson()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        var needleAt = now - (50 * Hour);
        var port = ServerProcess.FreePort();
        using (var server = await ServerProcess.StartAsync(_data, port, "-validation.reject-old-samples=false"))
        {
            var body = $"{{\"streams\":[{{\"stream\":{{\"app\":\"pay\"}},\"values\":[[\"{needleAt}\",\"payment TXN-4f3a9 refund\"],[\"{now - (26 * Hour)}\",\"refund alone\"],[\"{now - Hour}\",\"unrelated\"]]}}]}}";
            using var response = await server.Client.PostAsync("/loki/api/v1/push", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            await server.StopAsync(); // flushes the head into a block
        }

        using var restarted = await ServerProcess.StartAsync(_data, port);
        var address = $"-addr=http://127.0.0.1:{port}";

        var text = await LoggiaCli.RunAsync(null, "terms", address, "-since", "7d", "-step", "1d", "txn-4f3a9", "refund");
        Assert.True(text.Exit == 0, text.Err);
        var line = Assert.Single(text.Out.TrimEnd('\n').Split('\n'));
        var day = DateTimeOffset.FromUnixTimeMilliseconds(needleAt / 1_000_000).UtcDateTime.Date;
        Assert.StartsWith(day.ToString("yyyy-MM-dd'T'00:00:00", System.Globalization.CultureInfo.InvariantCulture), line, StringComparison.Ordinal);
        Assert.Contains("hours=1  lines<=1  txn-4f3a9=1  refund=1", line, StringComparison.Ordinal);

        var json = await LoggiaCli.RunAsync(null, "terms", address, "-json", "-since", "7d", "-step", "1h", "refund");
        Assert.True(json.Exit == 0, json.Err);
        using var document = JsonDocument.Parse(json.Out);
        var buckets = document.RootElement.GetProperty("data").GetProperty("buckets").EnumerateArray().ToList();
        Assert.Equal(2, buckets.Sum(b => b.GetProperty("lines").GetInt64()));
        Assert.Equal(2, buckets.Count(b => b.GetProperty("hours").GetInt64() == 1));

        var bad = await LoggiaCli.RunAsync(null, "terms", address, "-step", "5m", "refund");
        Assert.Equal(1, bad.Exit);
        Assert.Contains("step: '5m' is not a positive whole number of hours", bad.Err, StringComparison.Ordinal);
    }
}

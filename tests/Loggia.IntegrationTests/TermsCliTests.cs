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

        // -from/-to as RFC3339 covering the same 7 days: the same line.
        var fromText = DateTimeOffset.FromUnixTimeMilliseconds(now / 1_000_000).AddDays(-7).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var toText = DateTimeOffset.FromUnixTimeMilliseconds(now / 1_000_000).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var ranged = await LoggiaCli.RunAsync(null, "terms", address, "-from", fromText, "-to", toText, "-step", "1d", "txn-4f3a9", "refund");
        Assert.True(ranged.Exit == 0, ranged.Err);
        Assert.Equal(line, Assert.Single(ranged.Out.TrimEnd('\n').Split('\n')));

        // A -to before the needle: the range holds no line with both terms.
        var before = DateTimeOffset.FromUnixTimeMilliseconds(needleAt / 1_000_000).AddHours(-1).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var empty = await LoggiaCli.RunAsync(null, "terms", address, "-from", fromText, "-to", before, "txn-4f3a9", "refund");
        Assert.True(empty.Exit == 0, empty.Err);
        Assert.Equal("no bucket contains all the terms", empty.Out.Trim());

        var bad = await LoggiaCli.RunAsync(null, "terms", address, "-step", "5m", "refund");
        Assert.Equal(1, bad.Exit);
        Assert.Contains("step: '5m' is not a positive whole number of hours", bad.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("terms", "-from", "yesterday", "invalid -from 'yesterday'")]
    [InlineData("terms", "-to", "2026-13-40T00:00:00Z", "invalid -to '2026-13-40T00:00:00Z'")]
    [InlineData("terms", "-since", "forever", "invalid -since 'forever'")]
    [InlineData("query", "-from", "12/07 noon", "invalid -from '12/07 noon'")]
    [InlineData("query", "-to", "1969-12-31T23:00:00Z", "invalid -to '1969-12-31T23:00:00Z'")]
    public async Task BadTime_IsAUsageError_WithAMessageNamingTheFlag(string command, string flag, string value, string message)
    {
        // No server listens on the address: a bad time must be refused before any request is made.
        var address = $"-addr=http://127.0.0.1:{ServerProcess.FreePort()}";
        string[] args = command == "terms" ? [command, address, flag, value, "refund"] : [command, address, flag, value, "{app=\"pay\"}"];
        var run = await LoggiaCli.RunAsync(null, args);
        Assert.Equal(2, run.Exit);
        Assert.StartsWith(message, run.Err, StringComparison.Ordinal);
        if (flag != "-since")
        {
            Assert.Contains("want an RFC3339 time", run.Err, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("   at ", run.Err, StringComparison.Ordinal); // no stack trace
        Assert.Equal("", run.Out);
    }
}

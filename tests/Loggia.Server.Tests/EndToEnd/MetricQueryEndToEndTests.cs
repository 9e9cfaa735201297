using System.Net;
using System.Text;
using System.Text.Json;
using Loggia.Server.Configuration;
using Microsoft.AspNetCore.Builder;

namespace Loggia.Server.Tests.EndToEnd;

/// <summary>Metric queries over real HTTP, called the way Grafana and logcli call them.</summary>
public sealed class MetricQueryEndToEndTests : IDisposable
{
    private const long Second = 1_000_000_000;
    private readonly string _data = Directory.CreateTempSubdirectory("loggia-metrics-e2e-").FullName;

    // A recent, 10-second-aligned base time so pushes are accepted and step alignment is easy to reason about.
    private static readonly long Base = (DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 600) / 10 * 10 * Second;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private async Task<(WebApplication App, HttpClient Client)> StartAsync(params string[] flags)
    {
        string[] args = ["-server.http-listen-port=0", "-distributor.otlp-grpc-listen-port=0", "-syslog.tcp-listen-port=0", "-syslog.udp-listen-port=0", $"-common.path-prefix={_data}", "-log.level=warn", .. flags];
        var app = await LoggiaServer.BuildAsync(ConfigLoader.Load(args, new Dictionary<string, string>()));
        await app.StartAsync();
        var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        // api: lines at base+1s, +2s, +3s and +12s; web: one line at base+2s.
        var values = string.Join(',', new[] { 1, 2, 3, 12 }.Select(s => $"[\"{Base + (s * Second)}\",\"line {s}\"]"));
        var body = $$"""{"streams":[{"stream":{"app":"api"},"values":[{{values}}]},{"stream":{"app":"web"},"values":[["{{Base + (2 * Second)}}","web"]]}]}""";
        using var push = await client.PostAsync("/loki/api/v1/push", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NoContent, push.StatusCode);
        return (app, client);
    }

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Q(string query) => Uri.EscapeDataString(query);

    [Fact]
    public async Task QueryRange_Get_ReturnsAStepAlignedMatrix()
    {
        var (app, client) = await StartAsync();
        await using var _ = app;
        // start/end are not multiples of the step: Loki rounds start down and end up to the step (10 s).
        var (status, body) = await GetAsync(client, $"/loki/api/v1/query_range?query={Q("count_over_time({app=\"api\"}[10s])")}&start={Base + (3 * Second)}&end={Base + (17 * Second)}&step=10");
        Assert.True(status == HttpStatusCode.OK, body);
        var data = JsonDocument.Parse(body).RootElement.GetProperty("data");
        Assert.Equal("matrix", data.GetProperty("resultType").GetString());
        var series = Assert.Single(data.GetProperty("result").EnumerateArray());
        Assert.Equal("{\"app\":\"api\"}", series.GetProperty("metric").GetRawText());
        var baseSeconds = Base / Second;
        // Windows (base-10, base] = nothing; (base, base+10] = 3 lines; (base+10, base+20] = 1 line.
        Assert.Equal($"[[{baseSeconds + 10},\"3\"],[{baseSeconds + 20},\"1\"]]", series.GetProperty("values").GetRawText());
        Assert.True(data.GetProperty("stats").GetProperty("summary").GetProperty("totalLinesProcessed").GetInt64() >= 4);
    }

    [Fact]
    public async Task QueryRange_PostForm_WithDurationStepAndRfc3339Times()
    {
        var (app, client) = await StartAsync();
        await using var _ = app;
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["query"] = "sum by (app) (count_over_time({app=~\"api|web\"}[10s]))",
            ["start"] = DateTimeOffset.FromUnixTimeMilliseconds(Base / 1_000_000).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            ["end"] = DateTimeOffset.FromUnixTimeMilliseconds((Base / 1_000_000) + 10_000).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            ["step"] = "10s",
        });
        using var response = await client.PostAsync("/loki/api/v1/query_range", form);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var result = JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("result");
        var t = Base / Second + 10;
        Assert.Equal(
            $"[{{\"metric\":{{\"app\":\"api\"}},\"values\":[[{t},\"3\"]]}},{{\"metric\":{{\"app\":\"web\"}},\"values\":[[{t},\"1\"]]}}]",
            result.GetRawText());
    }

    [Fact]
    public async Task Query_Instant_ReturnsVectorsAndScalars()
    {
        var (app, client) = await StartAsync();
        await using var _ = app;
        var at = Base + (10 * Second);
        var (status, body) = await GetAsync(client, $"/loki/api/v1/query?query={Q("sum(rate({app=~\"api|web\"}[10s]))")}&time={at}");
        Assert.True(status == HttpStatusCode.OK, body);
        var data = JsonDocument.Parse(body).RootElement.GetProperty("data");
        Assert.Equal("vector", data.GetProperty("resultType").GetString());
        Assert.Equal($"[{{\"metric\":{{}},\"value\":[{at / Second},\"0.4\"]}}]", data.GetProperty("result").GetRawText());

        (status, body) = await GetAsync(client, $"/loki/api/v1/query?query={Q("2 * 3")}&time={at}");
        Assert.True(status == HttpStatusCode.OK, body);
        data = JsonDocument.Parse(body).RootElement.GetProperty("data");
        Assert.Equal("scalar", data.GetProperty("resultType").GetString());
        Assert.Equal($"[{at / Second},\"6\"]", data.GetProperty("result").GetRawText());
    }

    [Fact]
    public async Task Errors_UseLokisStatusesAndMessages()
    {
        var (app, client) = await StartAsync("-querier.max-query-series=1");
        await using var _ = app;
        var range = $"&start={Base}&end={Base + (20 * Second)}&step=10";

        var (status, body) = await GetAsync(client, $"/loki/api/v1/query_range?query={Q("count_over_time({app=~\"api|web\"}[10s])")}{range}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("maximum of series (1) reached for a single query", body, StringComparison.Ordinal);

        (status, body) = await GetAsync(client, $"/loki/api/v1/query_range?query={Q("rate({app=\"api\"}[10s]")}{range}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("parse error", body, StringComparison.Ordinal);

        (status, body) = await GetAsync(client, $"/loki/api/v1/query_range?query={Q("count_over_time({app=\"api\"}[10s])")}&start={Base}&end={Base + (20_000 * Second)}&step=1");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("exceeded maximum resolution of 11,000 points per timeseries", body, StringComparison.Ordinal);
    }
}

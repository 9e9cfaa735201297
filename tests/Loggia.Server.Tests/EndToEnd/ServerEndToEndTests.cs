using System.Net;
using System.Text;
using System.Text.Json;
using Loggia.Server.Configuration;
using Microsoft.AspNetCore.Builder;

namespace Loggia.Server.Tests.EndToEnd;

/// <summary>The whole server in-process over real HTTP: push, query, labels, series, restart.</summary>
public sealed class ServerEndToEndTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("loggia-e2e-").FullName;
    private static readonly long Now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private async Task<(WebApplication App, HttpClient Client)> StartAsync()
    {
        var config = ConfigLoader.Load(["-server.http-listen-port=0", $"-common.path-prefix={_data}", "-log.level=warn", "-distributor.otlp-grpc-listen-port=0", "-syslog.tcp-listen-port=0", "-syslog.udp-listen-port=0"], new Dictionary<string, string>());
        var app = await LoggiaServer.BuildAsync(config);
        await app.StartAsync();
        return (app, new HttpClient { BaseAddress = new Uri(app.Urls.First()) });
    }

    private static async Task PushAsync(HttpClient client, string json)
    {
        using var response = await client.PostAsync("/loki/api/v1/push", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url} → {response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static string Range(string query, string extra = "") =>
        $"/loki/api/v1/query_range?query={Uri.EscapeDataString(query)}&start={Now - 60_000_000_000}&end={Now + 60_000_000_000}{extra}";

    private static List<(string Ts, string Line)> Values(JsonElement response) =>
        response.GetProperty("data").GetProperty("result").EnumerateArray()
            .SelectMany(s => s.GetProperty("values").EnumerateArray().Select(v => (v[0].GetString()!, v[1].GetString()!)))
            .OrderBy(v => v.Item1, StringComparer.Ordinal).ToList();

    [Fact]
    public async Task PushedLines_AreQueryableAtOnce_AndAfterARestartFromBlocks()
    {
        var (app, client) = await StartAsync();
        var lines = new StringBuilder();
        for (var i = 0; i < 50; i++)
        {
            lines.Append(i == 0 ? "" : ",").Append($"[\"{Now + i}\",\"request {i} {(i % 10 == 0 ? "needle" : "hay")} done\"]");
        }

        await PushAsync(client, $$"""{"streams":[{"stream":{"app":"api","env":"prod"},"values":[{{lines}}]},{"stream":{"app":"db"},"values":[["{{Now}}","db needle line",{"trace_id":"abc"}]]}]}""");

        var needles = await GetJsonAsync(client, Range("{app=~\"api|db\"} |= \"needle\""));
        Assert.Equal("success", needles.GetProperty("status").GetString());
        Assert.Equal("streams", needles.GetProperty("data").GetProperty("resultType").GetString());
        Assert.Equal(6, Values(needles).Count);
        var newestFirst = await GetJsonAsync(client, Range("{app=\"api\"}", "&limit=3"));
        Assert.Equal([$"{Now + 49}", $"{Now + 48}", $"{Now + 47}"],
            newestFirst.GetProperty("data").GetProperty("result")[0].GetProperty("values").EnumerateArray().Select(v => v[0].GetString()));

        var labels = await GetJsonAsync(client, "/loki/api/v1/labels");
        Assert.Equal(["app", "env"], labels.GetProperty("data").EnumerateArray().Select(e => e.GetString())); // structured metadata is not a stream label
        var apps = await GetJsonAsync(client, "/loki/api/v1/label/app/values");
        Assert.Equal(["api", "db"], apps.GetProperty("data").EnumerateArray().Select(e => e.GetString()));
        var series = await GetJsonAsync(client, "/loki/api/v1/series?match[]=" + Uri.EscapeDataString("{env=\"prod\"}"));
        Assert.Equal("api", series.GetProperty("data").EnumerateArray().Single().GetProperty("app").GetString());

        var before = Values(await GetJsonAsync(client, Range("{app=~\".+\"}", "&limit=1000")));
        client.Dispose();
        await app.DisposeAsync(); // shutdown flushes the head into blocks

        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_data, "blocks"), "*.parquet", SearchOption.AllDirectories));
        var (restarted, again) = await StartAsync();
        var metrics = await again.GetStringAsync("/metrics");
        Assert.True(metrics.Contains("loggia_head_entries 0\n", StringComparison.Ordinal), metrics); // everything was flushed at shutdown, nothing replayed
        await using (restarted)
        using (again)
        {
            var after = Values(await GetJsonAsync(again, Range("{app=~\".+\"}", "&limit=1000")));
            Assert.Equal(51, after.Count);
            Assert.Equal(before, after);
            var fromBlocks = await GetJsonAsync(again, Range("{app=\"db\"} |= \"needle\""));
            Assert.Equal("db needle line", Values(fromBlocks).Single().Line);
            Assert.Equal(["api", "db"], (await GetJsonAsync(again, "/loki/api/v1/label/app/values")).GetProperty("data").EnumerateArray().Select(e => e.GetString()));
        }
    }

    [Fact]
    public async Task BadQueries_GetLokisStatusCodesAndMessages()
    {
        var (app, client) = await StartAsync();
        await using (app)
        using (client)
        {
            using var noSelector = await client.GetAsync(Range("{}"));
            Assert.Equal(HttpStatusCode.BadRequest, noSelector.StatusCode);
            Assert.Contains("queries require at least one regexp or equality matcher", await noSelector.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            using var instantLog = await client.GetAsync("/loki/api/v1/query?query=" + Uri.EscapeDataString("{app=\"x\"}"));
            Assert.Equal(HttpStatusCode.BadRequest, instantLog.StatusCode);
            Assert.Equal("log queries are not supported as an instant query type, please change your query to a range query type\n", await instantLog.Content.ReadAsStringAsync());

            using var badLimit = await client.GetAsync(Range("{app=\"x\"}", "&limit=0"));
            Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
            Assert.Equal("limit must be a positive value\n", await badLimit.Content.ReadAsStringAsync());

            using var metrics = await client.GetAsync("/metrics");
            var text = await metrics.Content.ReadAsStringAsync();
            Assert.Contains("loggia_query_duration_seconds_count", text, StringComparison.Ordinal);
            Assert.Contains("loggia_wal_", text, StringComparison.Ordinal);
        }
    }
}

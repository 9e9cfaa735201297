using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Loggia.Server.Tests.EndToEnd;

/// <summary>index/stats, index/volume(_range), format_query and the legacy <c>/api/prom/*</c> read API over real HTTP.</summary>
public sealed class IndexAndLegacyEndToEndTests
{
    private const long Second = 1_000_000_000;
    private const string Tenant = "tenant-1";
    private static readonly long Now = RunningServer.Now;

    private static async Task<RunningServer> StartWithDataAsync()
    {
        var server = await RunningServer.StartAsync(authEnabled: true);
        await server.PushLinesAsync(
            Tenant,
            ("{\"app\":\"api\",\"env\":\"prod\"}", -40 * Second, "aaaa"),
            ("{\"app\":\"api\",\"env\":\"prod\"}", -10 * Second, "aaaa"),
            ("{\"app\":\"api\",\"env\":\"dev\"}", -10 * Second, "bb"),
            ("{\"app\":\"db\",\"env\":\"prod\"}", -10 * Second, "cccccc"));
        await server.PushLinesAsync("someone-else", ("{\"app\":\"api\",\"env\":\"prod\"}", -10 * Second, "not counted"));
        return server;
    }

    private static string Range => $"&start={Now - (60 * Second)}&end={Now}";

    private static decimal Seconds(long nanos) => nanos / 1_000_000 / 1000m;

    private static List<(Dictionary<string, string> Metric, List<(decimal Ts, string Value)> Values)> Series(JsonElement response)
    {
        var data = response.GetProperty("data");
        var matrix = data.GetProperty("resultType").GetString() == "matrix";
        return data.GetProperty("result").EnumerateArray().Select(r => (
            r.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            (matrix ? r.GetProperty("values").EnumerateArray().ToList() : [r.GetProperty("value")])
                .Select(v => (v[0].GetDecimal(), v[1].GetString()!)).ToList())).ToList();
    }

    [Fact]
    public async Task IndexStats_CountsStreamsChunksEntriesAndBytesOfTheTenant_FromAPostedForm()
    {
        await using var server = await StartWithDataAsync();
        var stats = await server.PostFormAsync(
            "/loki/api/v1/index/stats",
            [new("query", "{app=\"api\"}"), new("start", (Now - (60 * Second)).ToString(CultureInfo.InvariantCulture)), new("end", Now.ToString(CultureInfo.InvariantCulture))],
            Tenant);
        Assert.Equal("""{"streams":2,"chunks":2,"bytes":10,"entries":3}""", stats.GetRawText());

        var later = await server.GetJsonAsync($"/loki/api/v1/index/stats?query={RunningServer.Escape("{app=\"api\"}")}&start={Now - (20 * Second)}&end={Now}", Tenant);
        Assert.Equal(2, later.GetProperty("entries").GetInt64()); // the entry at -40 s is outside the range

        var (status, body) = await server.GetAsync($"/loki/api/v1/index/stats?query={RunningServer.Escape("{app=\"api\"")}", Tenant);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("parse error", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Volume_AggregatesBySelectorLabels_TargetLabels_OrLabelNames()
    {
        await using var server = await StartWithDataAsync();
        var byApp = Series(await server.GetJsonAsync($"/loki/api/v1/index/volume?query={RunningServer.Escape("{app=~\"api|db\"}")}{Range}", Tenant));
        Assert.Equal([("api", "10"), ("db", "6")], byApp.Select(s => (s.Metric["app"], s.Values.Single().Value)));
        Assert.All(byApp, s => Assert.Single(s.Metric));
        Assert.All(byApp, s => Assert.Equal(Seconds(Now), s.Values.Single().Ts));

        var byEnv = Series(await server.GetJsonAsync($"/loki/api/v1/index/volume?query={RunningServer.Escape("{app=\"api\"}")}&targetLabels=env{Range}", Tenant));
        Assert.Equal([("prod", "8"), ("dev", "2")], byEnv.Select(s => (s.Metric["env"], s.Values.Single().Value)));

        var byName = Series(await server.GetJsonAsync($"/loki/api/v1/index/volume?query={RunningServer.Escape("{app=\"api\"}")}&aggregateBy=labels{Range}", Tenant));
        Assert.Equal([("app", "10"), ("env", "10")], byName.Select(s => (s.Metric.Single(m => m.Value == "").Key, s.Values.Single().Value)));

        var everything = Series(await server.GetJsonAsync($"/loki/api/v1/index/volume?query={RunningServer.Escape("{}")}&limit=2{Range}", Tenant));
        Assert.Equal(["{app=api, env=prod}", "{app=db, env=prod}"], everything.Select(s => $"{{{string.Join(", ", s.Metric.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key}={m.Value}"))}}}"));

        var (status, body) = await server.GetAsync($"/loki/api/v1/index/volume?query={RunningServer.Escape("{app=\"api\"}")}&aggregateBy=streams{Range}", Tenant);
        Assert.Equal((HttpStatusCode.BadRequest, "invalid aggregation option\n"), (status, body));
    }

    [Fact]
    public async Task VolumeRange_ReturnsAMatrixOfStepBuckets_StampedWithTheirEnds()
    {
        await using var server = await StartWithDataAsync();
        var response = await server.GetJsonAsync($"/loki/api/v1/index/volume_range?query={RunningServer.Escape("{app=~\"api|db\"}")}&step=30s{Range}", Tenant);
        Assert.Equal("matrix", response.GetProperty("data").GetProperty("resultType").GetString());
        var series = Series(response);
        Assert.Equal("db", series[0].Metric["app"]); // Loki orders by the first value, largest first
        Assert.Equal([(Seconds(Now), "6")], series[0].Values);
        Assert.Equal("api", series[1].Metric["app"]);
        Assert.Equal([(Seconds(Now - (30 * Second)), "4"), (Seconds(Now), "6")], series[1].Values);
    }

    [Fact]
    public async Task FormatQuery_PrintsTheCanonicalQuery_OrLokisParseError()
    {
        await using var server = await RunningServer.StartAsync();
        var formatted = await server.GetJsonAsync($"/loki/api/v1/format_query?query={RunningServer.Escape("{app=\"api\"}|=\"x\"")}");
        Assert.Equal(["status", "data"], formatted.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("success", "{app=\"api\"} |= \"x\""), (formatted.GetProperty("status").GetString(), formatted.GetProperty("data").GetString()));
        var posted = await server.PostFormAsync("/loki/api/v1/format_query", [new("query", "sum(count_over_time({app=\"api\"}[5m]))")]);
        Assert.Equal("success", posted.GetProperty("status").GetString());
        Assert.StartsWith("sum(count_over_time(", posted.GetProperty("data").GetString(), StringComparison.Ordinal);

        var (status, body) = await server.GetAsync($"/loki/api/v1/format_query?query={RunningServer.Escape("{app=")}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("parse error", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LegacyApi_AnswersInLokisLegacyFormat()
    {
        await using var server = await StartWithDataAsync();
        var query = await server.GetJsonAsync($"/api/prom/query?query={RunningServer.Escape("{app=\"api\"}")}&regexp=a%2B{Range}", Tenant);
        var stream = query.GetProperty("streams").EnumerateArray().Single();
        Assert.Equal("{app=\"api\", env=\"prod\"}", stream.GetProperty("labels").GetString());
        var entries = stream.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(["aaaa", "aaaa"], entries.Select(e => e.GetProperty("line").GetString()));
        Assert.Equal(
            DateTimeOffset.FromUnixTimeMilliseconds((Now - (10 * Second)) / 1_000_000).UtcDateTime,
            DateTime.Parse(entries[0].GetProperty("ts").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal));
        Assert.True(query.GetProperty("stats").TryGetProperty("summary", out _));

        Assert.Equal("""{"values":["app","env"]}""", (await server.GetJsonAsync("/api/prom/label", Tenant)).GetRawText());
        Assert.Equal("""{"values":["api","db"]}""", (await server.GetJsonAsync("/api/prom/label/app/values", Tenant)).GetRawText());
        var series = await server.GetJsonAsync($"/api/prom/series?match[]={RunningServer.Escape("{env=\"dev\"}")}", Tenant);
        Assert.Equal("""{"status":"success","data":[{"app":"api","env":"dev"}]}""", series.GetRawText());

        var (status, body) = await server.GetAsync($"/api/prom/query?query={RunningServer.Escape("count_over_time({app=\"api\"}[1m])")}", Tenant);
        Assert.Equal((HttpStatusCode.BadRequest, "legacy endpoints only support streams result type\n"), (status, body));
    }
}

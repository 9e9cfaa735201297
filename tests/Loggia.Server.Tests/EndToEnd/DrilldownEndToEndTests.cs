using System.Net;
using System.Text.Json;

namespace Loggia.Server.Tests.EndToEnd;

/// <summary>The endpoints Grafana's Logs Drilldown calls: detected_labels, detected_fields, detected_field values, patterns.</summary>
public sealed class DrilldownEndToEndTests
{
    private const long Second = 1_000_000_000;
    private static readonly long Now = RunningServer.Now;

    private static string Range => $"&start={Now - (60 * Second)}&end={Now}";

    [Fact]
    public async Task DetectedLabels_ReportCardinality_AndLeaveOutIdOnlyLabels()
    {
        await using var server = await RunningServer.StartAsync();
        await server.PushLinesAsync(
            null,
            ("{\"app\":\"api\",\"pod\":\"1\",\"request_id\":\"17\",\"flag\":\"0\"}", -5 * Second, "a"),
            ("{\"app\":\"db\",\"pod\":\"2\",\"request_id\":\"18\",\"flag\":\"1\"}", -5 * Second, "b"),
            ("{\"app\":\"db\",\"pod\":\"3\",\"request_id\":\"19\",\"flag\":\"1\"}", -5 * Second, "c"));

        var response = await server.GetJsonAsync($"/loki/api/v1/detected_labels?query={RunningServer.Escape("{app=~\".+\"}")}{Range}");
        Assert.Equal(
            [("app", 2), ("flag", 2), ("pod", 3)],
            response.GetProperty("detectedLabels").EnumerateArray().Select(l => (l.GetProperty("label").GetString()!, l.GetProperty("cardinality").GetInt32())));
    }

    [Fact]
    public async Task DetectedFields_FromStructuredMetadata_WithTypesCardinalityAndValues()
    {
        await using var server = await RunningServer.StartAsync();
        await server.PushAsync($$"""
            {"streams":[{"stream":{"app":"api"},"values":[
              ["{{Now - (3 * Second)}}","GET /a",{"status":"200","took":"12ms","user":"ann"}],
              ["{{Now - (2 * Second)}}","GET /b",{"status":"404","took":"1.5s","user":"bob"}],
              ["{{Now - Second}}","GET /c",{"status":"200","size":"3.5","user":"ann"}]]}]}
            """);

        var response = await server.GetJsonAsync($"/loki/api/v1/detected_fields?query={RunningServer.Escape("{app=\"api\"}")}&line_limit=100{Range}");
        var fields = response.GetProperty("fields").EnumerateArray()
            .Select(f => (f.GetProperty("label").GetString(), f.GetProperty("type").GetString(), f.GetProperty("cardinality").GetInt32(), f.GetProperty("parsers").ValueKind))
            .ToList();
        Assert.Equal(
            [("size", "float", 1, JsonValueKind.Null), ("status", "int", 2, JsonValueKind.Null), ("took", "duration", 2, JsonValueKind.Null), ("user", "string", 2, JsonValueKind.Null)],
            fields);
        Assert.Equal(1000, response.GetProperty("limit").GetInt32());

        var limited = await server.GetJsonAsync($"/loki/api/v1/detected_fields?query={RunningServer.Escape("{app=\"api\"}")}&line_limit=1{Range}");
        Assert.Equal(["size", "status", "user"], limited.GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("label").GetString())); // only the newest line

        var values = await server.GetJsonAsync($"/loki/api/v1/detected_field/user/values?query={RunningServer.Escape("{app=\"api\"}")}{Range}");
        Assert.Equal(["ann", "bob"], values.GetProperty("values").EnumerateArray().Select(v => v.GetString()));

        var (status, body) = await server.GetAsync($"/loki/api/v1/detected_fields?query={RunningServer.Escape("{app=\"api\"}")}&line_limit=6000{Range}");
        Assert.Equal((HttpStatusCode.BadRequest, "max entries limit per query exceeded, limit > max_entries_limit_per_query (6000 > 5000)\n"), (status, body));
    }

    [Fact]
    public async Task DetectedFields_FromJsonAndLogfmtLines_WithParsersAndInferredTypes()
    {
        await using var server = await RunningServer.StartAsync();
        await server.PushLinesAsync(
            null,
            ("{\"app\":\"web\"}", -4 * Second, """{"status":200,"latency":"1.5s","cached":true,"user":{"id":"u1"}}"""),
            ("{\"app\":\"web\"}", -3 * Second, """{"status":503,"latency":"250ms","cached":false,"user":{"id":"u2"}}"""),
            ("{\"app\":\"worker\"}", -2 * Second, "level=warn ratio=0.25 size=10KB job=resize"),
            ("{\"app\":\"worker\"}", -1 * Second, "level=info ratio=0.5 size=2MB job=resize"));

        var response = await server.GetJsonAsync($"/loki/api/v1/detected_fields?query={RunningServer.Escape("{app=~\"web|worker\"}")}{Range}");
        var fields = response.GetProperty("fields").EnumerateArray()
            .Select(f => (
                f.GetProperty("label").GetString(),
                f.GetProperty("type").GetString(),
                f.GetProperty("cardinality").GetInt32(),
                string.Join(",", f.GetProperty("parsers").EnumerateArray().Select(p => p.GetString()))))
            .ToList();
        Assert.Equal(
            [
                ("cached", "boolean", 2, "json"),
                ("job", "string", 1, "logfmt"),
                ("latency", "duration", 2, "json"),
                ("level", "string", 2, "logfmt"),
                ("ratio", "float", 2, "logfmt"),
                ("size", "bytes", 2, "logfmt"),
                ("status", "int", 2, "json"),
                ("user_id", "string", 2, "json"),
            ],
            fields);

        var values = await server.GetJsonAsync($"/loki/api/v1/detected_field/user_id/values?query={RunningServer.Escape("{app=\"web\"}")}{Range}");
        Assert.Equal(["u1", "u2"], values.GetProperty("values").EnumerateArray().Select(v => v.GetString()));

        // Only the web stream: no logfmt fields.
        var web = await server.GetJsonAsync($"/loki/api/v1/detected_fields?query={RunningServer.Escape("{app=\"web\"}")}{Range}");
        Assert.Equal(["cached", "latency", "status", "user_id"], web.GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("label").GetString()));
    }

    [Fact]
    public async Task Patterns_MinesTheRangesLines_WithSamplesPerStep()
    {
        await using var server = await RunningServer.StartAsync(authEnabled: true);
        var lines = new List<(string, long, string)>();
        for (var i = 0; i < 6; i++)
        {
            lines.Add(("{\"app\":\"api\"}", (-50 + (i * 5)) * Second, $"level=info msg=\"request done\" duration={10 + i}ms user=u{i}"));
        }

        lines.Add(("{\"app\":\"api\"}", -5 * Second, "panic: out of memory"));
        lines.Add(("{\"app\":\"db\"}", -5 * Second, "level=info msg=\"request done\" duration=1ms user=other"));
        await server.PushLinesAsync("t1", [.. lines]);

        var response = await server.GetJsonAsync($"/loki/api/v1/patterns?query={RunningServer.Escape("{app=\"api\"}")}&step=30s{Range}", "t1");
        Assert.Equal("success", response.GetProperty("status").GetString());
        var data = response.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["level=info msg=\"request done\" duration=<_> user=<_>", "panic: out of memory"], data.Select(d => d.GetProperty("pattern").GetString()));
        var samples = data[0].GetProperty("samples").EnumerateArray().Select(s => (s[0].GetInt64(), s[1].GetInt64())).ToList();
        Assert.Equal(6, samples.Sum(s => s.Item2));
        Assert.All(samples, s => Assert.Equal(0, s.Item1 % 30));
        Assert.True(samples.Count is 1 or 2, string.Join(",", samples)); // lines 25 s apart fall in one or two 30 s buckets

        var filtered = await server.GetJsonAsync($"/loki/api/v1/patterns?query={RunningServer.Escape("{app=\"api\"} |= \"panic\"")}{Range}", "t1");
        Assert.Equal("panic: out of memory", filtered.GetProperty("data").EnumerateArray().Single().GetProperty("pattern").GetString());

        var (status, _) = await server.GetAsync($"/loki/api/v1/patterns?query={RunningServer.Escape("{app=")}{Range}", "t1");
        Assert.Equal(HttpStatusCode.BadRequest, status);
    }
}

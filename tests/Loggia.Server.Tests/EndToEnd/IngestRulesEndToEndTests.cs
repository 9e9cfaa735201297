using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Loggia.Server.Tests.EndToEnd;

/// <summary>Ingest rules from the config file and from <c>/api/v1/patterns</c>, applied to what clients push and queried back.</summary>
public sealed class IngestRulesEndToEndTests
{
    private const long Hour = 3_600_000_000_000L;

    private const string ConfigRules = """
        ingest_rules:
          - name: apache
            selector: '{job="apache"}'
            regex: '^(?P<ip>\S+) \S+ \S+ \[(?P<ts>[^\]]+)\] "(?P<method>[A-Z]+) (?P<path>\S+)[^"]*" (?P<status>\d{3})'
            labels: [method]
            structured_metadata: [ip, status]
            timestamp:
              source: ts
              format: 02/Jan/2006:15:04:05 -0700
          - name: syslog-logfmt
            sources: [syslog]
            pipeline: '| logfmt'
            labels: [level]
        """;

    [Fact]
    public async Task ConfigRules_ParseLokiPushesAndSyslog_AndLeaveOtherLinesAlone()
    {
        await using var server = await RunningServer.StartAsync(yaml: ConfigRules);
        var when = DateTimeOffset.UtcNow.AddMinutes(-5);
        var apacheTime = when.ToString("dd/MMM/yyyy:HH:mm:ss +0000", CultureInfo.InvariantCulture);
        await server.PushLinesAsync(null,
            ("{\"job\":\"apache\"}", 0, $"10.0.0.1 - - [{apacheTime}] \"GET /index.html HTTP/1.1\" 200 512"),
            ("{\"job\":\"apache\"}", 1, $"10.0.0.2 - - [{apacheTime}] \"POST /login HTTP/1.1\" 401 12"),
            ("{\"job\":\"apache\"}", 2, "apache restarted"),
            ("{\"job\":\"other\"}", 3, "level=error msg=\"not syslog, so not parsed\""));

        var get = await QueryAsync(server, "{job=\"apache\", method=\"GET\"}");
        var (labels, nanos, line) = Assert.Single(get);
        Assert.Equal("10.0.0.1", labels["ip"]);
        Assert.Equal("200", labels["status"]);
        Assert.Equal(when.ToUnixTimeSeconds() * 1_000_000_000, nanos);
        Assert.StartsWith("10.0.0.1 - - [", line, StringComparison.Ordinal);
        Assert.Single(await QueryAsync(server, "{job=\"apache\", method=\"POST\"} | status=\"401\""));
        var plain = Assert.Single(await QueryAsync(server, "{job=\"apache\", method=\"\"}"));
        Assert.Equal("apache restarted", plain.Line);
        Assert.False(Assert.Single(await QueryAsync(server, "{job=\"other\"}")).Labels.ContainsKey("level"), "the syslog-only rule must not parse Loki pushes");

        await SyslogEndToEndTests.SendTcpAsync(server.SyslogTcp, Encoding.UTF8.GetBytes(
            $"<13>1 {DateTime.UtcNow:yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'} host1 billing - - - level=warn msg=\"card expiring\"\n"));
        var syslog = await WaitForAsync(server, "{service_name=\"billing\", level=\"warn\"}");
        Assert.Equal("level=warn msg=\"card expiring\"", syslog.Line);

        var labelsJson = await server.GetJsonAsync($"/loki/api/v1/label/method/values?start={RunningServer.Now - Hour}&end={RunningServer.Now + Hour}");
        Assert.Equal(["GET", "POST"], labelsJson.GetProperty("data").EnumerateArray().Select(v => v.GetString()!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task PatternsApi_AddsListsReplacesAndDeletes_PerTenant_AndSurvivesARestart()
    {
        var data = Directory.CreateTempSubdirectory("loggia-e2e-patterns-").FullName;
        try
        {
            var yaml = "ingest_rules:\n  - name: fixed\n    selector: '{job=\"fixed\"}'\n    pipeline: '| json'\n    labels: [level]\n";
            await using (var server = await RunningServer.StartAsync(authEnabled: true, yaml: yaml, dataDirectory: data))
            {
                var pattern = """{"name":"checkout","selector":"{app=\"shop\"}","regex":"order=(?P<order>\\d+) user=(?P<user>\\w+)","labels":["user"],"structured_metadata":["order"]}""";
                var (status, body) = await SendAsync(server, HttpMethod.Post, "/api/v1/patterns", "acme", pattern);
                Assert.Equal(HttpStatusCode.Created, status);
                Assert.Contains("\"pipeline\":\"| regexp `order=(?P<order>\\\\d+) user=(?P<user>\\\\w+)`\"", body, StringComparison.Ordinal);

                var list = JsonDocument.Parse((await SendAsync(server, HttpMethod.Get, "/api/v1/patterns", "acme")).Body).RootElement;
                Assert.Equal(["fixed:config", "checkout:api"], list.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("name").GetString() + ":" + r.GetProperty("origin").GetString()));
                var other = JsonDocument.Parse((await SendAsync(server, HttpMethod.Get, "/api/v1/patterns", "globex")).Body).RootElement;
                Assert.Equal(["fixed"], other.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("name").GetString()));

                await server.PushLinesAsync("acme", ("{\"app\":\"shop\"}", 0, "order=17 user=ann paid"));
                await server.PushLinesAsync("globex", ("{\"app\":\"shop\"}", 0, "order=18 user=bob paid"));
                var ann = Assert.Single(await QueryAsync(server, "{app=\"shop\", user=\"ann\"}", "acme"));
                Assert.Equal("17", ann.Labels["order"]);
                Assert.False(Assert.Single(await QueryAsync(server, "{app=\"shop\"}", "globex")).Labels.ContainsKey("user"), "patterns are per tenant");

                (status, _) = await SendAsync(server, HttpMethod.Post, "/api/v1/patterns", "acme", pattern.Replace("\"labels\":[\"user\"]", "\"labels\":[\"user\",\"order\"]", StringComparison.Ordinal));
                Assert.Equal(HttpStatusCode.OK, status);

                (status, body) = await SendAsync(server, HttpMethod.Post, "/api/v1/patterns", "acme", """{"name":"bad","regex":"(?P<x","labels":["x"]}""");
                Assert.Equal(HttpStatusCode.BadRequest, status);
                Assert.Contains("rule 'bad':", body, StringComparison.Ordinal);
                (status, body) = await SendAsync(server, HttpMethod.Post, "/api/v1/patterns", "acme", "{\"name\":\"x\",");
                Assert.Equal(HttpStatusCode.BadRequest, status);
                Assert.StartsWith("invalid JSON", body, StringComparison.Ordinal);
                (status, body) = await SendAsync(server, HttpMethod.Post, "/api/v1/patterns", "acme", """{"name":"fixed","pipeline":"| logfmt","labels":["x"]}""");
                Assert.Equal(HttpStatusCode.Conflict, status);
                Assert.Contains("defined in the config file", body, StringComparison.Ordinal);
                (status, _) = await SendAsync(server, HttpMethod.Post, "/api/v1/patterns", "acme", pattern, "text/plain");
                Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
                (status, _) = await SendAsync(server, HttpMethod.Post, "/api/v1/patterns", tenant: null, pattern);
                Assert.Equal(HttpStatusCode.Unauthorized, status);
                (status, _) = await SendAsync(server, HttpMethod.Delete, "/api/v1/patterns/nope", "acme");
                Assert.Equal(HttpStatusCode.NotFound, status);
            }

            await using (var restarted = await RunningServer.StartAsync(authEnabled: true, yaml: yaml, dataDirectory: data))
            {
                var (status, body) = await SendAsync(restarted, HttpMethod.Get, "/api/v1/patterns/checkout", "acme");
                Assert.Equal(HttpStatusCode.OK, status);
                Assert.Contains("\"labels\":[\"user\",\"order\"]", body, StringComparison.Ordinal);
                await restarted.PushLinesAsync("acme", ("{\"app\":\"shop\"}", 10, "order=19 user=cid paid"));
                Assert.Single(await QueryAsync(restarted, "{app=\"shop\", user=\"cid\", order=\"19\"}", "acme"));

                (status, _) = await SendAsync(restarted, HttpMethod.Delete, "/api/v1/patterns/checkout", "acme");
                Assert.Equal(HttpStatusCode.NoContent, status);
                await restarted.PushLinesAsync("acme", ("{\"app\":\"shop\"}", 20, "order=20 user=dan paid"));
                var after = await QueryAsync(restarted, "{app=\"shop\"} |= \"order=20\"", "acme");
                Assert.False(Assert.Single(after).Labels.ContainsKey("user"), "a deleted pattern no longer applies");
                (status, _) = await SendAsync(restarted, HttpMethod.Get, "/api/v1/patterns/checkout", "acme");
                Assert.Equal(HttpStatusCode.NotFound, status);
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(RunningServer server, HttpMethod method, string path, string? tenant, string? json = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, contentType);
        }

        if (tenant is not null)
        {
            request.Headers.Add("X-Scope-OrgID", tenant);
        }

        using var response = await server.Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<List<(Dictionary<string, string> Labels, long Nanos, string Line)>> QueryAsync(RunningServer server, string query, string? tenant = null)
    {
        var json = await server.GetJsonAsync($"/loki/api/v1/query_range?query={RunningServer.Escape(query)}&start={RunningServer.Now - Hour}&end={RunningServer.Now + Hour}&limit=100&direction=forward", tenant);
        var entries = new List<(Dictionary<string, string>, long, string)>();
        foreach (var stream in json.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var labels = stream.GetProperty("stream").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            foreach (var value in stream.GetProperty("values").EnumerateArray())
            {
                entries.Add((labels, long.Parse(value[0].GetString()!, CultureInfo.InvariantCulture), value[1].GetString()!));
            }
        }

        return entries;
    }

    private static async Task<(Dictionary<string, string> Labels, long Nanos, string Line)> WaitForAsync(RunningServer server, string query)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            var entries = await QueryAsync(server, query);
            if (entries.Count > 0)
            {
                return Assert.Single(entries);
            }

            await Task.Delay(100);
        }

        Assert.Fail($"{query}: nothing arrived");
        return default;
    }
}

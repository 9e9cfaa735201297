using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Loggia.Server.Tests.EndToEnd;

/// <summary>
/// Elasticsearch bulk ingestion as log shippers' Elasticsearch outputs send it (requests shaped like Fluent Bit's and
/// Filebeat's: their binaries are not installable here), answered per item so shippers retry exactly what failed.
/// </summary>
public sealed class ElasticsearchEndToEndTests
{
    private const long Hour = 3_600_000_000_000L;

    private static string Iso(long offsetNanos) =>
        DateTimeOffset.FromUnixTimeMilliseconds((RunningServer.Now + offsetNanos) / 1_000_000).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");

    [Fact]
    public async Task FluentBitStyleBulk_IsStoredWithIndexLabelAndFlattenedMetadata()
    {
        await using var server = await RunningServer.StartAsync();
        var body = $$$"""
            {"create":{"_index":"fluent-bit"}}
            {"@timestamp":"{{{Iso(-Hour)}}}","log":"GET /index.html 200","kubernetes":{"namespace_name":"prod","pod_name":"web-1","labels":{"app":"web"}},"stream":"stdout"}
            {"create":{"_index":"fluent-bit","_id":"given-id"}}
            {"@timestamp":"{{{Iso(-Hour + 1_000_000_000)}}}","log":"GET /missing 404","kubernetes":{"namespace_name":"prod","pod_name":"web-1"},"stream":"stderr"}

            """;

        var (status, json) = await PostAsync(server, "/_bulk", Encoding.UTF8.GetBytes(body));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(json.GetProperty("errors").GetBoolean());
        var items = json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("create")).ToArray();
        Assert.Equal([201, 201], items.Select(i => i.GetProperty("status").GetInt32()));
        Assert.Equal("given-id", items[1].GetProperty("_id").GetString());
        Assert.Equal("fluent-bit", items[0].GetProperty("_index").GetString());

        var result = await server.GetJsonAsync($"/loki/api/v1/query_range?query={RunningServer.Escape("{index=\"fluent-bit\"} | stream=\"stderr\"")}&start={RunningServer.Now - (2 * Hour)}&end={RunningServer.Now}");
        var stream = Assert.Single(result.GetProperty("data").GetProperty("result").EnumerateArray());
        Assert.Equal("GET /missing 404", stream.GetProperty("values")[0][1].GetString());
        Assert.Equal("prod", stream.GetProperty("stream").GetProperty("kubernetes_namespace_name").GetString());
        Assert.Equal(((RunningServer.Now - Hour + 1_000_000_000) / 1_000_000 * 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture), stream.GetProperty("values")[0][0].GetString());
    }

    [Fact]
    public async Task FilebeatStyle_ProbesTheClusterThenSendsGzipBulkToAnIndexPath()
    {
        await using var server = await RunningServer.StartAsync();
        using var info = await server.Client.GetAsync("/");
        Assert.Equal("Elasticsearch", info.Headers.GetValues("X-Elastic-Product").Single());
        var cluster = JsonDocument.Parse(await info.Content.ReadAsStringAsync()).RootElement;
        Assert.StartsWith("8.", cluster.GetProperty("version").GetProperty("number").GetString(), StringComparison.Ordinal);
        using var license = await server.Client.GetAsync("/_license");
        Assert.Equal(HttpStatusCode.OK, license.StatusCode);

        var ndjson = $$$"""
            {"index":{}}
            {"@timestamp":"{{{Iso(-Hour)}}}","message":"Accepted password for alice","host":{"name":"bastion"},"log":{"file":{"path":"/var/log/auth.log"}},"ecs":{"version":"8.0.0"}}

            """;
        using var gzipped = new MemoryStream();
        using (var gzip = new GZipStream(gzipped, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(ndjson));
        }
        var (status, json) = await PostAsync(server, "/filebeat-8.15.0/_bulk", gzipped.ToArray(), "gzip");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(json.GetProperty("errors").GetBoolean());
        var result = await server.GetJsonAsync($"/loki/api/v1/query_range?query={RunningServer.Escape("{host_name=\"bastion\"}")}&start={RunningServer.Now - (2 * Hour)}&end={RunningServer.Now}");
        var stream = Assert.Single(result.GetProperty("data").GetProperty("result").EnumerateArray());
        Assert.Equal("filebeat-8.15.0", stream.GetProperty("stream").GetProperty("index").GetString());
        Assert.Equal("/var/log/auth.log", stream.GetProperty("stream").GetProperty("log_file_path").GetString());
        Assert.Equal("Accepted password for alice", stream.GetProperty("values")[0][1].GetString());
    }

    [Fact]
    public async Task RefusedItems_Get400WithAReason_AndTheOthersAreKept()
    {
        await using var server = await RunningServer.StartAsync();
        var body = $$$"""
            {"index":{"_index":"app"}}
            {"@timestamp":"{{{Iso(-Hour)}}}","message":"kept one"}
            {"delete":{"_index":"app","_id":"1"}}
            {"index":{"_index":"app"}}
            {"@timestamp": not json
            {"index":{"_index":"app"}}
            {"@timestamp":"2001-01-01T00:00:00Z","message":"far too old"}
            {"update":{"_index":"app","_id":"2"}}
            {"doc":{"message":"x"}}
            {"index":{"_index":"app"}}
            {"@timestamp":{{{(RunningServer.Now - Hour) / 1_000_000 + 5}}},"message":"kept two","level":"warn"}
            {"index":{"_index":"app"}}
            {"@timestamp":"not a date","message":"bad date"}

            """;

        var (status, json) = await PostAsync(server, "/_bulk", Encoding.UTF8.GetBytes(body));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(json.GetProperty("errors").GetBoolean());
        var items = json.GetProperty("items").EnumerateArray().Select(i => i.EnumerateObject().Single()).ToArray();
        Assert.Equal(["index", "delete", "index", "index", "update", "index", "index"], items.Select(i => i.Name));
        Assert.Equal([201, 400, 400, 400, 400, 201, 400], items.Select(i => i.Value.GetProperty("status").GetInt32()));
        Assert.Equal("document_parsing_exception", items[2].Value.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains("too old", items[3].Value.GetProperty("error").GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("[@timestamp]", items[6].Value.GetProperty("error").GetProperty("reason").GetString(), StringComparison.Ordinal);

        var result = await server.GetJsonAsync($"/loki/api/v1/query_range?query={RunningServer.Escape("{index=\"app\"}")}&start={RunningServer.Now - (2 * Hour)}&end={RunningServer.Now}&direction=forward");
        var lines = result.GetProperty("data").GetProperty("result").EnumerateArray().SelectMany(s => s.GetProperty("values").EnumerateArray().Select(v => v[1].GetString()!)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["kept one", "kept two"], lines);
    }

    [Theory]
    [InlineData("\"just a string\"\n")]
    [InlineData("{\"index\":{}}\n{\"message\":\"no index anywhere\"}\n")]
    [InlineData("{\"upsert\":{\"_index\":\"x\"}}\n{}\n")]
    [InlineData("{\"index\":{\"_index\":\"x\"}}\n")]
    public async Task MalformedBodies_Get400ForTheWholeRequest_AndNothingIsStored(string body)
    {
        await using var server = await RunningServer.StartAsync();

        var (status, json) = await PostAsync(server, "/_bulk", Encoding.UTF8.GetBytes(body));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(400, json.GetProperty("status").GetInt32());
        Assert.Equal("illegal_argument_exception", json.GetProperty("error").GetProperty("type").GetString());
        var labels = await server.GetJsonAsync("/loki/api/v1/labels");
        Assert.False(labels.TryGetProperty("data", out var data) && data.GetArrayLength() > 0);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Json)> PostAsync(RunningServer server, string path, byte[] body, string? encoding = null)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-ndjson");
        if (encoding is not null)
        {
            content.Headers.ContentEncoding.Add(encoding);
        }
        using var response = await server.Client.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }
}

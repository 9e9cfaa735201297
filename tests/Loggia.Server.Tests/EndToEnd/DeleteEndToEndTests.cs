using System.Net;
using System.Text.Json;
using Loggia.Server.Storage;
using Loggia.Storage.Blocks;
using Loggia.Storage.Head;
using Loggia.Storage.Retention;
using Microsoft.Extensions.DependencyInjection;

namespace Loggia.Server.Tests.EndToEnd;

/// <summary>
/// Loki's delete API end to end: requests hide their lines from queries at once, can be cancelled within the
/// cancellation period, and are then removed from the blocks on disk by the compactor; bad requests get Loki's errors.
/// </summary>
public sealed class DeleteEndToEndTests
{
    private const long Hour = 3_600_000_000_000L;
    private static readonly long NowSeconds = RunningServer.Now / 1_000_000_000;

    [Fact]
    public async Task DeleteRequest_HidesMatchingLinesAtOnce_AndCancellingBringsThemBack()
    {
        await using var server = await RunningServer.StartAsync();
        await PushSampleAsync(server);

        var (status, body) = await SendAsync(server, HttpMethod.Post, DeleteUrl("{app=\"api\"} |= \"password\"", NowSeconds - 7200, NowSeconds));
        Assert.True(status == HttpStatusCode.NoContent, body);

        Assert.Equal(["password=x in web is kept", "user=bob ok"], await LinesAsync(server));
        // Every read goes through the same filter: a metric query counts only what is left.
        var count = await server.GetJsonAsync($"/loki/api/v1/query?query={RunningServer.Escape("sum(count_over_time({app=\"api\"}[3h]))")}&time={RunningServer.Now}");
        Assert.Equal("1", count.GetProperty("data").GetProperty("result")[0].GetProperty("value")[1].GetString());

        var list = await server.GetJsonAsync("/loki/api/v1/delete");
        var request = Assert.Single(list.EnumerateArray());
        Assert.Equal("{app=\"api\"} |= \"password\"", request.GetProperty("query").GetString());
        Assert.Equal("received", request.GetProperty("status").GetString());
        Assert.Equal(NowSeconds - 7200, request.GetProperty("start_time").GetDouble());
        Assert.Equal(NowSeconds, request.GetProperty("end_time").GetDouble());
        Assert.Equal(JsonValueKind.Number, request.GetProperty("created_at").ValueKind);
        var id = request.GetProperty("request_id").GetString()!;

        (status, body) = await SendAsync(server, HttpMethod.Delete, $"/loki/api/v1/delete?request_id={id}");
        Assert.True(status == HttpStatusCode.NoContent, body);
        Assert.Equal(["password=x in web is kept", "user=alice password=hunter2", "user=bob ok"], await LinesAsync(server));
        Assert.Empty((await server.GetJsonAsync("/loki/api/v1/delete")).EnumerateArray());

        (status, body) = await SendAsync(server, HttpMethod.Delete, $"/loki/api/v1/delete?request_id={id}");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("could not find delete request with given id\n", body);
    }

    [Fact]
    public async Task DeleteRequest_AfterTheCancelPeriod_IsRemovedFromTheBlocks_AndLateLinesToo()
    {
        await using var server = await RunningServer.StartAsync(yaml: """
            compactor:
              retention_enabled: true
              compaction_interval: 1s
              retention_delete_delay: 0s
              delete_request_cancel_period: 0s
            """);
        await PushSampleAsync(server);
        var storage = server.App.Services.GetRequiredService<StorageEngine>();
        await storage.FlushAsync(HeadFlushMode.All, CancellationToken.None);

        var (status, body) = await SendAsync(server, HttpMethod.Post, DeleteUrl("{app=\"api\"} |= \"password\"", NowSeconds - 7200, NowSeconds));
        Assert.True(status == HttpStatusCode.NoContent, body);
        await WaitForAsync(async () => (await server.GetJsonAsync("/loki/api/v1/delete"))[0].GetProperty("status").GetString() == "processed");

        Assert.Equal(["password=x in web is kept", "user=bob ok"], await StoredLinesAsync(storage));
        var record = Assert.Single(new RetentionAuditLog(server.DataDirectory).ReadAll());
        Assert.Equal(RetentionAction.Rewritten, record.Action);
        Assert.Equal(1, record.RowsDeleted);
        Assert.Equal("{app=\"api\"}", Assert.Single(record.Streams).Labels);

        // A processed request cannot be cancelled.
        var id = (await server.GetJsonAsync("/loki/api/v1/delete"))[0].GetProperty("request_id").GetString();
        (status, body) = await SendAsync(server, HttpMethod.Delete, $"/loki/api/v1/delete?request_id={id}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("deletion of request which is in process or already processed is not allowed\n", body);

        // A late line in the deleted range: hidden at once, and removed from the block it is flushed into.
        await server.PushLinesAsync(null, ("{\"app\":\"api\"}", -(Hour / 2), "late password=again"));
        Assert.Equal(["password=x in web is kept", "user=bob ok"], await LinesAsync(server));
        await storage.FlushAsync(HeadFlushMode.All, CancellationToken.None);
        await WaitForAsync(() => Task.FromResult(new RetentionAuditLog(server.DataDirectory).ReadAll().Count == 2));
        Assert.Equal(["password=x in web is kept", "user=bob ok"], await StoredLinesAsync(storage));
    }

    [Theory]
    [InlineData("", "start=1700000000", HttpStatusCode.BadRequest, "query not set")]
    [InlineData("{app=\"api\"", "start=1700000000", HttpStatusCode.BadRequest, "invalid query expression: parse error")]
    [InlineData("{app=~\".*\"}", "start=1700000000", HttpStatusCode.BadRequest, "invalid query expression: parse error : queries require at least one regexp or equality matcher")]
    [InlineData("{app=\"api\"}", "", HttpStatusCode.BadRequest, "start time not set")]
    [InlineData("{app=\"api\"}", "start=yesterday", HttpStatusCode.BadRequest, "invalid start time: require unix seconds or RFC3339 format")]
    [InlineData("{app=\"api\"}", "start=1700000000&end=17000000001", HttpStatusCode.BadRequest, "invalid end time: require unix seconds or RFC3339 format")]
    [InlineData("{app=\"api\"}", "start=1700000000&end=2999999999", HttpStatusCode.BadRequest, "deletes in the future are not allowed")]
    [InlineData("{app=\"api\"}", "start=1700000100&end=1700000000", HttpStatusCode.BadRequest, "start time can't be greater than end time")]
    [InlineData("{app=\"api\"} |= \"x\"", "start=1700000000&end=1700000000", HttpStatusCode.BadRequest, "difference between start time and end time must be at least one second")]
    [InlineData("{app=\"api\"} |= \"x\"", "start=1700000000&end=1700003600&max_interval=5", HttpStatusCode.BadRequest, "invalid max_interval: valid time units are 's', 'm', 'h'")]
    [InlineData("{app=\"api\"} |= \"x\"", "start=1700000000&end=1700003600&max_interval=2h", HttpStatusCode.BadRequest, "max_interval can't be greater than the interval to be deleted (1h0m0s)")]
    [InlineData("{app=\"api\"} |= \"x\"", "start=1600000000&end=1700000000&max_interval=48h", HttpStatusCode.BadRequest, "max_interval can't be greater than 24h0m0s")]
    public async Task BadDeleteRequests_GetLokisErrors_AndStoreNothing(string query, string times, HttpStatusCode expected, string message)
    {
        await using var server = await RunningServer.StartAsync();
        var url = $"/loki/api/v1/delete?query={RunningServer.Escape(query)}&{times}";

        var (status, body) = await SendAsync(server, HttpMethod.Post, url);

        Assert.Equal(expected, status);
        Assert.StartsWith(message, body, StringComparison.Ordinal);
        Assert.Empty((await server.GetJsonAsync("/loki/api/v1/delete")).EnumerateArray());
    }

    [Fact]
    public async Task RfcTimes_AreAccepted_AndDisabledDeletionIsForbidden()
    {
        await using (var server = await RunningServer.StartAsync())
        {
            var (status, body) = await SendAsync(server, HttpMethod.Post, DeleteUrl("{app=\"api\"}", "2023-11-14T22:13:20Z", "2023-11-14T23:13:20.5Z"));
            Assert.True(status == HttpStatusCode.NoContent, body);
            var request = (await server.GetJsonAsync("/loki/api/v1/delete"))[0];
            Assert.Equal(1700000000, request.GetProperty("start_time").GetDouble());
            Assert.Equal(1700003600.5, request.GetProperty("end_time").GetDouble());
        }

        await using var disabled = await RunningServer.StartAsync(yaml: "limits_config:\n  deletion_mode: disabled\n");
        var (forbidden, message) = await SendAsync(disabled, HttpMethod.Post, DeleteUrl("{app=\"api\"}", "1700000000", "1700003600"));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden);
        Assert.Equal("deletion is not available for this tenant\n", message);
    }

    [Fact]
    public async Task DeleteRequests_BelongToTheirTenant()
    {
        await using var server = await RunningServer.StartAsync(authEnabled: true);
        await server.PushLinesAsync("a", ("{\"app\":\"api\"}", -Hour, "secret of a"));
        await server.PushLinesAsync("b", ("{\"app\":\"api\"}", -Hour, "secret of b"));

        var (status, body) = await SendAsync(server, HttpMethod.Post, DeleteUrl("{app=\"api\"}", NowSeconds - 7200, NowSeconds), "a");
        Assert.True(status == HttpStatusCode.NoContent, body);

        Assert.Empty(await LinesAsync(server, "a"));
        Assert.Equal(["secret of b"], await LinesAsync(server, "b"));
        Assert.Empty((await server.GetJsonAsync("/loki/api/v1/delete", "b")).EnumerateArray());
        var id = (await server.GetJsonAsync("/loki/api/v1/delete", "a"))[0].GetProperty("request_id").GetString();
        (status, _) = await SendAsync(server, HttpMethod.Delete, $"/loki/api/v1/delete?request_id={id}", "b");
        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    private static Task PushSampleAsync(RunningServer server) =>
        server.PushLinesAsync(null,
            ("{\"app\":\"api\"}", -Hour, "user=alice password=hunter2"),
            ("{\"app\":\"api\"}", -Hour + 1_000_000_000, "user=bob ok"),
            ("{\"app\":\"web\"}", -Hour, "password=x in web is kept"));

    private static string DeleteUrl(string query, object start, object end) =>
        $"/loki/api/v1/delete?query={RunningServer.Escape(query)}&start={RunningServer.Escape(start.ToString()!)}&end={RunningServer.Escape(end.ToString()!)}";

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(RunningServer server, HttpMethod method, string url, string? tenant = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (tenant is not null)
        {
            request.Headers.Add("X-Scope-OrgID", tenant);
        }
        using var response = await server.Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<string[]> LinesAsync(RunningServer server, string? tenant = null)
    {
        var url = $"/loki/api/v1/query_range?query={RunningServer.Escape("{app=~\".+\"}")}&start={RunningServer.Now - (3 * Hour)}&end={RunningServer.Now}&limit=100";
        var json = await server.GetJsonAsync(url, tenant);
        return [.. json.GetProperty("data").GetProperty("result").EnumerateArray()
            .SelectMany(s => s.GetProperty("values").EnumerateArray().Select(v => v[1].GetString()!))
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>Every line in the published blocks, read from the files themselves (not through the query filter).</summary>
    private static async Task<string[]> StoredLinesAsync(StorageEngine storage)
    {
        var lines = new List<string>();
        foreach (var block in await storage.Catalog.AllAsync(CancellationToken.None))
        {
            var path = Path.Combine(storage.DataDirectory, block.Path);
            foreach (var stream in BlockStreamReader.Read(path, BlockReader.ReadIndex(path), _ => long.MinValue))
            {
                lines.AddRange(stream.Entries.Select(e => System.Text.Encoding.UTF8.GetString(e.Line.Span)));
            }
        }
        return [.. lines.Order(StringComparer.Ordinal)];
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the compactor");
            await Task.Delay(100);
        }
    }
}

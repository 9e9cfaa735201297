using System.Net;
using System.Net.WebSockets;
using System.Text.Json;

namespace Loggia.Server.Tests.EndToEnd;

/// <summary><c>/loki/api/v1/tail</c> and <c>/api/prom/tail</c> over a real WebSocket, as logcli and Grafana's live tail use them.</summary>
public sealed class TailEndToEndTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static async Task<ClientWebSocket> ConnectAsync(RunningServer server, string path, string? tenant)
    {
        var socket = new ClientWebSocket();
        if (tenant is not null)
        {
            socket.Options.SetRequestHeader("X-Scope-OrgID", tenant);
        }

        var uri = new UriBuilder(server.BaseAddress) { Scheme = "ws", Path = path.Split('?')[0], Query = path.Contains('?', StringComparison.Ordinal) ? path.Split('?', 2)[1] : "" }.Uri;
        using var timeout = new CancellationTokenSource(Patience);
        await socket.ConnectAsync(uri, timeout.Token);
        return socket;
    }

    private static async Task<JsonElement> ReceiveFrameAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, timeout.Token);
            Assert.NotEqual(WebSocketMessageType.Close, result.MessageType);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);
        return JsonDocument.Parse(message.ToArray()).RootElement.Clone();
    }

    private static IEnumerable<(string App, string Ts, string Line)> Entries(JsonElement frame) =>
        frame.TryGetProperty("streams", out var streams)
            ? streams.EnumerateArray().SelectMany(s => s.GetProperty("values").EnumerateArray()
                .Select(v => (s.GetProperty("stream").GetProperty("app").GetString()!, v[0].GetString()!, v[1].GetString()!)))
            : [];

    [Fact]
    public async Task Tail_SendsHistoryThenLiveEntriesOfItsTenantThatPassTheFilter()
    {
        await using var server = await RunningServer.StartAsync(authEnabled: true);
        await server.PushLinesAsync("team-a", ("{\"app\":\"api\"}", -5_000_000_000, "old needle"), ("{\"app\":\"api\"}", -4_000_000_000, "old hay"));

        var query = RunningServer.Escape("{app=~\"api|db\"} |= \"needle\"");
        using var socket = await ConnectAsync(server, $"/loki/api/v1/tail?query={query}&start={RunningServer.Now - 60_000_000_000}&limit=10", "team-a");

        var history = await ReceiveFrameAsync(socket);
        Assert.Equal([("api", $"{RunningServer.Now - 5_000_000_000}", "old needle")], Entries(history));

        await server.PushLinesAsync("team-b", ("{\"app\":\"api\"}", 1, "other tenant needle"));
        await server.PushLinesAsync(
            "team-a",
            ("{\"app\":\"api\"}", 2, "live needle 1"),
            ("{\"app\":\"api\"}", 3, "live hay"),
            ("{\"app\":\"db\"}", 4, "db needle"),
            ("{\"app\":\"web\"}", 5, "web needle"));
        await server.PushLinesAsync("team-a", ("{\"app\":\"api\"}", 6, "needle sentinel"));

        var live = new List<(string App, string Ts, string Line)>();
        while (!live.Any(e => e.Line == "needle sentinel"))
        {
            var frame = await ReceiveFrameAsync(socket);
            Assert.False(frame.TryGetProperty("dropped_entries", out _), frame.ToString());
            live.AddRange(Entries(frame));
        }

        Assert.Equal(
            [("api", $"{RunningServer.Now + 2}", "live needle 1"), ("api", $"{RunningServer.Now + 6}", "needle sentinel"), ("db", $"{RunningServer.Now + 4}", "db needle")],
            live.OrderBy(e => e.App, StringComparer.Ordinal).ThenBy(e => e.Ts, StringComparer.Ordinal));

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        var metrics = await server.Client.GetStringAsync("/metrics");
        Assert.Contains("loggia_tail_clients", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LegacyTail_WritesLokisLegacyFrames()
    {
        await using var server = await RunningServer.StartAsync();
        await server.PushLinesAsync(null, ("{\"app\":\"api\"}", 0, "hello"));
        using var socket = await ConnectAsync(server, $"/api/prom/tail?query={RunningServer.Escape("{app=\"api\"}")}&start={RunningServer.Now - 1_000_000_000}", null);

        var frame = await ReceiveFrameAsync(socket);
        var stream = frame.GetProperty("streams").EnumerateArray().Single();
        Assert.Equal("{app=\"api\"}", stream.GetProperty("labels").GetString());
        var entry = stream.GetProperty("entries").EnumerateArray().Single();
        Assert.Equal("hello", entry.GetProperty("line").GetString());
        var expected = DateTimeOffset.FromUnixTimeMilliseconds(RunningServer.Now / 1_000_000).UtcDateTime;
        Assert.Equal(expected, DateTime.Parse(entry.GetProperty("ts").GetString()!, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal));
    }

    [Theory]
    [InlineData("{app=\"api\"", "parse error")]
    [InlineData("{app=\"api\"}&delay_for=6", "delay_for can't be greater than 5")]
    [InlineData("{app=\"api\"}&limit=0", "limit must be a positive value")]
    public async Task Tail_BadParameters_AreLokis400BeforeTheUpgrade(string queryAndParameters, string message)
    {
        await using var server = await RunningServer.StartAsync();
        var parts = queryAndParameters.Split('&', 2);
        var path = $"/loki/api/v1/tail?query={RunningServer.Escape(parts[0])}{(parts.Length > 1 ? "&" + parts[1] : "")}";

        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        var uri = new UriBuilder(server.BaseAddress) { Scheme = "ws", Path = "/loki/api/v1/tail", Query = path.Split('?', 2)[1] }.Uri;
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(uri, CancellationToken.None));
        Assert.Equal(HttpStatusCode.BadRequest, socket.HttpStatusCode);

        var (status, body) = await server.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(message, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tail_WithoutTenantWhenAuthIsOn_Is401()
    {
        await using var server = await RunningServer.StartAsync(authEnabled: true);
        var (status, body) = await server.GetAsync($"/loki/api/v1/tail?query={RunningServer.Escape("{app=\"api\"}")}");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("no org id\n", body);
    }
}

using System.IO.Compression;
using System.Net;
using System.Text;
using Loggia.Core.Model;
using Loggia.Ingest.Loki;
using Loggia.Server.Http;
using Loggia.Server.Ingest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Loggia.Server.Tests.Http;

/// <summary>The push endpoint over real HTTP on loopback, with an ingester that records what it is given.</summary>
public sealed class PushEndpointTests : IAsyncLifetime
{
    private readonly RecordingIngester _ingester = new();
    private WebApplication? _app;
    private HttpClient? _client;
    private static readonly long Now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;

    private HttpClient Client => _client!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        var endpoint = new PushEndpoint(new TenantResolver(authEnabled: true), new PushValidator(LokiLimits.Default), _ingester, 1024 * 1024, TimeProvider.System);
        _app.MapPost("/loki/api/v1/push", endpoint.HandleLokiPushAsync);
        _app.MapPost("/api/v1/logs", endpoint.HandleNativePushAsync);
        await _app.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri(_app.Urls.First()) };
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private static string PushJson(params (string Labels, long Ts, string Line)[] entries)
    {
        var streams = entries.GroupBy(e => e.Labels).Select(g =>
            $"{{\"stream\":{g.Key},\"values\":[{string.Join(',', g.Select(e => $"[\"{e.Ts}\",\"{e.Line}\"]"))}]}}");
        return $"{{\"streams\":[{string.Join(',', streams)}]}}";
    }

    private async Task<HttpResponseMessage> PostAsync(string path, HttpContent content, string? tenant = "acme")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (tenant is not null)
        {
            request.Headers.Add("X-Scope-OrgID", tenant);
        }

        return await Client.SendAsync(request);
    }

    [Fact]
    public async Task ValidJsonPush_Is204_AndReachesTheIngesterForItsTenant()
    {
        var json = PushJson(("{\"app\":\"api\"}", Now, "hello"), ("{\"app\":\"api\"}", Now + 1, "world"));
        using var response = await PostAsync("/loki/api/v1/push", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var (tenant, request) = Assert.Single(_ingester.Received);
        Assert.Equal("acme", tenant.Value);
        Assert.Equal(2, request.EntryCount);
        Assert.Equal("{app=\"api\"}", request.Streams[0].Labels.ToString());
    }

    [Fact]
    public async Task GzipEncodedPush_IsDecoded()
    {
        var json = Encoding.UTF8.GetBytes(PushJson(("{\"app\":\"gz\"}", Now, "compressed")));
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(json);
        }

        var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        using var response = await PostAsync("/loki/api/v1/push", content);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("compressed", Encoding.UTF8.GetString(_ingester.Received.Single().Request.Streams[0].Entries.Span[0].Line.Span));
    }

    [Fact]
    public async Task MissingTenant_WithAuthOn_Is401NoOrgId()
    {
        using var response = await PostAsync("/loki/api/v1/push", new StringContent(PushJson(("{\"a\":\"b\"}", Now, "x")), Encoding.UTF8, "application/json"), tenant: null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("no org id\n", await response.Content.ReadAsStringAsync());
        Assert.Empty(_ingester.Received);
    }

    [Fact]
    public async Task PartlyInvalidPush_Is400_WithLokiMessage_AndKeepsTheValidEntries()
    {
        var old = Now - (8L * 24 * 3600 * 1_000_000_000);
        var json = PushJson(("{\"app\":\"api\"}", Now, "fresh"), ("{\"app\":\"api\"}", old, "stale"));
        using var response = await PostAsync("/loki/api/v1/push", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("has timestamp too old", body, StringComparison.Ordinal);
        var kept = Assert.Single(_ingester.Received).Request;
        Assert.Equal(1, kept.EntryCount);
        Assert.Equal("fresh", Encoding.UTF8.GetString(kept.Streams[0].Entries.Span[0].Line.Span));
    }

    [Fact]
    public async Task EntriesRefusedByTheIngester_Are400_WithItsMessages()
    {
        _ingester.Refuse = "entry too far behind";
        using var response = await PostAsync("/loki/api/v1/push", new StringContent(PushJson(("{\"a\":\"b\"}", Now, "x")), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("entry too far behind\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BusyIngester_Is429_WithRetryAfter()
    {
        _ingester.Busy = true;
        using var response = await PostAsync("/loki/api/v1/push", new StringContent(PushJson(("{\"a\":\"b\"}", Now, "x")), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
    }

    [Fact]
    public async Task BodyOverTheLimit_Is413()
    {
        var line = new string('x', 700_000);
        var json = PushJson(("{\"a\":\"b\"}", Now, line), ("{\"a\":\"b\"}", Now + 1, line));
        using var response = await PostAsync("/loki/api/v1/push", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(_ingester.Received);
    }

    [Fact]
    public async Task MalformedBodies_AreClear400s_AndNeverReachTheIngester()
    {
        string[] bodies = ["{", "{\"streams\":[{\"stream\":{\"a\":\"b\"},\"values\":[[\"notanumber\",\"x\"]]}]}", "[1,2,3]", "\u0000\u0001garbage"];
        foreach (var body in bodies)
        {
            using var response = await PostAsync("/loki/api/v1/push", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.False(string.IsNullOrWhiteSpace(await response.Content.ReadAsStringAsync()));
        }

        using var protobuf = await PostAsync("/loki/api/v1/push", new ByteArrayContent([0xFF, 0x00, 0x13, 0x37]) { Headers = { ContentType = new("application/x-protobuf") } });
        Assert.Equal(HttpStatusCode.BadRequest, protobuf.StatusCode);
        Assert.Empty(_ingester.Received);
    }

    [Fact]
    public async Task NativeLogsEndpoint_TakesOneObjectOrAnArray()
    {
        var recent = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm:ss.123456789Z", System.Globalization.CultureInfo.InvariantCulture);
        var body = $$$"""[{"timestamp":"{{{recent}}}","message":"one","labels":{"app":"native"}},{"message":"two","labels":{"app":"native"},"metadata":{"user":"u1"}}]""";
        using var response = await PostAsync("/api/v1/logs", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var request = Assert.Single(_ingester.Received).Request;
        Assert.Equal(2, request.EntryCount);
        Assert.Equal("{app=\"native\"}", request.Streams[0].Labels.ToString());

        using var single = await PostAsync("/api/v1/logs", new StringContent("""{"message":"alone","labels":{"app":"native"}}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NoContent, single.StatusCode);
        Assert.Equal(1, _ingester.Received[1].Request.EntryCount);
    }

    private sealed class RecordingIngester : IPushIngester
    {
        public List<(TenantId Tenant, PushRequest Request)> Received { get; } = [];

        public string? Refuse { get; set; }

        public bool Busy { get; set; }

        public ValueTask<IngestOutcome> IngestAsync(TenantId tenant, PushRequest request, CancellationToken cancellationToken)
        {
            if (Busy)
            {
                throw new IngesterBusyException("ingester is busy, retry later");
            }

            lock (Received)
            {
                Received.Add((tenant, request));
            }

            return ValueTask.FromResult(Refuse is null ? IngestOutcome.AllAccepted : new IngestOutcome([Refuse]));
        }
    }
}

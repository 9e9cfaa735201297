using System.Net;
using System.Text;
using System.Text.Json;
using Loggia.Server.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Loggia.Server.Tests.EndToEnd;

/// <summary>The whole server in-process on a free port with its own data directory; multi-tenant when asked.</summary>
internal sealed class RunningServer : IAsyncDisposable
{
    private readonly string _data;
    private readonly bool _ownsData;

    private RunningServer(string data, WebApplication app, bool ownsData)
    {
        _data = data;
        _ownsData = ownsData;
        App = app;
        BaseAddress = new Uri(app.Urls.First());
        Client = new HttpClient { BaseAddress = BaseAddress };
    }

    public static readonly long Now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;

    public WebApplication App { get; }

    /// <summary>The server's data directory.</summary>
    public string DataDirectory => _data;

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    /// <summary>The syslog TCP receiver (on a free port).</summary>
    public IPEndPoint SyslogTcp => App.Services.GetRequiredService<Loggia.Server.Syslog.SyslogService>().TcpEndPoint!;

    /// <summary>The syslog UDP receiver (on a free port).</summary>
    public IPEndPoint SyslogUdp => App.Services.GetRequiredService<Loggia.Server.Syslog.SyslogService>().UdpEndPoint!;

    /// <summary>
    /// Starts a server; <paramref name="yaml"/> is a config file for it (flags still win). With
    /// <paramref name="dataDirectory"/> it reopens that directory (a restart) and leaves it in place when disposed.
    /// <paramref name="otlpGrpcPort"/>: serve OTLP/gRPC on that port (0: off).
    /// </summary>
    public static async Task<RunningServer> StartAsync(bool authEnabled = false, string? yaml = null, string? dataDirectory = null, int otlpGrpcPort = 0)
    {
        var data = dataDirectory ?? Directory.CreateTempSubdirectory("loggia-e2e-").FullName;
        List<string> args = ["-server.http-listen-port=0", $"-distributor.otlp-grpc-listen-port={otlpGrpcPort}", "-syslog.tcp-listen-port=0", "-syslog.udp-listen-port=0", $"-common.path-prefix={data}", "-log.level=warn", $"-auth.enabled={(authEnabled ? "true" : "false")}"];
        if (yaml is not null)
        {
            var file = Path.Combine(data, "config.yaml");
            File.WriteAllText(file, yaml);
            args.Insert(0, $"-config.file={file}");
        }
        var config = ConfigLoader.Load(args, new Dictionary<string, string>());
        var app = await LoggiaServer.BuildAsync(config);
        await app.StartAsync();
        return new RunningServer(data, app, ownsData: dataDirectory is null);
    }

    public async Task PushAsync(string json, string? tenant = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/loki/api/v1/push") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (tenant is not null)
        {
            request.Headers.Add("X-Scope-OrgID", tenant);
        }

        using var response = await Client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Pushes one line per (labels JSON, ns offset from <see cref="Now"/>, line).</summary>
    public Task PushLinesAsync(string? tenant, params (string Stream, long Offset, string Line)[] lines)
    {
        var streams = lines.GroupBy(l => l.Stream).Select(g =>
            $"{{\"stream\":{g.Key},\"values\":[{string.Join(",", g.Select(l => $"[\"{Now + l.Offset}\",{JsonSerializer.Serialize(l.Line)}]"))}]}}");
        return PushAsync($"{{\"streams\":[{string.Join(",", streams)}]}}", tenant);
    }

    public async Task<(HttpStatusCode Status, string Body)> GetAsync(string url, string? tenant = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (tenant is not null)
        {
            request.Headers.Add("X-Scope-OrgID", tenant);
        }

        using var response = await Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<JsonElement> GetJsonAsync(string url, string? tenant = null)
    {
        var (status, body) = await GetAsync(url, tenant);
        Assert.True(status == HttpStatusCode.OK, $"{url} → {status}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async Task<JsonElement> PostFormAsync(string path, IEnumerable<KeyValuePair<string, string>> form, string? tenant = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        if (tenant is not null)
        {
            request.Headers.Add("X-Scope-OrgID", tenant);
        }

        using var response = await Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} → {response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static string Escape(string value) => Uri.EscapeDataString(value);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        if (_ownsData)
        {
            Directory.Delete(_data, recursive: true);
        }
    }
}

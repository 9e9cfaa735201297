using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Loggia.Server.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;

namespace Loggia.Server.Tests.EndToEnd;

/// <summary>
/// OTLP logs into the whole server over real sockets: the OpenTelemetry .NET SDK exporting over gRPC (HTTP/2
/// cleartext) and OTLP/HTTP protobuf, raw OTLP/JSON and raw gRPC calls for the status codes, then LogQL over the
/// HTTP API.
/// </summary>
public sealed partial class OtlpEndToEndTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("loggia-otlp-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private static long NowNanos => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;

    private async Task<(WebApplication App, HttpClient Client, int GrpcPort)> StartAsync()
    {
        var grpcPort = FreePort();
        var config = ConfigLoader.Load(
            ["-server.http-listen-port=0", $"-common.path-prefix={_data}", "-log.level=warn", $"-distributor.otlp-grpc-listen-port={grpcPort}", "-syslog.tcp-listen-port=0", "-syslog.udp-listen-port=0"],
            new Dictionary<string, string>());
        var app = await LoggiaServer.BuildAsync(config);
        await app.StartAsync();
        return (app, new HttpClient { BaseAddress = new Uri(app.Urls.First()) }, grpcPort);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "order {OrderId} shipped")]
    private static partial void LogOrderShipped(ILogger logger, int orderId);

    /// <summary>Logs one line through the real SDK and exporter; disposing the factory flushes the export.</summary>
    private static string ExportWithSdk(OtlpExportProtocol protocol, Uri endpoint, string service)
    {
        using var activity = new Activity("otlp-e2e").SetIdFormat(ActivityIdFormat.W3C).Start();
        using (var factory = LoggerFactory.Create(logging => logging.AddOpenTelemetry(otel =>
        {
            otel.IncludeFormattedMessage = true;
            otel.SetResourceBuilder(ResourceBuilder.CreateEmpty()
                .AddService(service, autoGenerateServiceInstanceId: false)
                .AddAttributes([new("k8s.pod.name", "pod-1"), new("host.name", "host-1")]));
            otel.AddOtlpExporter(exporter =>
            {
                exporter.Endpoint = endpoint;
                exporter.Protocol = protocol;
            });
        })))
        {
            LogOrderShipped(factory.CreateLogger("Loggia.Tests.Otlp"), 42);
        }

        return activity.TraceId.ToHexString();
    }

    private static async Task<JsonElement> QueryAsync(HttpClient client, string query)
    {
        var now = NowNanos;
        using var response = await client.GetAsync($"/loki/api/v1/query_range?query={Uri.EscapeDataString(query)}&start={now - 600_000_000_000}&end={now + 60_000_000_000}&limit=1000");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("result").Clone();
    }

    [Fact]
    public async Task OpenTelemetrySdk_OverGrpcAndHttpProtobuf_IsQueryableWithLokiLabelsAndMetadata()
    {
        var (app, client, grpcPort) = await StartAsync();
        await using (app)
        using (client)
        {
            var grpcTrace = ExportWithSdk(OtlpExportProtocol.Grpc, new Uri($"http://127.0.0.1:{grpcPort}"), "sdk-grpc");
            var httpTrace = ExportWithSdk(OtlpExportProtocol.HttpProtobuf, new Uri(client.BaseAddress!, "/otlp/v1/logs"), "sdk-http");

            foreach (var (service, trace) in new[] { ("sdk-grpc", grpcTrace), ("sdk-http", httpTrace) })
            {
                var result = await QueryAsync(client, $"{{service_name=\"{service}\"}}");
                var stream = Assert.Single(result.EnumerateArray());
                var labels = stream.GetProperty("stream");
                Assert.Equal(service, labels.GetProperty("service_name").GetString());
                Assert.Equal("pod-1", labels.GetProperty("k8s_pod_name").GetString());
                Assert.Equal("host-1", labels.GetProperty("host_name").GetString()); // structured metadata, returned with the labels
                Assert.Equal("42", labels.GetProperty("OrderId").GetString());
                Assert.Equal("13", labels.GetProperty("severity_number").GetString());
                Assert.Equal("Loggia.Tests.Otlp", labels.GetProperty("scope_name").GetString());
                Assert.Equal(trace, labels.GetProperty("trace_id").GetString());
                var value = Assert.Single(stream.GetProperty("values").EnumerateArray());
                Assert.Equal("order 42 shipped", value[1].GetString());
            }

            var names = await client.GetStringAsync("/loki/api/v1/labels");
            Assert.Contains("service_name", names, StringComparison.Ordinal);
            Assert.DoesNotContain("host_name", names, StringComparison.Ordinal); // metadata is not a stream label
        }
    }

    [Fact]
    public async Task OtlpHttpJson_AnswersPerTheSpec_PartialSuccess415And400()
    {
        var (app, client, _) = await StartAsync();
        await using (app)
        using (client)
        {
            var json = $$$"""
                {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"json-svc"}}]},
                 "scopeLogs":[{"logRecords":[
                   {"timeUnixNano":"{{{NowNanos}}}","body":{"stringValue":"fresh line"}},
                   {"timeUnixNano":"946684800000000000","body":{"stringValue":"from the year 2000"}}]}]}]}
                """;
            using var gzipped = new ByteArrayContent(Gzip(Encoding.UTF8.GetBytes(json)));
            gzipped.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            gzipped.Headers.ContentEncoding.Add("gzip");
            using var partial = await client.PostAsync("/v1/logs", gzipped);
            Assert.Equal(HttpStatusCode.OK, partial.StatusCode);
            Assert.Equal("application/json", partial.Content.Headers.ContentType?.MediaType);
            var success = JsonDocument.Parse(await partial.Content.ReadAsStringAsync()).RootElement.GetProperty("partialSuccess");
            Assert.Equal("1", success.GetProperty("rejectedLogRecords").GetString());
            Assert.Contains("timestamp too old", success.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);

            var stream = Assert.Single((await QueryAsync(client, "{service_name=\"json-svc\"}")).EnumerateArray());
            Assert.Equal("fresh line", Assert.Single(stream.GetProperty("values").EnumerateArray())[1].GetString());
            var metrics = await client.GetStringAsync("/metrics");
            Assert.Contains("loggia_discarded_samples_total{reason=\"greater_than_max_sample_age\",tenant=\"fake\"} 1", metrics, StringComparison.Ordinal);

            using var text = await client.PostAsync("/otlp/v1/logs", new StringContent("hello", Encoding.UTF8, "text/plain"));
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);

            using var bad = await client.PostAsync("/otlp/v1/logs", new StringContent("{\"resourceLogs\":[{", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var status = JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(3, status.GetProperty("code").GetInt32());
            Assert.StartsWith("invalid JSON", status.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ConcurrentExports_PlainAndGzip_StoreEveryLineIntact()
    {
        // Request bodies and inflated messages are pooled buffers the decoded lines point into, returned once a request
        // is ingested: a buffer handed back too early would show here as lines of one request stored for another.
        var (app, client, _) = await StartAsync();
        await using (app)
        using (client)
        {
            var start = NowNanos;
            var sent = new List<string>();
            var exports = new List<Task>();
            for (var worker = 0; worker < 8; worker++)
            {
                var lines = Enumerable.Range(0, 25).Select(i => $"worker {worker} request {i} {new string((char)('a' + worker), 200 + (i * 37))}").ToList();
                sent.AddRange(lines);
                var gzip = worker % 2 == 1;
                var offset = worker * 1_000;
                exports.Add(Task.Run(async () =>
                {
                    for (var i = 0; i < lines.Count; i++)
                    {
                        var message = ExportRequest("pooled", start + offset + i, lines[i]);
                        using var content = new ByteArrayContent(gzip ? Gzip(message) : message);
                        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
                        if (gzip)
                        {
                            content.Headers.ContentEncoding.Add("gzip");
                        }

                        using var response = await client.PostAsync("/otlp/v1/logs", content);
                        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    }
                }));
            }

            await Task.WhenAll(exports);
            var stored = (await QueryAsync(client, "{service_name=\"pooled\"}")).EnumerateArray()
                .SelectMany(stream => stream.GetProperty("values").EnumerateArray().Select(v => v[1].GetString()!)).ToList();
            Assert.Equal(sent.Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task RawGrpc_StatusCodesInTrailers_AndGzipMessages()
    {
        var (app, client, grpcPort) = await StartAsync();
        await using (app)
        using (client)
        using (var grpc = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{grpcPort}") })
        {
            var message = ExportRequest("raw-grpc", NowNanos, "raw gRPC line");
            var (ok, okBody) = await CallAsync(grpc, "/opentelemetry.proto.collector.logs.v1.LogsService/Export", Frame(message, compressed: false), null);
            Assert.Equal("0", ok);
            Assert.Equal(new byte[] { 0, 0, 0, 0, 0 }, okBody); // an empty ExportLogsServiceResponse: nothing rejected

            var (zipped, _) = await CallAsync(grpc, "/opentelemetry.proto.collector.logs.v1.LogsService/Export", Frame(Gzip(ExportRequest("raw-grpc", NowNanos + 1, "gzip line")), compressed: true), "gzip");
            Assert.Equal("0", zipped);
            var stream = Assert.Single((await QueryAsync(client, "{service_name=\"raw-grpc\"}")).EnumerateArray());
            Assert.Equal(["gzip line", "raw gRPC line"], stream.GetProperty("values").EnumerateArray().Select(v => v[1].GetString()));

            var (unknown, _) = await CallAsync(grpc, "/opentelemetry.proto.collector.trace.v1.TraceService/Export", Frame(message, compressed: false), null);
            Assert.Equal("12", unknown);
            var (invalid, _) = await CallAsync(grpc, "/opentelemetry.proto.collector.logs.v1.LogsService/Export", Frame([0x08, 0x01], compressed: false), null);
            Assert.Equal("3", invalid);
            var (unframed, _) = await CallAsync(grpc, "/opentelemetry.proto.collector.logs.v1.LogsService/Export", [0, 0, 0], null);
            Assert.Equal("13", unframed);
        }
    }

    private static async Task<(string? Status, byte[] Body)> CallAsync(HttpClient grpc, string path, byte[] framed, string? encoding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(framed),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        if (encoding is not null)
        {
            request.Headers.TryAddWithoutValidation("grpc-encoding", encoding);
        }

        using var response = await grpc.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsByteArrayAsync();
        var status = response.TrailingHeaders.TryGetValues("grpc-status", out var values) ? values.Single()
            : response.Headers.TryGetValues("grpc-status", out var inHeaders) ? inHeaders.Single() : null;
        return (status, body);
    }

    private static byte[] Frame(byte[] message, bool compressed)
    {
        var framed = new byte[5 + message.Length];
        framed[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)message.Length);
        message.CopyTo(framed, 5);
        return framed;
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>An ExportLogsServiceRequest with one record, encoded field by field (protobuf wire format).</summary>
    private static byte[] ExportRequest(string service, long timeUnixNano, string line)
    {
        static byte[] Field(int number, byte[] value) => [.. Varint((ulong)((number << 3) | 2)), .. Varint((ulong)value.Length), .. value];
        static byte[] Varint(ulong value)
        {
            var bytes = new List<byte>();
            while (value >= 0x80)
            {
                bytes.Add((byte)(value | 0x80));
                value >>= 7;
            }

            bytes.Add((byte)value);
            return [.. bytes];
        }

        var stringValue = Field(1, Encoding.UTF8.GetBytes(service));
        var attribute = Field(1, [.. Field(1, "service.name"u8.ToArray()), .. Field(2, stringValue)]);
        var resource = Field(1, attribute);
        var time = new byte[9];
        time[0] = (1 << 3) | 1;
        BinaryPrimitives.WriteInt64LittleEndian(time.AsSpan(1), timeUnixNano);
        var record = Field(2, [.. time, .. Field(5, Field(1, Encoding.UTF8.GetBytes(line)))]);
        var scopeLogs = Field(2, record);
        return Field(1, [.. resource, .. scopeLogs]);
    }
}

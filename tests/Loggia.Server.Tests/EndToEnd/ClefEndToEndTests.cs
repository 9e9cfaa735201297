using System.Net;
using System.Text;
using Serilog;
using Serilog.Events;

namespace Loggia.Server.Tests.EndToEnd;

/// <summary>Serilog's real Seq sink writing to Loggia, and Seq's answers to what the sink and other senders may send.</summary>
public sealed class ClefEndToEndTests
{
    private const long Hour = 3_600_000_000_000L;

    [Fact]
    public async Task SerilogSeqSink_EventsArriveWithTheirPropertiesAndExceptions()
    {
        await using var server = await RunningServer.StartAsync(yaml: "clef:\n  api_key: s3cret\n");
        var logger = new LoggerConfiguration()
            .MinimumLevel.Debug()
            .Enrich.WithProperty("Application", "shop")
            .WriteTo.Seq(server.BaseAddress.ToString(), apiKey: "s3cret", period: TimeSpan.FromMilliseconds(50))
            .CreateLogger();
        logger.Information("Order {OrderId} shipped to {@Address}", 42, new { City = "Lyon" });
        logger.Debug("Cache miss for {Key}", "user:7");
        try
        {
            throw new InvalidOperationException("card declined");
        }
        catch (InvalidOperationException e)
        {
            logger.Error(e, "Payment failed for order {OrderId}", 43);
        }
        await logger.DisposeAsync();

        var query = RunningServer.Escape("{service_name=\"shop\"} | level=~\"info|error\"");
        var json = await server.GetJsonAsync($"/loki/api/v1/query_range?query={query}&start={RunningServer.Now - Hour}&end={RunningServer.Now + Hour}&limit=10&direction=forward");
        var results = json.GetProperty("data").GetProperty("result").EnumerateArray().ToList();
        var lines = results.SelectMany(s => s.GetProperty("values").EnumerateArray().Select(v => v[1].GetString()!)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("Order 42 shipped to {", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"City\":\"Lyon\"", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("Payment failed for order 43\nSystem.InvalidOperationException: card declined", lines[1], StringComparison.Ordinal);
        var info = results.Single(s => s.GetProperty("stream").GetProperty("level").GetString() == "info").GetProperty("stream");
        Assert.Equal("42", info.GetProperty("OrderId").GetString());
        Assert.Equal("Order {OrderId} shipped to {@Address}", info.GetProperty("message_template").GetString());

        var debug = await server.GetJsonAsync($"/loki/api/v1/query_range?query={RunningServer.Escape("{service_name=\"shop\"} | Key=\"user:7\"")}&start={RunningServer.Now - Hour}&end={RunningServer.Now + Hour}");
        var stream = Assert.Single(debug.GetProperty("data").GetProperty("result").EnumerateArray());
        Assert.Equal("debug", stream.GetProperty("stream").GetProperty("level").GetString());
    }

    [Fact]
    public async Task SeqAnswers_CreatedForGoodPayloads_AndSeqErrorsForBadOnes()
    {
        await using var server = await RunningServer.StartAsync(yaml: "clef:\n  api_key: s3cret\ndistributor:\n  max_recv_msg_size: 1MB\n");
        var now = DateTimeOffset.UtcNow.ToString("O");

        var (status, body) = await PostAsync(server, "/ingest/clef", $"{{\"@t\":\"{now}\",\"@m\":\"hello\"}}", "s3cret");
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("{}", body);

        (status, body) = await PostAsync(server, "/api/events/raw?clef", $"{{\"@t\":\"{now}\",\"@m\":\"no key\"}}", apiKey: null);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("\"Error\":", body, StringComparison.Ordinal);
        (status, _) = await PostAsync(server, "/api/events/raw?clef&apiKey=wrong", $"{{\"@t\":\"{now}\",\"@m\":\"wrong key\"}}", apiKey: null);
        Assert.Equal(HttpStatusCode.Unauthorized, status);

        (status, body) = await PostAsync(server, "/api/events/raw?clef&apiKey=s3cret", $"{{\"@t\":\"{now}\",\"@m\":\"kept\"}}\n{{\"@m\":\"no time\"}}\n{{garbage", apiKey: null);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("1 events were ingested; 2 were invalid (first: line 2: the event has no @t timestamp)", body, StringComparison.Ordinal);

        var json = await server.GetJsonAsync($"/loki/api/v1/query_range?query={RunningServer.Escape("{service_name=\"unknown_service\"}")}&start={RunningServer.Now - Hour}&end={RunningServer.Now + Hour}");
        var lines = json.GetProperty("data").GetProperty("result").EnumerateArray()
            .SelectMany(s => s.GetProperty("values").EnumerateArray().Select(v => v[1].GetString()!)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["hello", "kept"], lines);

        (status, body) = await PostAsync(server, "/ingest/clef", "{\"@t\":\"" + now + "\",\"@m\":\"" + new string('y', 6 * 1024 * 1024) + "\"}", "s3cret");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("\"Error\":", body, StringComparison.Ordinal);
    }

    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(RunningServer server, string url, string payload, string? apiKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(payload, Encoding.UTF8, "application/vnd.serilog.clef") };
        if (apiKey is not null)
        {
            request.Headers.Add("X-Seq-ApiKey", apiKey);
        }
        using var response = await server.Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}

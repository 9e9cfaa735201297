using System.Net;

namespace Loggia.Server.Tests.EndToEnd;

/// <summary><c>line_format</c>/<c>label_format</c> over real HTTP: formatted lines and labels in Loki's JSON, template errors as 400s.</summary>
public sealed class TemplateEndToEndTests
{
    private const long Second = 1_000_000_000;
    private static readonly long Now = RunningServer.Now;

    private static string QueryRange(string query) =>
        $"/loki/api/v1/query_range?query={RunningServer.Escape(query)}&start={Now - (60 * Second)}&end={Now + Second}&direction=forward";

    [Fact]
    public async Task QueryRange_JsonLineFormat_ReturnsTheFormattedLines()
    {
        await using var server = await RunningServer.StartAsync();
        await server.PushLinesAsync(
            null,
            ("{\"app\":\"api\"}", -3 * Second, """{"level":"info","msg":"started"}"""),
            ("{\"app\":\"api\"}", -2 * Second, """{"level":"error","msg":"boom"}"""),
            ("{\"app\":\"api\"}", -1 * Second, """{"level":"error","msg":"again"}"""));

        var response = await server.GetJsonAsync(QueryRange("{app=\"api\"} | json | line_format \"{{.level}}: {{.msg}}\""));
        var streams = response.GetProperty("data").GetProperty("result").EnumerateArray()
            .Select(s => (
                Labels: string.Join(",", s.GetProperty("stream").EnumerateObject().Select(p => p.Name + "=" + p.Value.GetString())),
                Values: s.GetProperty("values").EnumerateArray().Select(v => (v[0].GetString(), v[1].GetString())).ToList()))
            .OrderBy(s => s.Labels, StringComparer.Ordinal)
            .ToList();
        Assert.Equal(3, streams.Count);
        Assert.Equal(("app=api,level=error,msg=again", $"{Now - Second}", "error: again"), (streams[0].Labels, streams[0].Values.Single().Item1, streams[0].Values.Single().Item2));
        Assert.Equal(("app=api,level=error,msg=boom", $"{Now - (2 * Second)}", "error: boom"), (streams[1].Labels, streams[1].Values.Single().Item1, streams[1].Values.Single().Item2));
        Assert.Equal(("app=api,level=info,msg=started", $"{Now - (3 * Second)}", "info: started"), (streams[2].Labels, streams[2].Values.Single().Item1, streams[2].Values.Single().Item2));

        var filtered = await server.GetJsonAsync(QueryRange("{app=\"api\"} | json | line_format \"{{.level}}: {{.msg}}\" |= \"error: b\" | label_format level=\"{{ .level | upper }}\""));
        var only = filtered.GetProperty("data").GetProperty("result").EnumerateArray().Single();
        Assert.Equal("ERROR", only.GetProperty("stream").GetProperty("level").GetString());
        Assert.Equal("error: boom", only.GetProperty("values")[0][1].GetString());

        var (status, body) = await server.GetAsync(QueryRange("{app=\"api\"} | line_format \"{{.level\""));
        Assert.Equal(
            (HttpStatusCode.BadRequest, "parse error : stage '| line_format \"{{.level\"' : invalid line template: template: line:1: unclosed action\n"),
            (status, body));
    }
}

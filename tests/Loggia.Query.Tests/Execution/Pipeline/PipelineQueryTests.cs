using System.Text;
using System.Text.Json;
using Loggia.Core.Model;
using Loggia.Query.Execution;
using Loggia.Query.Http;

namespace Loggia.Query.Tests.Execution.Pipeline;

/// <summary>Log queries with a full pipeline through <see cref="LogQueryEngine"/> and Loki's JSON.</summary>
public class PipelineQueryTests
{
    private static readonly TenantId Tenant = TenantId.Fake;
    private static readonly Labels Api = Labels.Parse("{app=\"api\"}");

    private static InMemoryLogSource Source()
    {
        var s = new InMemoryLogSource(batchSize: 2);
        s.Append(Tenant, Api, 1, """{"level":"info","msg":"started"}""");
        s.Append(Tenant, Api, 2, """{"level":"error","msg":"boom"}""", new LabelPair("trace_id", "t2"));
        s.Append(Tenant, Api, 3, "not json");
        s.Append(Tenant, Api, 4, """{"level":"error","msg":"again"}""");
        return s;
    }

    private static LogQueryResult Run(string query, bool categorize = false, QueryDirection direction = QueryDirection.Forward) =>
        new LogQueryEngine().Execute(
            new LogQueryRequest { Tenant = Tenant, Query = query, StartNanos = 0, EndNanos = 100, Limit = 100, Direction = direction, CategorizeLabels = categorize },
            [Source()],
            CancellationToken.None);

    private static string Render(LogQueryResult r)
    {
        var sb = new StringBuilder();
        foreach (var s in r.Streams)
        {
            sb.Append(s.Labels).Append('=');
            foreach (var e in s.Entries)
            {
                sb.Append(e.TimestampNanos).Append(':').Append(Encoding.UTF8.GetString(e.Line.Span)).Append(' ');
            }
            sb.Append(';');
        }
        return sb.ToString();
    }

    [Fact]
    public void Json_LabelFilter_SplitsStreamsByAllLabels() =>
        Assert.Equal(
            """{app="api", level="error", msg="again"}=4:{"level":"error","msg":"again"} ;"""
            + """{app="api", level="error", msg="boom", trace_id="t2"}=2:{"level":"error","msg":"boom"} ;""",
            Render(Run("{app=\"api\"} | json | level=\"error\"")));

    [Fact]
    public void Json_ErrorFilter_DropsTheInvalidLine()
    {
        var r = Run("{app=\"api\"} | json | __error__=\"\"");
        Assert.Equal(3, r.Statistics.TotalEntriesReturned);
        Assert.Equal(4, r.Statistics.TotalLinesProcessed);
        Assert.Equal(3, r.Statistics.TotalPostFilterLines);
        Assert.DoesNotContain("not json", Render(r), StringComparison.Ordinal);
    }

    [Fact]
    public void Categorized_GroupsByStreamLabels_WithMetadataAndParsedPerEntry()
    {
        var r = Run("{app=\"api\"} | json | level=\"error\"", categorize: true);
        var stream = Assert.Single(r.Streams);
        Assert.Equal(Api, stream.Labels);
        Assert.Equal([2L, 4L], stream.Entries.Select(e => e.TimestampNanos));
        Assert.Equal("trace_id=t2", string.Join(",", stream.Entries[0].StructuredMetadata.ToArray().Select(p => p.Name + "=" + p.Value)));
        Assert.True(stream.Entries[1].StructuredMetadata.IsEmpty);
        Assert.NotNull(stream.Parsed);
        Assert.Equal("{level=\"error\", msg=\"boom\"}", stream.Parsed[0].ToString());
        Assert.Equal("{level=\"error\", msg=\"again\"}", stream.Parsed[1].ToString());
    }

    [Fact]
    public void Categorized_Json_HasLokisThirdElement()
    {
        var r = Run("{app=\"api\"} | json | level=\"error\"", categorize: true);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, LokiResponseWriter.WriterOptions))
        {
            LokiResponseWriter.WriteStreams(writer, r, LokiResponseEncoding.CategorizeLabels);
        }
        using var doc = JsonDocument.Parse(buffer.ToArray());
        var data = doc.RootElement.GetProperty("data");
        Assert.Equal("categorize-labels", data.GetProperty("encodingFlags")[0].GetString());
        var values = data.GetProperty("result")[0].GetProperty("values");
        Assert.Equal(
            """["2","{\u0022level\u0022:\u0022error\u0022,\u0022msg\u0022:\u0022boom\u0022}",{"structuredMetadata":{"trace_id":"t2"},"parsed":{"level":"error","msg":"boom"}}]""",
            values[0].GetRawText());
        Assert.Equal("""{"parsed":{"level":"error","msg":"again"}}""", values[1][2].GetRawText());
    }

    [Fact]
    public void Unpack_ReturnsTheUnpackedLine()
    {
        var s = new InMemoryLogSource();
        s.Append(Tenant, Api, 1, """{"_entry":"inner line","pod":"p1"}""");
        var r = new LogQueryEngine().Execute(
            new LogQueryRequest { Tenant = Tenant, Query = "{app=\"api\"} | unpack |= \"inner\"", StartNanos = 0, EndNanos = 10 },
            [s],
            CancellationToken.None);
        Assert.Equal("{app=\"api\", pod=\"p1\"}=1:inner line ;", Render(r));
    }

    [Fact]
    public void Limit_CountsEntriesThatPassTheWholePipeline()
    {
        var r = new LogQueryEngine().Execute(
            new LogQueryRequest { Tenant = Tenant, Query = "{app=\"api\"} | json | level=\"error\"", StartNanos = 0, EndNanos = 100, Limit = 1, Direction = QueryDirection.Backward },
            [Source()],
            CancellationToken.None);
        Assert.Equal("""{app="api", level="error", msg="again"}=4:{"level":"error","msg":"again"} ;""", Render(r));
    }
}

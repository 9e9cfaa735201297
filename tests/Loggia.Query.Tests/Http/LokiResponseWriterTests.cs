using System.Text;
using System.Text.Json;
using Loggia.Core.Model;
using Loggia.Query.Execution;
using Loggia.Query.Http;

namespace Loggia.Query.Tests.Http;

public class LokiResponseWriterTests
{
    private static string Write(LogQueryResult result, LokiResponseEncoding flags)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, LokiResponseWriter.WriterOptions))
        {
            LokiResponseWriter.WriteStreams(w, result, flags);
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static LogEntry Entry(long ts, string line, params LabelPair[] metadata) =>
        new(ts, Encoding.UTF8.GetBytes(line), metadata);

    /// <summary>Structural comparison: same kinds, same property names in the same order, same values.</summary>
    private static void AssertJsonEqual(string expected, string actual)
    {
        using var e = JsonDocument.Parse(expected);
        using var a = JsonDocument.Parse(actual);
        Compare(e.RootElement, a.RootElement, "$");
    }

    private static void Compare(JsonElement e, JsonElement a, string path)
    {
        Assert.True(e.ValueKind == a.ValueKind, $"{path}: {e.ValueKind} != {a.ValueKind}");
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                var ep = e.EnumerateObject().ToList();
                var ap = a.EnumerateObject().ToList();
                Assert.True(ep.Select(p => p.Name).SequenceEqual(ap.Select(p => p.Name)),
                    $"{path}: properties [{string.Join(",", ep.Select(p => p.Name))}] != [{string.Join(",", ap.Select(p => p.Name))}]");
                for (var i = 0; i < ep.Count; i++)
                {
                    Compare(ep[i].Value, ap[i].Value, path + "." + ep[i].Name);
                }
                break;
            case JsonValueKind.Array:
                Assert.True(e.GetArrayLength() == a.GetArrayLength(), $"{path}: length {e.GetArrayLength()} != {a.GetArrayLength()}");
                for (var i = 0; i < e.GetArrayLength(); i++)
                {
                    Compare(e[i], a[i], $"{path}[{i}]");
                }
                break;
            case JsonValueKind.String:
                Assert.True(e.GetString() == a.GetString(), $"{path}: \"{e.GetString()}\" != \"{a.GetString()}\"");
                break;
            case JsonValueKind.Number:
                Assert.True(e.GetDouble() == a.GetDouble(), $"{path}: {e.GetDouble()} != {a.GetDouble()}");
                break;
        }
    }

    private const string ZeroStore = """
        {"totalChunksRef":0,"totalChunksDownloaded":0,"chunksDownloadTime":0,"queryReferencedStructuredMetadata":false,
         "chunk":{"headChunkBytes":0,"headChunkLines":0,"decompressedBytes":DB,"decompressedLines":DL,"compressedBytes":0,
                  "totalDuplicates":0,"postFilterLines":PF,"headChunkStructuredMetadataBytes":0,"decompressedStructuredMetadataBytes":SM},
         "chunkRefsFetchTime":0,"congestionControlLatency":0,"pipelineWrapperFilteredLines":0}
        """;

    private const string ZeroCache = """
        {"entriesFound":0,"entriesRequested":0,"entriesStored":0,"bytesReceived":0,"bytesSent":0,"requests":0,"downloadTime":0,"queryLengthServed":0}
        """;

    private static string Stats(long bytes, long lines, double execTime, long returned, long postFilter, long metadata) =>
        "{\"summary\":{" +
        $"\"bytesProcessedPerSecond\":{(long)(bytes / execTime)},\"linesProcessedPerSecond\":{(long)(lines / execTime)}," +
        $"\"totalBytesProcessed\":{bytes},\"totalLinesProcessed\":{lines},\"execTime\":{execTime.ToString(System.Globalization.CultureInfo.InvariantCulture)},\"queueTime\":0," +
        $"\"subqueries\":0,\"totalEntriesReturned\":{returned},\"splits\":0,\"shards\":0,\"totalPostFilterLines\":{postFilter}," +
        $"\"totalStructuredMetadataBytesProcessed\":{metadata}}}," +
        "\"querier\":{\"store\":" + Store(bytes, lines, postFilter, metadata) + "}," +
        "\"ingester\":{\"totalReached\":0,\"totalChunksMatched\":0,\"totalBatches\":0,\"totalLinesSent\":0,\"store\":" + Store(0, 0, 0, 0) + "}," +
        "\"cache\":{\"chunk\":" + ZeroCache + ",\"index\":" + ZeroCache + ",\"result\":" + ZeroCache + ",\"statsResult\":" + ZeroCache +
        ",\"volumeResult\":" + ZeroCache + ",\"seriesResult\":" + ZeroCache + ",\"labelResult\":" + ZeroCache + ",\"instantMetricResult\":" + ZeroCache + "}," +
        "\"index\":{\"totalChunks\":0,\"postFilterChunks\":0,\"shardsDuration\":0,\"usedBloomFilters\":false}}";

    private static string Store(long bytes, long lines, long postFilter, long metadata) =>
        ZeroStore.Replace("DB", bytes.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("DL", lines.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("PF", postFilter.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("SM", metadata.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private static readonly QueryStatistics SomeStats = new()
    {
        TotalBytesProcessed = 200,
        TotalLinesProcessed = 4,
        TotalPostFilterLines = 3,
        TotalEntriesReturned = 3,
        ExecTime = TimeSpan.FromMilliseconds(2),
    };

    [Fact]
    public void Streams_MatchLokiDocument_WithoutFlags()
    {
        var result = new LogQueryResult(
            [
                new StreamResult(Labels.Parse("{job=\"b\", app=\"x\"}"), [Entry(1700000000000000002, "second"), Entry(1700000000000000001, "first <b>&")]),
                new StreamResult(Labels.Parse("{app=\"a\"}"), [Entry(1700000000000000000, "zero")]),
            ],
            SomeStats);
        var expected = """
            {"status":"success","data":{"resultType":"streams","result":[
              {"stream":{"app":"x","job":"b"},"values":[["1700000000000000002","second"],["1700000000000000001","first <b>&"]]},
              {"stream":{"app":"a"},"values":[["1700000000000000000","zero"]]}
            ],"stats":STATS}}
            """.Replace("STATS", Stats(200, 4, 0.002, 3, 3, 0), StringComparison.Ordinal);
        AssertJsonEqual(expected, Write(result, LokiResponseEncoding.None));
    }

    [Fact]
    public void CategorizeLabels_AddsEncodingFlags_AndThirdElementWithStructuredMetadata()
    {
        var result = new LogQueryResult(
            [new StreamResult(Labels.Parse("{app=\"a\"}"), [Entry(2, "with", new LabelPair("trace_id", "abc"), new LabelPair("user", "u")), Entry(1, "without")])],
            SomeStats);
        var expected = """
            {"status":"success","data":{"resultType":"streams","encodingFlags":["categorize-labels"],"result":[
              {"stream":{"app":"a"},"values":[["2","with",{"structuredMetadata":{"trace_id":"abc","user":"u"}}],["1","without",{}]]}
            ],"stats":STATS}}
            """.Replace("STATS", Stats(200, 4, 0.002, 3, 3, 0), StringComparison.Ordinal);
        AssertJsonEqual(expected, Write(result, LokiResponseEncoding.CategorizeLabels));
    }

    [Fact]
    public void EmptyResult_IsAnEmptyArray()
    {
        var json = Write(new LogQueryResult([], new QueryStatistics()), LokiResponseEncoding.None);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(0, doc.RootElement.GetProperty("data").GetProperty("result").GetArrayLength());
        Assert.Equal(0, doc.RootElement.GetProperty("data").GetProperty("stats").GetProperty("summary").GetProperty("bytesProcessedPerSecond").GetInt64());
    }

    [Theory]
    [InlineData(new byte[] { (byte)'a', 0xFF, (byte)'b' }, "a\uFFFDb")]
    [InlineData(new byte[] { 0xE2, 0x82 }, "\uFFFD\uFFFD")] // a truncated sequence: one U+FFFD per byte, as Go
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, "\uFFFD\uFFFD\uFFFD")] // an encoded surrogate is invalid
    [InlineData(new byte[] { 0xC3, 0xA9, 0xC0 }, "é\uFFFD")]
    public void InvalidUtf8Lines_AreWrittenWithReplacementCharacters(byte[] line, string expected)
    {
        var result = new LogQueryResult([new StreamResult(Labels.Parse("{app=\"a\"}"), [new LogEntry(1, line)])], new QueryStatistics());
        using var doc = JsonDocument.Parse(Write(result, LokiResponseEncoding.None));
        var value = doc.RootElement.GetProperty("data").GetProperty("result")[0].GetProperty("values")[0][1].GetString();
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData(null, LokiResponseEncoding.None)]
    [InlineData("", LokiResponseEncoding.None)]
    [InlineData("categorize-labels", LokiResponseEncoding.CategorizeLabels)]
    [InlineData("other, categorize-labels", LokiResponseEncoding.CategorizeLabels)]
    [InlineData("other", LokiResponseEncoding.None)]
    public void EncodingHeader_IsParsed(string? header, LokiResponseEncoding expected) =>
        Assert.Equal(expected, LokiResponseEncodingHeader.Parse(header));

    [Fact]
    public void EngineResult_RoundTripsThroughWriter()
    {
        var source = new InMemoryLogSource();
        source.Append(TenantId.Fake, Labels.Parse("{app=\"a\"}"), 5, "hello \"quoted\"\n");
        var result = new LogQueryEngine().Execute(
            new LogQueryRequest { Tenant = TenantId.Fake, Query = "{app=\"a\"} |= \"hello\"", StartNanos = 0, EndNanos = 10 },
            [source],
            CancellationToken.None);
        using var doc = JsonDocument.Parse(Write(result, LokiResponseEncoding.None));
        var data = doc.RootElement.GetProperty("data");
        Assert.Equal("5", data.GetProperty("result")[0].GetProperty("values")[0][0].GetString());
        Assert.Equal("hello \"quoted\"\n", data.GetProperty("result")[0].GetProperty("values")[0][1].GetString());
        Assert.Equal(1, data.GetProperty("stats").GetProperty("summary").GetProperty("totalEntriesReturned").GetInt64());
    }
}

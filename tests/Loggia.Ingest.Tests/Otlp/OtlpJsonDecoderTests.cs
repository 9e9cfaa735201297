using System.Text;
using Loggia.Ingest.Loki;
using Loggia.Ingest.Otlp;

namespace Loggia.Ingest.Tests.Otlp;

public sealed class OtlpJsonDecoderTests
{
    private static readonly FixedTime Clock = new(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero));

    /// <summary>The OTLP/JSON logs example of opentelemetry-proto (examples/logs.json), with the mapping's extras.</summary>
    private const string SpecExample = """
        {
          "resourceLogs": [
            {
              "resource": {
                "attributes": [
                  { "key": "service.name", "value": { "stringValue": "my.service" } },
                  { "key": "host.name", "value": { "stringValue": "node-1" } },
                  { "key": "process", "value": { "kvlistValue": { "values": [ { "key": "pid", "value": { "intValue": "4242" } } ] } } }
                ]
              },
              "scopeLogs": [
                {
                  "scope": {
                    "name": "my.library",
                    "version": "1.0.0",
                    "attributes": [ { "key": "my.scope.attribute", "value": { "stringValue": "some scope attribute" } } ]
                  },
                  "logRecords": [
                    {
                      "timeUnixNano": "1544712660300000000",
                      "observedTimeUnixNano": "1544712660300000000",
                      "severityNumber": 10,
                      "severityText": "Information",
                      "traceId": "5B8EFFF798038103D269B633813FC60C",
                      "spanId": "EEE19B7EC3C1B174",
                      "body": { "stringValue": "Example log record" },
                      "attributes": [
                        { "key": "string.attribute", "value": { "stringValue": "some string" } },
                        { "key": "boolean.attribute", "value": { "boolValue": true } },
                        { "key": "int.attribute", "value": { "intValue": "10" } },
                        { "key": "double.attribute", "value": { "doubleValue": 637.704 } },
                        { "key": "array.attribute", "value": { "arrayValue": { "values": [ { "stringValue": "many" }, { "stringValue": "values" } ] } } },
                        { "key": "map.attribute", "value": { "kvlistValue": { "values": [ { "key": "some.map.key", "value": { "stringValue": "some value" } } ] } } }
                      ]
                    }
                  ]
                }
              ]
            }
          ]
        }
        """;

    private static PushRequest Decode(string json) => OtlpJsonDecoder.Decode(Encoding.UTF8.GetBytes(json), Clock);

    [Fact]
    public void SpecExample_MapsLikeLoki()
    {
        var push = Decode(SpecExample);

        var stream = Assert.Single(push.Streams);
        Assert.Equal("{service_name=\"my.service\"}", stream.Labels.ToString());
        var entry = Assert.Single(stream.Entries.ToArray());
        Assert.Equal(1544712660300000000L, entry.TimestampNanos);
        Assert.Equal("Example log record", Encoding.UTF8.GetString(entry.Line.Span));
        Assert.Equal(
            [
                ("string_attribute", "some string"), ("boolean_attribute", "true"), ("int_attribute", "10"), ("double_attribute", "637.704"),
                ("array_attribute", "[\"many\",\"values\"]"), ("map_attribute_some_map_key", "some value"),
                ("observed_timestamp", "1544712660300000000"), ("severity_number", "10"), ("severity_text", "Information"),
                ("trace_id", "5b8efff798038103d269b633813fc60c"), ("span_id", "eee19b7ec3c1b174"),
                ("host_name", "node-1"), ("process_pid", "4242"),
                ("my_scope_attribute", "some scope attribute"), ("scope_name", "my.library"), ("scope_version", "1.0.0"),
            ],
            entry.StructuredMetadata.ToArray().Select(p => (p.Name, p.Value)));
    }

    [Fact]
    public void JsonAndProtobuf_OfTheSameRequest_MapIdentically()
    {
        // The protobuf test request, written by hand in OTLP/JSON with snake_case names, numbers for int64 and the
        // enum by name: every spelling protobuf's JSON parsers accept.
        const string json = """
            {"resource_logs":[{"scope_logs":[{"log_records":[{
                "time_unix_nano":1700000000123456789,"observed_time_unix_nano":"1700000001000000000",
                "severity_number":"SEVERITY_NUMBER_ERROR","severity_text":"Error","body":{"string_value":"payment failed for order 42"},
                "dropped_attributes_count":1,"flags":1,"trace_id":"5b8efff798038103d269b633813fc60c","span_id":"eee19b7ec3c1b174",
                "attributes":[{"key":"http.method","value":{"stringValue":"POST"}},{"key":"retry","value":{"intValue":3}},
                  {"key":"ratio","value":{"doubleValue":0.25}},{"key":"cached","value":{"boolValue":false}},
                  {"key":"blob","value":{"bytesValue":"AQID"}},{"key":"tags","value":{"arrayValue":{"values":[{"stringValue":"a"},{"intValue":"1"}]}}},
                  {"value":{"kvlistValue":{"values":[{"key":"id","value":{"stringValue":"u-1"}},{"key":"geo","value":{"kvlistValue":{"values":[{"key":"country","value":{"stringValue":"NL"}}]}}}]}},"key":"user"}]}],
              "scope":{"name":"Checkout.Api","version":"1.2.0","dropped_attributes_count":2,"attributes":[{"key":"library.language","value":{"stringValue":"dotnet"}}]}}],
             "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}},{"key":"k8s.pod.name","value":{"stringValue":"checkout-7d4b9"}},
               {"key":"host.name","value":{"stringValue":"node-1"}},{"key":"process","value":{"kvlistValue":{"values":[{"key":"pid","value":{"intValue":"4242"}},{"key":"owner","value":{"stringValue":"root"}}]}}}]}}]}
            """;

        var fromJson = Decode(json);
        var fromProtobuf = OtlpProtobufDecoder.Decode(Google.Protobuf.MessageExtensions.ToByteArray(OtlpTestData.Full()), Clock);

        Assert.Equal(fromProtobuf.Streams[0].Labels, fromJson.Streams[0].Labels);
        var a = fromProtobuf.Streams[0].Entries.Span[0];
        var b = fromJson.Streams[0].Entries.Span[0];
        Assert.Equal(a.TimestampNanos, b.TimestampNanos);
        Assert.Equal(a.Line.ToArray(), b.Line.ToArray());
        Assert.Equal(OtlpTestData.FullMetadata, b.StructuredMetadata.ToArray().Select(p => (p.Name, p.Value)));
    }

    [Fact]
    public void EscapedBodies_AreUnescaped_NullsAreAbsent_UnknownFieldsIgnored()
    {
        var push = Decode("""
            {"resourceLogs":[{"resource":null,"unknown":{"deep":[1,2,{"x":null}]},"scopeLogs":[{"scope":null,"logRecords":[
              {"timeUnixNano":"1","body":{"stringValue":"tab\there \u00e9\n"},"traceId":"","attributes":null},
              {"timeUnixNano":"2","body":null,"severityNumber":null}]}]}]}
            """);

        var entries = push.Streams[0].Entries.ToArray();
        Assert.Equal("{service_name=\"unknown_service\"}", push.Streams[0].Labels.ToString());
        Assert.Equal("tab\there é\n", Encoding.UTF8.GetString(entries[0].Line.Span));
        Assert.True(entries[0].StructuredMetadata.IsEmpty);
        Assert.Equal(0, entries[1].Line.Length);
    }

    [Theory]
    [InlineData("", "invalid JSON")]
    [InlineData("[]", "expected an object")]
    [InlineData("{\"resourceLogs\":{}}", "expected an array")]
    [InlineData("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":\"12x\"}]}]}]}", "timeUnixNano")]
    [InlineData("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"traceId\":\"abc\"}]}]}]}", "traceId")]
    [InlineData("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":{\"intValue\":\"1.5\"}}]}]}]}", "intValue")]
    [InlineData("{\"resourceLogs\":[]} trailing", "invalid JSON")]
    public void MalformedJson_IsAClear400(string json, string expected)
    {
        var e = Assert.Throws<PushRequestException>(() => Decode(json));
        Assert.Equal(400, e.StatusCode);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedAtEveryLength_NeverCrashes()
    {
        byte[] json = Encoding.UTF8.GetBytes(SpecExample);
        for (int length = 0; length < json.Length; length++)
        {
            var e = Assert.Throws<PushRequestException>(() => OtlpJsonDecoder.Decode(json.AsMemory(0, length), Clock));
            Assert.Equal(400, e.StatusCode);
        }
    }

    [Fact]
    public void RandomlyCorruptedJson_DecodesOrFailsWithA400()
    {
        byte[] original = Encoding.UTF8.GetBytes(SpecExample);
        var random = new Random(11);
        const string alphabet = "{}[]\":,0123456789abcdefnulltrue\\ ";
        for (int i = 0; i < 3000; i++)
        {
            byte[] corrupt = (byte[])original.Clone();
            int flips = 1 + random.Next(3);
            for (int f = 0; f < flips; f++)
            {
                corrupt[random.Next(corrupt.Length)] = (byte)alphabet[random.Next(alphabet.Length)];
            }

            try
            {
                OtlpJsonDecoder.Decode(corrupt, Clock);
            }
            catch (PushRequestException e)
            {
                Assert.Equal(400, e.StatusCode);
            }
        }
    }
}

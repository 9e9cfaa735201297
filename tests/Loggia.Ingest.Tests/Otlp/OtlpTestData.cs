using Google.Protobuf;
using Loggia.Ingest.Tests.Otlp.Proto.Collector;
using Loggia.Ingest.Tests.Otlp.Proto.Common;
using Loggia.Ingest.Tests.Otlp.Proto.Logs;
using Loggia.Ingest.Tests.Otlp.Proto.Resource;

namespace Loggia.Ingest.Tests.Otlp;

/// <summary>OTLP test messages encoded by Google.Protobuf from the opentelemetry-proto schema.</summary>
internal static class OtlpTestData
{
    public const ulong Time = 1_700_000_000_123_456_789;
    public const ulong Observed = 1_700_000_001_000_000_000;

    public static readonly byte[] TraceId = Convert.FromHexString("5B8EFFF798038103D269B633813FC60C");
    public static readonly byte[] SpanId = Convert.FromHexString("EEE19B7EC3C1B174");

    public static KeyValue Attr(string key, AnyValue value) => new() { Key = key, Value = value };

    public static KeyValue Attr(string key, string value) => Attr(key, new AnyValue { StringValue = value });

    public static AnyValue Map(params KeyValue[] values)
    {
        var list = new KeyValueList();
        list.Values.AddRange(values);
        return new AnyValue { KvlistValue = list };
    }

    public static AnyValue Array(params AnyValue[] values)
    {
        var array = new ArrayValue();
        array.Values.AddRange(values);
        return new AnyValue { ArrayValue = array };
    }

    /// <summary>A request exercising every part of the mapping.</summary>
    public static ExportLogsServiceRequest Full()
    {
        var resource = new Resource();
        resource.Attributes.Add(Attr("service.name", "checkout"));
        resource.Attributes.Add(Attr("k8s.pod.name", "checkout-7d4b9"));
        resource.Attributes.Add(Attr("host.name", "node-1"));
        resource.Attributes.Add(Attr("process", Map(Attr("pid", new AnyValue { IntValue = 4242 }), Attr("owner", "root"))));
        var scope = new InstrumentationScope { Name = "Checkout.Api", Version = "1.2.0", DroppedAttributesCount = 2 };
        scope.Attributes.Add(Attr("library.language", "dotnet"));
        var record = new LogRecord
        {
            TimeUnixNano = Time,
            ObservedTimeUnixNano = Observed,
            SeverityNumber = SeverityNumber.Error,
            SeverityText = "Error",
            Body = new AnyValue { StringValue = "payment failed for order 42" },
            DroppedAttributesCount = 1,
            Flags = 1,
            TraceId = ByteString.CopyFrom(TraceId),
            SpanId = ByteString.CopyFrom(SpanId),
        };
        record.Attributes.Add(Attr("http.method", "POST"));
        record.Attributes.Add(Attr("retry", new AnyValue { IntValue = 3 }));
        record.Attributes.Add(Attr("ratio", new AnyValue { DoubleValue = 0.25 }));
        record.Attributes.Add(Attr("cached", new AnyValue { BoolValue = false }));
        record.Attributes.Add(Attr("blob", new AnyValue { BytesValue = ByteString.CopyFrom([1, 2, 3]) }));
        record.Attributes.Add(Attr("tags", Array(new AnyValue { StringValue = "a" }, new AnyValue { IntValue = 1 })));
        record.Attributes.Add(Attr("user", Map(Attr("id", "u-1"), Attr("geo", Map(Attr("country", "NL"))))));
        var scopeLogs = new ScopeLogs { Scope = scope };
        scopeLogs.LogRecords.Add(record);
        var resourceLogs = new ResourceLogs { Resource = resource };
        resourceLogs.ScopeLogs.Add(scopeLogs);
        var request = new ExportLogsServiceRequest();
        request.ResourceLogs.Add(resourceLogs);
        return request;
    }

    /// <summary>A request with one resource (attributes given) holding records with the given bodies.</summary>
    public static ExportLogsServiceRequest WithBodies(IEnumerable<KeyValue> resourceAttributes, params AnyValue[] bodies)
    {
        var resource = new Resource();
        resource.Attributes.AddRange(resourceAttributes);
        var scopeLogs = new ScopeLogs();
        ulong t = Time;
        foreach (var body in bodies)
        {
            scopeLogs.LogRecords.Add(new LogRecord { TimeUnixNano = t++, Body = body });
        }

        var resourceLogs = new ResourceLogs { Resource = resource };
        resourceLogs.ScopeLogs.Add(scopeLogs);
        var request = new ExportLogsServiceRequest();
        request.ResourceLogs.Add(resourceLogs);
        return request;
    }

    /// <summary>The structured metadata Loki stores for <see cref="Full"/>, in Loki's order.</summary>
    public static readonly (string Name, string Value)[] FullMetadata =
    [
        ("http_method", "POST"),
        ("retry", "3"),
        ("ratio", "0.25"),
        ("cached", "false"),
        ("blob", "AQID"),
        ("tags", "[\"a\",1]"),
        ("user_id", "u-1"),
        ("user_geo_country", "NL"),
        ("observed_timestamp", "1700000001000000000"),
        ("severity_number", "17"),
        ("severity_text", "Error"),
        ("dropped_attributes_count", "1"),
        ("flags", "1"),
        ("trace_id", "5b8efff798038103d269b633813fc60c"),
        ("span_id", "eee19b7ec3c1b174"),
        ("host_name", "node-1"),
        ("process_pid", "4242"),
        ("process_owner", "root"),
        ("library_language", "dotnet"),
        ("scope_name", "Checkout.Api"),
        ("scope_version", "1.2.0"),
        ("scope_dropped_attributes_count", "2"),
    ];
}

using System.Diagnostics.Metrics;
using System.Text;
using Loggia.Core.Model;
using Loggia.Ingest.Loki;

namespace Loggia.Ingest.Tests.Loki;

public class PushValidatorTests
{
    /// <summary>2024-05-01T12:00:00Z.</summary>
    private static readonly DateTimeOffset Now = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly long NowNanos = (Now.UtcTicks - DateTime.UnixEpoch.Ticks) * 100;
    private static readonly TenantId Tenant = TenantId.Create("validator-tests");

    private static PushValidator Validator(LokiLimits? limits = null, IngestMetrics? metrics = null) =>
        new(limits ?? LokiLimits.Default, new FixedTime(Now), metrics);

    private static LogEntry Entry(long nanos, string line, params LabelPair[] metadata) =>
        new(nanos, Encoding.UTF8.GetBytes(line), metadata);

    private static PushRequest Request(params PushStream[] streams) => new(streams);

    private static PushStream Stream(string labels, params LogEntry[] entries) => PushStream.Create(labels, entries);

    [Fact]
    public void ValidPush_Is204AndKeepsTheSameRequest()
    {
        PushRequest request = Request(Stream("{app=\"api\"}", Entry(NowNanos, "ok")));
        PushValidationResult result = Validator().Validate(Tenant, request);
        Assert.Equal(204, result.StatusCode);
        Assert.Null(result.ErrorMessage);
        Assert.Empty(result.Rejections);
        Assert.Same(request, result.Accepted);
    }

    [Fact]
    public void Defaults_AreLokis()
    {
        LokiLimits limits = LokiLimits.Default;
        Assert.Equal(15, limits.MaxLabelNamesPerSeries);
        Assert.Equal(1024, limits.MaxLabelNameLength);
        Assert.Equal(2048, limits.MaxLabelValueLength);
        Assert.Equal(262_144, limits.MaxLineSize);
        Assert.False(limits.MaxLineSizeTruncate);
        Assert.True(limits.RejectOldSamples);
        Assert.Equal(TimeSpan.FromHours(168), limits.RejectOldSamplesMaxAge);
        Assert.Equal(TimeSpan.FromMinutes(10), limits.CreationGracePeriod);
        Assert.True(limits.AllowStructuredMetadata);
        Assert.Equal(65_536, limits.MaxStructuredMetadataSize);
        Assert.Equal(128, limits.MaxStructuredMetadataEntriesCount);
    }

    [Fact]
    public void OldEntry_IsRejectedWithLokiMessage_AndTheOthersAreKept()
    {
        long old = NowNanos - TimeSpan.FromDays(8).Ticks * 100;
        PushRequest request = Request(Stream("{app=\"api\",  env=\"prod\"}", Entry(old, "old"), Entry(NowNanos, "new")));
        PushValidationResult result = Validator().Validate(Tenant, request);

        Assert.Equal(400, result.StatusCode);
        PushRejection rejection = Assert.Single(result.Rejections);
        Assert.Equal("greater_than_max_sample_age", rejection.Reason);
        Assert.Equal((0, 0, 1, 3L), (rejection.StreamIndex, rejection.EntryIndex, rejection.EntryCount, rejection.Bytes));
        Assert.Equal(
            "entry for stream '{app=\"api\", env=\"prod\"}' has timestamp too old: 2024-04-23T12:00:00Z, oldest acceptable timestamp is: 2024-04-24T12:00:00Z",
            rejection.Message);
        Assert.Equal(rejection.Message, result.ErrorMessage);
        Assert.Equal(1, result.AcceptedEntries);
        Assert.Equal("new", TestBodies.Line(result.Accepted.Streams[0].Entries.Span[0]));
    }

    [Fact]
    public void OldEntry_IsKeptWhenRejectOldSamplesIsOff()
    {
        long old = NowNanos - TimeSpan.FromDays(30).Ticks * 100;
        var limits = new LokiLimits { RejectOldSamples = false };
        Assert.Equal(204, Validator(limits).Validate(Tenant, Request(Stream("{a=\"b\"}", Entry(old, "x")))).StatusCode);
    }

    [Fact]
    public void FutureEntry_BeyondGracePeriod_IsRejected()
    {
        long withinGrace = NowNanos + TimeSpan.FromMinutes(9).Ticks * 100;
        long beyond = NowNanos + TimeSpan.FromMinutes(11).Ticks * 100;
        PushValidationResult result = Validator().Validate(Tenant, Request(Stream("{a=\"b\"}", Entry(withinGrace, "ok"), Entry(beyond, "no"))));
        PushRejection rejection = Assert.Single(result.Rejections);
        Assert.Equal("too_far_in_future", rejection.Reason);
        Assert.Equal("entry for stream '{a=\"b\"}' has timestamp too new: 2024-05-01T12:11:00Z", rejection.Message);
        Assert.Equal(1, rejection.EntryIndex);
    }

    [Fact]
    public void LongLine_IsRejectedWithLokiMessage()
    {
        var limits = new LokiLimits { MaxLineSize = 10 };
        PushValidationResult result = Validator(limits).Validate(Tenant, Request(Stream("{a=\"b\"}", Entry(NowNanos, "0123456789"), Entry(NowNanos, "0123456789x"))));
        PushRejection rejection = Assert.Single(result.Rejections);
        Assert.Equal("line_too_long", rejection.Reason);
        Assert.Equal("Max entry size '10' bytes exceeded for stream '{a=\"b\"}' while adding an entry with length '11' bytes", rejection.Message);
    }

    [Fact]
    public void LongLine_IsTruncatedWhenTruncationIsOn()
    {
        var limits = new LokiLimits { MaxLineSize = 5, MaxLineSizeTruncate = true, MaxLineSizeTruncateIdentifier = "~" };
        PushValidationResult result = Validator(limits).Validate(Tenant, Request(Stream("{a=\"b\"}", Entry(NowNanos, "0123456789"), Entry(NowNanos, "abc"))));
        Assert.Equal(204, result.StatusCode);
        Assert.Equal("0123~", TestBodies.Line(result.Accepted.Streams[0].Entries.Span[0]));
        Assert.Equal("abc", TestBodies.Line(result.Accepted.Streams[0].Entries.Span[1]));
    }

    [Fact]
    public void UnparsableLabels_RejectTheWholeStreamOnly()
    {
        PushRequest request = Request(
            Stream("{app=\"x\"", Entry(NowNanos, "a"), Entry(NowNanos, "bb")),
            Stream("{app=\"y\"}", Entry(NowNanos, "c")));
        PushValidationResult result = Validator().Validate(Tenant, request);
        PushRejection rejection = Assert.Single(result.Rejections);
        Assert.Equal("invalid_labels", rejection.Reason);
        Assert.Equal((-1, 2, 3L), (rejection.EntryIndex, rejection.EntryCount, rejection.Bytes));
        Assert.StartsWith("Error parsing labels '{app=\"x\"' with error: 1:", rejection.Message, StringComparison.Ordinal);
        Assert.Equal("{app=\"y\"}", Assert.Single(result.Accepted.Streams).RawLabels);
    }

    [Fact]
    public void EmptyLabels_AreMissingLabels()
    {
        PushValidationResult result = Validator().Validate(Tenant, Request(Stream("{}", Entry(NowNanos, "a"))));
        Assert.Equal("missing_labels", Assert.Single(result.Rejections).Reason);
        Assert.Equal("error at least one label pair is required per stream", result.ErrorMessage);
        Assert.Equal(0, result.AcceptedEntries);
    }

    [Fact]
    public void TooManyLabelNames_AreRejected_ServiceNameNotCounted()
    {
        var limits = new LokiLimits { MaxLabelNamesPerSeries = 2 };
        string tooMany = "{a=\"1\", b=\"2\", c=\"3\"}";
        PushValidationResult result = Validator(limits).Validate(Tenant, Request(
            Stream(tooMany, Entry(NowNanos, "x")),
            Stream("{a=\"1\", b=\"2\", service_name=\"s\"}", Entry(NowNanos, "y"))));
        PushRejection rejection = Assert.Single(result.Rejections);
        Assert.Equal("max_label_names_per_series", rejection.Reason);
        Assert.Equal("entry for stream '{a=\"1\", b=\"2\", c=\"3\"}' has 3 label names; limit 2", rejection.Message);
    }

    [Fact]
    public void LongLabelName_IsRejected()
    {
        var limits = new LokiLimits { MaxLabelNameLength = 3 };
        PushValidationResult result = Validator(limits).Validate(Tenant, Request(Stream("{abcd=\"1\"}", Entry(NowNanos, "x"))));
        PushRejection rejection = Assert.Single(result.Rejections);
        Assert.Equal("label_name_too_long", rejection.Reason);
        Assert.Equal("stream '{abcd=\"1\"}' has label name too long: 'abcd'", rejection.Message);
    }

    [Fact]
    public void LongLabelValue_IsRejected()
    {
        var limits = new LokiLimits { MaxLabelValueLength = 3 };
        PushValidationResult result = Validator(limits).Validate(Tenant, Request(Stream("{a=\"1234\"}", Entry(NowNanos, "x"))));
        PushRejection rejection = Assert.Single(result.Rejections);
        Assert.Equal("label_value_too_long", rejection.Reason);
        Assert.Equal("stream '{a=\"1234\"}' has label value too long: '1234'", rejection.Message);
    }

    [Fact]
    public void DuplicateLabelNames_AreRejected()
    {
        PushValidationResult result = Validator().Validate(Tenant, Request(Stream("{a=\"1\", a=\"2\"}", Entry(NowNanos, "x"))));
        PushRejection rejection = Assert.Single(result.Rejections);
        Assert.Equal("duplicate_label_names", rejection.Reason);
        Assert.Equal("stream '{a=\"1\", a=\"2\"}' has duplicate label name: 'a'", rejection.Message);
    }

    [Fact]
    public void StructuredMetadata_DisallowedTooLargeTooMany_AreRejected()
    {
        var pair = new LabelPair("trace_id", "0123456789");
        PushRequest request = Request(Stream("{a=\"b\"}", Entry(NowNanos, "x", pair)));

        PushRejection disallowed = Assert.Single(Validator(new LokiLimits { AllowStructuredMetadata = false }).Validate(Tenant, request).Rejections);
        Assert.Equal("disallowed_structured_metadata", disallowed.Reason);
        Assert.Equal("stream '{a=\"b\"}' includes structured metadata, but this feature is disallowed. Please see `limits_config.allow_structured_metadata` or contact your Loki administrator to enable it.", disallowed.Message);

        PushRejection tooLarge = Assert.Single(Validator(new LokiLimits { MaxStructuredMetadataSize = 10 }).Validate(Tenant, request).Rejections);
        Assert.Equal("structured_metadata_too_large", tooLarge.Reason);
        Assert.Equal("stream '{a=\"b\"}' has structured metadata too large: '18' bytes, limit: '10' bytes. Please see `limits_config.max_structured_metadata_size` or contact your Loki administrator to increase it.", tooLarge.Message);
        Assert.Equal(1 + 18, tooLarge.Bytes);

        PushRequest two = Request(Stream("{a=\"b\"}", Entry(NowNanos, "x", pair, new LabelPair("u", "v"))));
        PushRejection tooMany = Assert.Single(Validator(new LokiLimits { MaxStructuredMetadataEntriesCount = 1 }).Validate(Tenant, two).Rejections);
        Assert.Equal("structured_metadata_too_many", tooMany.Reason);
        Assert.Equal("stream '{a=\"b\"}' has too many structured metadata labels: '2', limit: '1'. Please see `limits_config.max_structured_metadata_entries_count` or contact your Loki administrator to increase it.", tooMany.Message);
    }

    [Fact]
    public void ErrorMessage_GroupsIdenticalMessagesLikeLoki()
    {
        var limits = new LokiLimits { MaxLineSize = 1 };
        long future = NowNanos + TimeSpan.FromHours(1).Ticks * 100;
        PushValidationResult same = Validator(limits).Validate(Tenant, Request(Stream("{a=\"b\"}", Entry(NowNanos, "xx"), Entry(NowNanos, "xx"))));
        Assert.Equal("2 errors like: Max entry size '1' bytes exceeded for stream '{a=\"b\"}' while adding an entry with length '2' bytes", same.ErrorMessage);

        PushValidationResult mixed = Validator(limits).Validate(Tenant, Request(Stream("{a=\"b\"}", Entry(NowNanos, "xx"), Entry(future, "y"))));
        Assert.Equal(
            "1 errors like: Max entry size '1' bytes exceeded for stream '{a=\"b\"}' while adding an entry with length '2' bytes; 1 errors like: entry for stream '{a=\"b\"}' has timestamp too new: 2024-05-01T13:00:00Z",
            mixed.ErrorMessage);
    }

    [Fact]
    public void StreamsWithoutEntries_AreSkipped()
    {
        PushValidationResult result = Validator().Validate(Tenant, Request(Stream("{bad", []), Stream("{a=\"b\"}", Entry(NowNanos, "x"))));
        Assert.Equal(204, result.StatusCode);
        Assert.Single(result.Accepted.Streams);
    }

    [Fact]
    public void Rejections_AreCountedByReasonAndTenant()
    {
        var tenant = TenantId.Create("metrics-" + Guid.NewGuid().ToString("N"));
        var samples = new Dictionary<string, long>();
        var bytes = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == IngestMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? reason = null;
            string? tenantTag = null;
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag.Key == "reason")
                {
                    reason = (string?)tag.Value;
                }
                else if (tag.Key == "tenant")
                {
                    tenantTag = (string?)tag.Value;
                }
            }

            if (tenantTag != tenant.Value)
            {
                return;
            }

            Dictionary<string, long> target = instrument.Name == "loggia_discarded_samples_total" ? samples : bytes;
            lock (target)
            {
                target[reason!] = target.GetValueOrDefault(reason!) + value;
            }
        });
        listener.Start();

        using var metrics = new IngestMetrics();
        var limits = new LokiLimits { MaxLineSize = 3 };
        long old = NowNanos - TimeSpan.FromDays(10).Ticks * 100;
        Validator(limits, metrics).Validate(tenant, Request(
            Stream("{a=\"b\"}", Entry(NowNanos, "long"), Entry(NowNanos, "longer"), Entry(old, "ok")),
            Stream("{}", Entry(NowNanos, "xy"))));

        Assert.Equal(2, samples["line_too_long"]);
        Assert.Equal(10, bytes["line_too_long"]);
        Assert.Equal(1, samples["greater_than_max_sample_age"]);
        Assert.Equal(1, samples["missing_labels"]);
        Assert.Equal(2, bytes["missing_labels"]);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

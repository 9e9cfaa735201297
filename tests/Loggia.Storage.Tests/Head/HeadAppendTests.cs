using System.Text;
using Loggia.Core.Model;
using Loggia.Storage.Head;
using static Loggia.Storage.Tests.Head.HeadTestSupport;
using HeadStore = Loggia.Storage.Head.Head;

namespace Loggia.Storage.Tests.Head;

public sealed class HeadAppendTests
{
    private static readonly Labels Api = Labels.Parse("{app=\"api\"}");

    private static HeadStore NewHead(int chunkEntries = 16) => new(new HeadOptions { ChunkEntries = chunkEntries, TimeProvider = new ManualTimeProvider() });

    [Fact]
    public void InOrderAppends_ReadBackInOrder()
    {
        using HeadStore head = NewHead();
        var entries = new LogEntry[100];
        for (int i = 0; i < entries.Length; i++)
        {
            entries[i] = Entry(BaseNanos + i, "line " + i);
        }

        HeadAppendResult result = head.Append(Tenant, Api, entries);

        Assert.Equal(100, result.Appended);
        List<(long Ts, string Line)> read = ReadAll(head, Tenant, Api);
        Assert.Equal(100, read.Count);
        for (int i = 0; i < 100; i++)
        {
            Assert.Equal((BaseNanos + i, "line " + i), read[i]);
        }
    }

    [Fact]
    public void OutOfOrderAppends_AcrossOpenAndSealedChunks_ReadBackSorted()
    {
        using HeadStore head = NewHead(chunkEntries: 16);
        var random = new Random(7);
        var expected = new List<long>();
        for (int batch = 0; batch < 20; batch++)
        {
            var entries = new LogEntry[10];
            for (int i = 0; i < entries.Length; i++)
            {
                long ts = BaseNanos + random.Next(0, 1000) * Second;
                entries[i] = Entry(ts, $"b{batch} i{i}");
                expected.Add(ts);
            }

            head.Append(Tenant, Api, entries);

            HeadStreamSnapshot snapshot = head.Select(Tenant, _ => true, long.MinValue, long.MaxValue)[0];
            AssertSorted(snapshot);
            Assert.Equal(expected.Count, snapshot.Count);
        }

        expected.Sort();
        Assert.Equal(expected, ReadAll(head, Tenant, Api).ConvertAll(e => e.Ts));
    }

    [Fact]
    public void EqualTimestamps_KeepArrivalOrder()
    {
        using HeadStore head = NewHead(chunkEntries: 16);
        head.Append(Tenant, Api, [Entry(BaseNanos + 5, "late"), Entry(BaseNanos, "a"), Entry(BaseNanos, "b"), Entry(BaseNanos, "c")]);

        Assert.Equal(["a", "b", "c", "late"], ReadAll(head, Tenant, Api).ConvertAll(e => e.Line));
    }

    [Fact]
    public void EntryOlderThanWindow_IsRejectedWithLokisReasonAndMessage()
    {
        using HeadStore head = NewHead();
        long newest = BaseNanos + 3 * 3600 * Second; // 2025-01-01T15:00:00Z
        long old = BaseNanos + 1800 * Second + 123;   // 2025-01-01T12:30:00.000000123Z
        var outcomes = new HeadAppendOutcome[3];

        HeadAppendResult result = head.Append(Tenant, Api, [Entry(newest, "new"), Entry(old, "old"), Entry(newest - 3600 * Second, "exactly at cutoff")], outcomes);

        Assert.Equal([HeadAppendOutcome.Appended, HeadAppendOutcome.TooFarBehind, HeadAppendOutcome.Appended], outcomes);
        Assert.Equal(2, result.Appended);
        HeadRejection rejection = Assert.Single(result.Rejections!);
        Assert.Equal(1, rejection.Index);
        Assert.Equal("too_far_behind", HeadRejection.TooFarBehindReason);
        Assert.Equal(
            "entry too far behind, entry timestamp is: 2025-01-01T12:30:00Z, oldest acceptable timestamp is: 2025-01-01T14:00:00Z",
            rejection.Message);
    }

    [Fact]
    public void Cutoff_FollowsTheNewestTimestampWithinTheBatch()
    {
        using HeadStore head = NewHead();
        var outcomes = new HeadAppendOutcome[3];

        head.Append(Tenant, Api, [Entry(BaseNanos, "a"), Entry(BaseNanos + 2 * 3600 * Second, "b"), Entry(BaseNanos + 1, "c")], outcomes);

        Assert.Equal(HeadAppendOutcome.TooFarBehind, outcomes[2]);
    }

    [Fact]
    public void SameTimestampAndLine_IsDroppedSilently_EvenOutOfOrder()
    {
        using HeadStore head = NewHead(chunkEntries: 16);
        var outcomes = new HeadAppendOutcome[4];
        head.Append(Tenant, Api, [Entry(BaseNanos, "a"), Entry(BaseNanos + 1, "b")]);
        for (int i = 0; i < 40; i++)
        {
            head.Append(Tenant, Api, [Entry(BaseNanos + 100 + i, "filler")]); // seal the first chunk
        }

        HeadAppendResult result = head.Append(Tenant, Api, [Entry(BaseNanos, "a"), Entry(BaseNanos + 139, "filler"), Entry(BaseNanos, "a2"), Entry(BaseNanos + 1, "b")], outcomes);

        Assert.Equal([HeadAppendOutcome.Duplicate, HeadAppendOutcome.Duplicate, HeadAppendOutcome.Appended, HeadAppendOutcome.Duplicate], outcomes);
        Assert.Equal(3, result.Duplicates);
        Assert.Equal(0, result.Rejected);
        Assert.Null(result.Rejections);
        Assert.Equal(43, head.Entries);
    }

    [Fact]
    public void SameTimestampDifferentLine_BothKept()
    {
        using HeadStore head = NewHead();
        head.Append(Tenant, Api, [Entry(BaseNanos, "x"), Entry(BaseNanos, "y"), Entry(BaseNanos, "x")]);

        Assert.Equal(["x", "y"], ReadAll(head, Tenant, Api).ConvertAll(e => e.Line));
    }

    [Fact]
    public void FingerprintCollision_KeepsBothStreamsApart()
    {
        // Every label set gets fingerprint 42: two different streams collide.
        using var head = new HeadStore(new HeadOptions { TimeProvider = new ManualTimeProvider() }, _ => 42UL);
        Labels a = Labels.Parse("{app=\"a\"}");
        Labels b = Labels.Parse("{app=\"b\"}");

        head.Append(Tenant, a, [Entry(BaseNanos, "from a")]);
        head.Append(Tenant, b, [Entry(BaseNanos, "from b")]);
        head.Append(Tenant, Labels.Parse("{app=\"a\"}"), [Entry(BaseNanos + 1, "from a again")]);

        Assert.Equal(2, head.Streams);
        Assert.Equal(["from a", "from a again"], ReadAll(head, Tenant, a).ConvertAll(e => e.Line));
        Assert.Equal(["from b"], ReadAll(head, Tenant, b).ConvertAll(e => e.Line));
        HeadSelection all = head.Select(Tenant, _ => true, long.MinValue, long.MaxValue);
        Assert.All(all, s => Assert.Equal(42UL, s.Fingerprint));
    }

    [Fact]
    public void Append_CopiesLinesAndMetadata_SourceBuffersMayBeReused()
    {
        using HeadStore head = NewHead();
        byte[] buffer = Encoding.UTF8.GetBytes("hello world");
        var metadata = new LabelPair[] { new("trace_id", "t1") };

        head.Append(Tenant, Api, [new LogEntry(BaseNanos, buffer.AsMemory(0, 5), metadata)]);
        buffer.AsSpan().Fill((byte)'#');
        metadata[0] = new LabelPair("trace_id", "changed");

        HeadStreamSnapshot snapshot = head.Select(Tenant, _ => true, long.MinValue, long.MaxValue)[0];
        Assert.Equal("hello", Encoding.UTF8.GetString(snapshot.Line(0).Span));
        Assert.Equal([new LabelPair("trace_id", "t1")], snapshot.Metadata(0).ToArray());
    }

    [Fact]
    public void LargeLines_AreCopiedToo()
    {
        using HeadStore head = NewHead();
        byte[] big = new byte[200_000];
        big.AsSpan().Fill((byte)'a');

        head.Append(Tenant, Api, [new LogEntry(BaseNanos, big), Entry(BaseNanos + 1, "small")]);
        big.AsSpan().Fill((byte)'b');

        HeadStreamSnapshot snapshot = head.Select(Tenant, _ => true, long.MinValue, long.MaxValue)[0];
        Assert.True(snapshot.Line(0).Span.IndexOfAnyExcept((byte)'a') < 0);
        Assert.Equal("small", Encoding.UTF8.GetString(snapshot.Line(1).Span));
    }

    [Fact]
    public void SizeAccounting_CountsLinePlusMetadataBytes_PerTenantAndInTotal()
    {
        using HeadStore head = NewHead();
        TenantId other = TenantId.Create("other");

        head.Append(Tenant, Api, [Entry(BaseNanos, "12345", ("k", "vv")), Entry(BaseNanos + 1, "123")]);
        head.Append(Tenant, Labels.Parse("{app=\"web\"}"), [Entry(BaseNanos, "1234567890")]);
        head.Append(other, Api, [Entry(BaseNanos, "ab"), Entry(BaseNanos, "ab")]);

        Assert.Equal(5 + 3 + 3 + 10, head.TenantBytes(Tenant));
        Assert.Equal(3, head.TenantEntries(Tenant));
        Assert.Equal(2, head.TenantBytes(other));
        Assert.Equal(1, head.TenantEntries(other));
        Assert.Equal(23, head.Bytes);
        Assert.Equal(4, head.Entries);
        Assert.Equal(3, head.Streams);
    }

    [Fact]
    public void Metrics_ReportGaugesAndCounters()
    {
        var measurements = new Dictionary<string, long>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        using HeadStore head = NewHead();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, head.Metrics.Meter))
            {
                l.EnableMeasurementEvents(instrument, head);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, state) =>
        {
            if (ReferenceEquals(state, head))
            {
                measurements[instrument.Name] = measurements.GetValueOrDefault(instrument.Name) + value;
            }
        });
        listener.Start();

        head.Append(Tenant, Api, [Entry(BaseNanos + 2 * 3600 * Second, "abc"), Entry(BaseNanos + 2 * 3600 * Second, "abc"), Entry(BaseNanos, "old")]);
        listener.RecordObservableInstruments();

        Assert.Equal(1, measurements["loggia_head_appended_entries_total"]);
        Assert.Equal(1, measurements["loggia_head_deduplicated_entries_total"]);
        Assert.Equal(1, measurements["loggia_head_rejected_entries_total"]);
        Assert.Equal(3, measurements["loggia_head_bytes"]);
        Assert.Equal(1, measurements["loggia_head_entries"]);
        Assert.Equal(1, measurements["loggia_head_streams"]);
    }
}

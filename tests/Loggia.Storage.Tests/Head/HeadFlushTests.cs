using Loggia.Core.Model;
using Loggia.Parquet.Data;
using Loggia.Storage.Blocks;
using Loggia.Storage.Head;
using Loggia.Storage.Tests.Wal;
using Loggia.Storage.Wal;
using static Loggia.Storage.Tests.Head.HeadTestSupport;
using HeadStore = Loggia.Storage.Head.Head;

namespace Loggia.Storage.Tests.Head;

public sealed class HeadFlushTests
{
    private static readonly Labels A = Labels.Parse("{app=\"a\"}");
    private static readonly Labels B = Labels.Parse("{app=\"b\"}");

    private readonly ManualTimeProvider _time = new();

    private HeadStore NewHead(long maxTenantBytes = 1 << 30) => new(new HeadOptions
    {
        ChunkEntries = 16,
        MaxTenantBytes = maxTenantBytes,
        MaxChunkAge = TimeSpan.FromHours(2),
        ChunkIdlePeriod = TimeSpan.FromMinutes(30),
        TimeProvider = _time,
    });

    [Fact]
    public void NothingDue_ReturnsNull()
    {
        using HeadStore head = NewHead();
        head.Append(Tenant, A, [Entry(BaseNanos, "x")]);

        Assert.Null(head.TakeFlushable(Tenant));
        Assert.Null(head.TakeFlushable(TenantId.Create("nobody")));
    }

    [Fact]
    public void TenantOverSize_FlushesAllItsStreams()
    {
        using HeadStore head = NewHead(maxTenantBytes: 10);
        head.Append(Tenant, A, [Entry(BaseNanos, "12345")]);
        Assert.Null(head.TakeFlushable(Tenant));
        head.Append(Tenant, B, [Entry(BaseNanos, "123456")]);

        HeadFlush flush = head.TakeFlushable(Tenant)!;

        Assert.Equal(HeadFlushReason.Size, flush.Reason);
        Assert.Equal(2, flush.Streams.Count);
        Assert.Equal(2, flush.Entries);
        Assert.Equal(11, flush.Bytes);
    }

    [Fact]
    public void IdleStream_IsFlushed_ActiveStreamIsNot()
    {
        using HeadStore head = NewHead();
        head.Append(Tenant, A, [Entry(BaseNanos, "a")]);
        _time.Advance(TimeSpan.FromMinutes(20));
        head.Append(Tenant, B, [Entry(BaseNanos, "b")]);
        _time.Advance(TimeSpan.FromMinutes(10));

        HeadFlush flush = head.TakeFlushable(Tenant)!;

        Assert.Equal(HeadFlushReason.Idle, flush.Reason);
        BlockStreamInput stream = Assert.Single(flush.Streams);
        Assert.Equal("{app=\"a\"}", stream.LabelsText);
        Assert.Equal(A.Fingerprint, stream.Fingerprint);
        Assert.Equal([new KeyValuePair<string, string>("app", "a")], stream.Labels);
    }

    [Fact]
    public void StreamPastMaxAge_IsFlushedEvenWhileActive()
    {
        using HeadStore head = NewHead();
        for (int minute = 0; minute <= 120; minute += 10)
        {
            head.Append(Tenant, A, [Entry(BaseNanos + minute * 60 * Second, "m" + minute)]);
            if (minute < 120)
            {
                Assert.Null(head.TakeFlushable(Tenant));
                _time.Advance(TimeSpan.FromMinutes(10));
            }
        }

        HeadFlush flush = head.TakeFlushable(Tenant)!;

        Assert.Equal(HeadFlushReason.MaxAge, flush.Reason);
        Assert.Equal(13, flush.Entries);
    }

    [Fact]
    public void FlushAll_TakesEverything_AndOnlyOneFlushPerTenantAtATime()
    {
        using HeadStore head = NewHead();
        head.Append(Tenant, A, [Entry(BaseNanos, "a")]);
        head.Append(Tenant, B, [Entry(BaseNanos + 1, "b")]);

        HeadFlush flush = head.TakeFlushable(Tenant, HeadFlushMode.All)!;
        Assert.Equal(HeadFlushReason.Forced, flush.Reason);
        Assert.Equal(2, flush.Streams.Count);
        Assert.Equal(BaseNanos, flush.MinTimestamp);
        Assert.Equal(BaseNanos + 1, flush.MaxTimestamp);
        Assert.Null(head.TakeFlushable(Tenant, HeadFlushMode.All));

        head.CompleteFlush(flush);
        Assert.Throws<InvalidOperationException>(() => head.CompleteFlush(flush));
    }

    [Fact]
    public void FlushedEntries_AreSortedEvenWhenChunksOverlap()
    {
        using HeadStore head = NewHead();
        var random = new Random(3);
        for (int i = 0; i < 100; i++)
        {
            head.Append(Tenant, A, [Entry(BaseNanos + random.Next(1000), "e" + i)]);
        }

        HeadFlush flush = head.TakeFlushable(Tenant, HeadFlushMode.All)!;

        IReadOnlyList<BlockEntry> entries = flush.Streams[0].Entries;
        Assert.Equal(100, entries.Count);
        for (int i = 1; i < entries.Count; i++)
        {
            Assert.True(entries[i - 1].TimestampNanos <= entries[i].TimestampNanos);
        }
    }

    [Fact]
    public void CompleteFlush_RemovesExactlyTheFlushedEntries_AppendsDuringTheFlushSurvive()
    {
        using HeadStore head = NewHead();
        for (int i = 0; i < 40; i++)
        {
            head.Append(Tenant, A, [Entry(BaseNanos + i, "old" + i, ("k", "v"))]);
        }

        HeadFlush flush = head.TakeFlushable(Tenant, HeadFlushMode.All)!;
        Assert.Equal(40, flush.Entries);

        // Meanwhile: in-order and out-of-order appends, and a new stream.
        head.Append(Tenant, A, [Entry(BaseNanos + 100, "new"), Entry(BaseNanos + 5, "late")]);
        head.Append(Tenant, B, [Entry(BaseNanos, "b")]);
        Assert.Equal(43, head.Select(Tenant, _ => true, long.MinValue, long.MaxValue).Sum(s => s.Count));

        head.CompleteFlush(flush);

        Assert.Equal(["late", "new"], ReadAll(head, Tenant, A).ConvertAll(e => e.Line));
        Assert.Equal(3, head.TenantEntries(Tenant));
        Assert.Equal(3 + 4 + 1, head.TenantBytes(Tenant));
    }

    [Fact]
    public void AbortFlush_KeepsTheData_AndAllowsANewFlush()
    {
        using HeadStore head = NewHead();
        head.Append(Tenant, A, [Entry(BaseNanos, "a")]);
        HeadFlush flush = head.TakeFlushable(Tenant, HeadFlushMode.All)!;
        head.RegisterBlock(flush, "block-1");

        head.AbortFlush(flush);

        Assert.Equal(1, head.Entries);
        HeadSelection selection = head.Select(Tenant, _ => true, long.MinValue, long.MaxValue);
        Assert.Empty(selection.BlocksStillInHead);
        Assert.Single(selection);
        HeadFlush again = head.TakeFlushable(Tenant, HeadFlushMode.All)!;
        Assert.Equal(1, again.Entries);
    }

    [Fact]
    public void DuringTheSwap_QueriesSeeEntriesAndTheBlockToSkip_OrNeither()
    {
        using HeadStore head = NewHead();
        head.Append(Tenant, A, [Entry(BaseNanos, "a")]);
        HeadFlush flush = head.TakeFlushable(Tenant, HeadFlushMode.All)!;

        head.RegisterBlock(flush, "blk");
        HeadSelection before = head.Select(Tenant, _ => true, long.MinValue, long.MaxValue);
        head.CompleteFlush(flush);
        HeadSelection after = head.Select(Tenant, _ => true, long.MinValue, long.MaxValue);

        Assert.Single(before);
        Assert.Contains("blk", before.BlocksStillInHead);
        Assert.Empty(after);
        Assert.Empty(after.BlocksStillInHead);
        Assert.Equal(["blk"], flush.BlockIds);
    }

    [Fact]
    public void EmptyIdleStreams_AreForgotten_AndCanComeBack()
    {
        using HeadStore head = NewHead();
        head.Append(Tenant, A, [Entry(BaseNanos, "a")]);
        head.CompleteFlush(head.TakeFlushable(Tenant, HeadFlushMode.All)!);
        Assert.Equal(1, head.Streams);

        _time.Advance(TimeSpan.FromMinutes(31));
        Assert.Null(head.TakeFlushable(Tenant));
        Assert.Equal(0, head.Streams);

        head.Append(Tenant, A, [Entry(BaseNanos, "again")]);
        Assert.Equal(["again"], ReadAll(head, Tenant, A).ConvertAll(e => e.Line));
    }

    [Fact]
    public void UnflushedWalFloor_IsTheLowestFloorOfDataStillInTheHead()
    {
        using HeadStore head = NewHead();
        Assert.Null(head.UnflushedWalFloor());

        head.Append(Tenant, A, [Entry(BaseNanos, "a")], walFloor: new WalPosition(1, 100));
        head.Append(Tenant, B, [Entry(BaseNanos, "b")], walFloor: new WalPosition(2, 50));
        Assert.Equal(new WalPosition(1, 100), head.UnflushedWalFloor());

        _time.Advance(TimeSpan.FromMinutes(10));
        head.Append(Tenant, B, [Entry(BaseNanos + 1, "b2")], walFloor: new WalPosition(2, 80));
        _time.Advance(TimeSpan.FromMinutes(25));
        HeadFlush flush = head.TakeFlushable(Tenant)!; // A is idle, B is not
        Assert.Equal(new WalPosition(1, 100), head.UnflushedWalFloor()); // flushing data is not yet published
        head.CompleteFlush(flush);

        Assert.Equal(new WalPosition(2, 50), head.UnflushedWalFloor());
    }

    [Fact]
    public void FlushedData_WritesAReadableBlock()
    {
        using var directory = new TempDirectory();
        using HeadStore head = NewHead();
        head.Append(Tenant, A, [Entry(BaseNanos + 2, "two", ("trace_id", "t")), Entry(BaseNanos + 1, "one")]);
        head.Append(Tenant, B, [Entry(BaseNanos, "b")]);
        HeadFlush flush = head.TakeFlushable(Tenant, HeadFlushMode.All)!;

        WrittenBlock block = BlockWriter.Write(directory.Path, flush.Tenant.Value, flush.Streams);
        head.RegisterBlock(flush, block.Id);
        head.CompleteFlush(flush);

        Assert.Equal(3, block.Index.Rows);
        Assert.Equal(BaseNanos, block.Index.MinTime);
        Assert.Equal(BaseNanos + 2, block.Index.MaxTime);
        Assert.Equal(0, head.Entries);
    }

    [Fact]
    public void FlushedMetadata_ReachesTheBlockPairByPair()
    {
        using var directory = new TempDirectory();
        using HeadStore head = NewHead();
        (string, string)[] pairs = [("trace_id", "abc"), ("severity_text", "ÉRREUR ünïcode"), ("empty", ""), ("long", new string('v', 300))];
        head.Append(Tenant, A, [Entry(BaseNanos, "with", pairs), Entry(BaseNanos + 1, "without")]);
        Assert.Equal(pairs.Select(p => new LabelPair(p.Item1, p.Item2)), head.Select(Tenant, _ => true, BaseNanos, BaseNanos)[0].Metadata(0).ToArray());
        HeadFlush flush = head.TakeFlushable(Tenant, HeadFlushMode.All)!;

        WrittenBlock block = BlockWriter.Write(directory.Path, flush.Tenant.Value, flush.Streams);

        string path = Path.Combine(directory.Path, block.RelativePath);
        using var reader = BlockReader.Open(path, BlockReader.ReadIndex(path));
        var rows = new List<(string Line, List<(string, string)> Metadata)>();
        reader.Read([0], long.MinValue, long.MaxValue, new RowBatch(BlockSchema.Schema), batch =>
        {
            MapVector metadata = batch.Maps(BlockSchema.Metadata);
            for (int r = 0; r < batch.RowCount; r++)
            {
                var rowPairs = new List<(string, string)>();
                for (int e = metadata.EntryOffsets[r]; e < metadata.EntryOffsets[r + 1]; e++)
                {
                    rowPairs.Add((metadata.Keys.GetString(e), metadata.Values.GetString(e)));
                }

                rows.Add((batch.Binaries(BlockSchema.Line).GetString(r), rowPairs));
            }

            return true;
        });

        Assert.Equal(2, rows.Count);
        Assert.Equal("with", rows[0].Line);
        Assert.Equal(pairs, rows[0].Metadata);
        Assert.Equal("without", rows[1].Line);
        Assert.Empty(rows[1].Metadata);
    }
}

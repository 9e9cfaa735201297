using Loggia.Core.Model;
using Loggia.Storage.Head;
using Loggia.Storage.Tests.Wal;
using Loggia.Storage.Wal;
using static Loggia.Storage.Tests.Head.HeadTestSupport;
using HeadStore = Loggia.Storage.Head.Head;

namespace Loggia.Storage.Tests.Head;

public sealed class HeadReplayTests
{
    private static readonly Labels A = Labels.Parse("{app=\"a\"}");

    private static byte[] Payload(params LogEntry[] entries)
    {
        var writer = new HeadWalRecordWriter();
        writer.Reset(Tenant);
        writer.AddStream(A, entries);
        return writer.Payload.ToArray();
    }

    private static HeadStore NewHead() => new(new HeadOptions { TimeProvider = new ManualTimeProvider() });

    [Fact]
    public void Replay_AppliesRecordsAtOrAfterPublishedPosition_SkipsEarlierAndForeignOnes()
    {
        using HeadStore head = NewHead();
        byte[] payload = Payload(Entry(BaseNanos, "a"));
        var published = new WalPosition(2, 0);

        Assert.False(head.Replay(new WalRecord(new WalPosition(1, 24), HeadWalRecord.EntriesRecordType, payload), published));
        Assert.False(head.Replay(new WalRecord(new WalPosition(3, 24), 99, payload), published));
        Assert.Equal(0, head.Entries);

        Assert.True(head.Replay(new WalRecord(new WalPosition(2, 24), HeadWalRecord.EntriesRecordType, payload), published));
        Assert.Equal(1, head.Entries);
        Assert.Equal(new WalPosition(2, 24), head.UnflushedWalFloor());
    }

    [Fact]
    public void Replay_TwiceAddsNothing_AndSkipsTheOutOfOrderCutoff()
    {
        using HeadStore head = NewHead();
        byte[] payload = Payload(Entry(BaseNanos + 10 * 3600 * Second, "new"), Entry(BaseNanos, "accepted long ago"));
        var record = new WalRecord(new WalPosition(1, 24), HeadWalRecord.EntriesRecordType, payload);

        head.Replay(record, default);
        head.Replay(record, default);

        Assert.Equal(["accepted long ago", "new"], ReadAll(head, Tenant, A).ConvertAll(e => e.Line));
    }

    [Fact]
    public void Replay_CorruptPayload_Throws()
    {
        using HeadStore head = NewHead();
        byte[] payload = Payload(Entry(BaseNanos, "abc"));

        Assert.Throws<HeadWalRecordException>(() =>
            head.Replay(new WalRecord(new WalPosition(1, 24), HeadWalRecord.EntriesRecordType, payload.AsSpan(0, payload.Length - 1)), default));
    }

    [Fact]
    public async Task AcceptedEntries_WrittenToARealWal_ComeBackAfterReopen()
    {
        using var directory = new TempDirectory();
        var options = new WalOptions { DirectoryPath = directory.Path, SyncMode = WalSyncMode.None };
        using (HeadStore head = NewHead())
        {
            await using WriteAheadLog wal = WriteAheadLog.Open(options, _ => { });
            LogEntry[] entries = [Entry(BaseNanos + 3 * 3600 * Second, "new"), Entry(BaseNanos, "too old"), Entry(BaseNanos + 3 * 3600 * Second, "new")];
            var outcomes = new HeadAppendOutcome[entries.Length];
            WalPosition floor = wal.LastPosition;
            head.Append(Tenant, A, entries, outcomes, floor);
            var writer = new HeadWalRecordWriter();
            writer.Reset(Tenant);
            writer.AddStream(A, entries, outcomes);
            await wal.AppendAsync(HeadWalRecordWriter.RecordType, writer.Payload);
        }

        using HeadStore recovered = NewHead();
        await using (WriteAheadLog.Open(options, record => recovered.Replay(record, default)))
        {
        }

        Assert.Equal(["new"], ReadAll(recovered, Tenant, A).ConvertAll(e => e.Line));
    }
}

using Loggia.Storage.Wal;

namespace Loggia.Storage.Tests.Wal;

public class WalRoundTripTests
{
    private static readonly int[] Sizes = [0, 1, 7, 8, 9, 100, 1000, 4096, 65_537, 200_000, 4 * 1024 * 1024, 0, 3];

    [Fact]
    public async Task Wal_RoundTrip_ReplaysExactlyTheAppendedRecordsInOrder()
    {
        using var dir = new TempDirectory();
        WalOptions options = WalTestSupport.Options(dir.Path);
        var positions = new List<WalPosition>();

        (WriteAheadLog wal, List<ReplayedRecord> initial) = WalTestSupport.Open(options);
        Assert.Empty(initial);
        await using (wal)
        {
            for (int i = 0; i < Sizes.Length; i++)
            {
                positions.Add(await wal.AppendAsync((byte)(i * 17), WalTestSupport.Payload(i, Sizes[i])));
            }

            Assert.Equal(positions[^1], wal.LastPosition);
        }

        List<ReplayedRecord> replayed = await WalTestSupport.ReplayAsync(options);

        Assert.Equal(Sizes.Length, replayed.Count);
        for (int i = 0; i < Sizes.Length; i++)
        {
            Assert.Equal(positions[i], replayed[i].Position);
            Assert.Equal((byte)(i * 17), replayed[i].Type);
            Assert.Equal(WalTestSupport.Payload(i, Sizes[i]), replayed[i].Payload);
        }
    }

    [Fact]
    public async Task Wal_Positions_IncreaseStrictlyAndCountHeaderBytes()
    {
        using var dir = new TempDirectory();
        (WriteAheadLog wal, _) = WalTestSupport.Open(WalTestSupport.Options(dir.Path));
        await using (wal)
        {
            WalPosition first = await wal.AppendAsync(1, new byte[10]);
            WalPosition second = await wal.AppendAsync(1, ReadOnlyMemory<byte>.Empty);
            WalPosition third = await wal.AppendAsync(1, new byte[5]);

            Assert.Equal(24, first.Offset);
            Assert.Equal(first.Offset + 9 + 10, second.Offset);
            Assert.Equal(second.Offset + 9, third.Offset);
            Assert.True(first < second && second < third);
            Assert.Equal(third.Offset + 9 + 5, wal.TotalBytes);
        }
    }

    [Fact]
    public async Task Wal_ConcurrentAppends_AreAllReplayedAtTheirAcknowledgedPositions()
    {
        using var dir = new TempDirectory();
        WalOptions options = WalTestSupport.Options(dir.Path);
        var acknowledged = new (WalPosition Position, int Index)[400];

        (WriteAheadLog wal, _) = WalTestSupport.Open(options);
        await using (wal)
        {
            var tasks = new Task[8];
            for (int t = 0; t < tasks.Length; t++)
            {
                int worker = t;
                tasks[t] = Task.Run(async () =>
                {
                    for (int i = worker; i < acknowledged.Length; i += tasks.Length)
                    {
                        acknowledged[i] = (await wal.AppendAsync(2, WalTestSupport.Payload(i, 50 + i)), i);
                    }
                });
            }

            await Task.WhenAll(tasks);
        }

        List<ReplayedRecord> replayed = await WalTestSupport.ReplayAsync(options);
        Array.Sort(acknowledged, static (a, b) => a.Position.CompareTo(b.Position));
        Assert.Equal(acknowledged.Length, replayed.Count);
        for (int i = 0; i < replayed.Count; i++)
        {
            Assert.Equal(acknowledged[i].Position, replayed[i].Position);
            Assert.Equal(WalTestSupport.Payload(acknowledged[i].Index, 50 + acknowledged[i].Index), replayed[i].Payload);
        }
    }

    [Fact]
    public async Task Wal_ReopenedSeveralTimes_KeepsEveryRecordAndNeverLeavesEmptySegments()
    {
        using var dir = new TempDirectory();
        WalOptions options = WalTestSupport.Options(dir.Path);
        for (int round = 0; round < 3; round++)
        {
            (WriteAheadLog wal, List<ReplayedRecord> records) = WalTestSupport.Open(options);
            Assert.Equal(round, records.Count);
            await wal.AppendAsync(1, WalTestSupport.Payload(round, 10));
            await wal.DisposeAsync();
        }

        // Open without appending: the segment it starts is empty and the next open removes it.
        await WalTestSupport.ReplayAsync(options);
        List<ReplayedRecord> final = await WalTestSupport.ReplayAsync(options);
        Assert.Equal(3, final.Count);
        Assert.Equal(4, WalTestSupport.SegmentFiles(dir.Path).Length);
    }

    [Fact]
    public async Task Wal_PayloadAboveMaxRecordBytes_IsRejectedBeforeAnythingIsWritten()
    {
        using var dir = new TempDirectory();
        (WriteAheadLog wal, _) = WalTestSupport.Open(new WalOptions { DirectoryPath = dir.Path, MaxRecordBytes = 100, MaxPendingBytes = 1000 });
        await using (wal)
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => { _ = wal.AppendAsync(1, new byte[101]).AsTask(); });
            await wal.AppendAsync(1, new byte[100]);
        }
    }

    [Fact]
    public async Task Wal_AppendAfterDispose_FailsWithObjectDisposed()
    {
        using var dir = new TempDirectory();
        (WriteAheadLog wal, _) = WalTestSupport.Open(WalTestSupport.Options(dir.Path));
        await wal.DisposeAsync();
        await wal.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await wal.AppendAsync(1, new byte[1]));
    }

    [Fact]
    public async Task Wal_DisposeWithAppendsInFlight_MakesThemAllDurable()
    {
        using var dir = new TempDirectory();
        WalOptions options = WalTestSupport.Options(dir.Path);
        (WriteAheadLog wal, _) = WalTestSupport.Open(options);
        var pending = new List<Task<WalPosition>>();
        for (int i = 0; i < 200; i++)
        {
            pending.Add(wal.AppendAsync(1, WalTestSupport.Payload(i, 300)).AsTask());
        }

        await wal.DisposeAsync();
        await Task.WhenAll(pending);

        List<ReplayedRecord> replayed = await WalTestSupport.ReplayAsync(options);
        Assert.Equal(200, replayed.Count);
    }

    [Fact]
    public async Task Wal_SecondOpenOfTheSameDirectory_IsRefusedWhileTheFirstIsOpen()
    {
        using var dir = new TempDirectory();
        WalOptions options = WalTestSupport.Options(dir.Path);
        (WriteAheadLog wal, _) = WalTestSupport.Open(options);
        await using (wal)
        {
            Assert.ThrowsAny<IOException>(() => WalTestSupport.Open(options));
        }

        (WriteAheadLog again, _) = WalTestSupport.Open(options);
        await again.DisposeAsync();
    }

    [Fact]
    public async Task Wal_SyncModeNone_StillRoundTripsAfterDispose()
    {
        using var dir = new TempDirectory();
        var options = new WalOptions { DirectoryPath = dir.Path, SyncMode = WalSyncMode.None };
        (WriteAheadLog wal, _) = WalTestSupport.Open(options);
        await using (wal)
        {
            for (int i = 0; i < 50; i++)
            {
                await wal.AppendAsync(3, WalTestSupport.Payload(i, 100));
            }

            Assert.Equal(0, wal.FsyncCount);
        }

        Assert.Equal(50, (await WalTestSupport.ReplayAsync(options)).Count);
    }
}

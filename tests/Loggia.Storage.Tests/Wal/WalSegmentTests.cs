using Loggia.Storage.Wal;

namespace Loggia.Storage.Tests.Wal;

public class WalSegmentTests
{
    [Fact]
    public async Task Wal_SegmentsRoll_BeforeExceedingSegmentSize()
    {
        using var dir = new TempDirectory();
        WalOptions options = WalTestSupport.Options(dir.Path, segmentSize: 1024);
        (WriteAheadLog wal, _) = WalTestSupport.Open(options);
        await using (wal)
        {
            for (int i = 0; i < 40; i++)
            {
                await wal.AppendAsync(1, WalTestSupport.Payload(i, 91));
            }

            // 100-byte records, 24-byte header: 10 records per 1,024-byte segment.
            Assert.Equal(4, wal.SegmentCount);
            long total = 0;
            foreach (string file in WalTestSupport.SegmentFiles(dir.Path))
            {
                long length = new FileInfo(file).Length;
                Assert.True(length <= 1024, $"{file} is {length} bytes");
                total += length;
            }

            Assert.Equal(total, wal.TotalBytes);
        }

        Assert.Equal(40, (await WalTestSupport.ReplayAsync(options)).Count);
    }

    [Fact]
    public async Task Wal_RecordLargerThanASegment_GetsASegmentOfItsOwn()
    {
        using var dir = new TempDirectory();
        WalOptions options = WalTestSupport.Options(dir.Path, segmentSize: 1024);
        (WriteAheadLog wal, _) = WalTestSupport.Open(options);
        await using (wal)
        {
            WalPosition small = await wal.AppendAsync(1, new byte[10]);
            WalPosition big = await wal.AppendAsync(1, WalTestSupport.Payload(1, 5000));
            WalPosition after = await wal.AppendAsync(1, new byte[10]);
            Assert.Equal(small.Segment + 1, big.Segment);
            Assert.Equal(24, big.Offset);
            Assert.Equal(big.Segment + 1, after.Segment);
        }

        List<ReplayedRecord> replayed = await WalTestSupport.ReplayAsync(options);
        Assert.Equal(WalTestSupport.Payload(1, 5000), replayed[1].Payload);
    }

    [Fact]
    public async Task Wal_ReleaseBefore_DeletesExactlyTheSegmentsWhollyBeforeThePosition()
    {
        using var dir = new TempDirectory();
        WalOptions options = WalTestSupport.Options(dir.Path, segmentSize: 1024);
        var positions = new List<WalPosition>();
        (WriteAheadLog wal, _) = WalTestSupport.Open(options);
        await using (wal)
        {
            for (int i = 0; i < 35; i++)
            {
                positions.Add(await wal.AppendAsync(1, WalTestSupport.Payload(i, 91)));
            }

            // Segments 1..4; records 10..19 live in segment 2.
            Assert.Equal([1ul, 2ul, 3ul, 4ul], SegmentSequences(dir.Path));
            long totalBefore = wal.TotalBytes;

            wal.ReleaseBefore(positions[15]);
            Assert.Equal([2ul, 3ul, 4ul], SegmentSequences(dir.Path));
            Assert.Equal(totalBefore - 1024, wal.TotalBytes);

            // Releasing the first record of a segment keeps that segment.
            wal.ReleaseBefore(positions[20]);
            Assert.Equal([3ul, 4ul], SegmentSequences(dir.Path));

            // Releasing everything never deletes the active segment.
            wal.ReleaseBefore(new WalPosition(ulong.MaxValue, 0));
            Assert.Equal([4ul], SegmentSequences(dir.Path));
            await wal.AppendAsync(1, new byte[1]);
        }

        List<ReplayedRecord> replayed = await WalTestSupport.ReplayAsync(options);
        Assert.Equal(positions[30], replayed[0].Position);
        Assert.Equal(6, replayed.Count);
    }

    [Fact]
    public async Task Wal_ReleaseBefore_AfterReopen_DeletesOldSegmentsButNotTheNewActiveOne()
    {
        using var dir = new TempDirectory();
        WalOptions options = WalTestSupport.Options(dir.Path, segmentSize: 1024);
        (WriteAheadLog first, _) = WalTestSupport.Open(options);
        await using (first)
        {
            for (int i = 0; i < 25; i++)
            {
                await first.AppendAsync(1, new byte[91]);
            }
        }

        (WriteAheadLog wal, List<ReplayedRecord> replayed) = WalTestSupport.Open(options);
        await using (wal)
        {
            Assert.Equal(25, replayed.Count);
            Assert.Equal(replayed[^1].Position, wal.LastPosition);
            WalPosition next = await wal.AppendAsync(1, new byte[1]);
            wal.ReleaseBefore(next);
            Assert.Equal([next.Segment], SegmentSequences(dir.Path));
            Assert.Equal(1, wal.SegmentCount);
        }
    }

    private static ulong[] SegmentSequences(string directory)
    {
        string[] files = WalTestSupport.SegmentFiles(directory);
        var sequences = new ulong[files.Length];
        for (int i = 0; i < files.Length; i++)
        {
            sequences[i] = ulong.Parse(Path.GetFileNameWithoutExtension(files[i]), System.Globalization.CultureInfo.InvariantCulture);
        }

        return sequences;
    }
}

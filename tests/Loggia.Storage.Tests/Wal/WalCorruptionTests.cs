using Loggia.Core.Hashing;
using System.Buffers.Binary;
using Loggia.Storage.Wal;

namespace Loggia.Storage.Tests.Wal;

public class WalCorruptionTests
{
    [Fact]
    public async Task Wal_FlippedPayloadByte_IsACrcMismatchAndTheTailIsTruncatedThere()
    {
        using var dir = new TempDirectory();
        WalPosition[] positions = await WriteAsync(dir.Path, 5, 100);
        string segment = WalTestSupport.SegmentFiles(dir.Path)[0];
        FlipByte(segment, positions[3].Offset + 9 + 50);

        var logger = new CollectingLogger();
        WalOptions options = WalTestSupport.Options(dir.Path, logger);
        (WriteAheadLog wal, List<ReplayedRecord> replayed) = WalTestSupport.Open(options);
        await using (wal)
        {
            Assert.Equal(3, replayed.Count);
            Assert.Contains(logger.Entries, e => e.Message.Contains(nameof(WalDamage.ChecksumMismatch), StringComparison.Ordinal));
            Assert.Equal(positions[3].Offset, new FileInfo(segment).Length);
            await wal.AppendAsync(1, new byte[3]);
        }

        Assert.Equal(4, (await WalTestSupport.ReplayAsync(options)).Count);
    }

    [Fact]
    public async Task Wal_FlippedTypeByte_IsDetectedByTheCrc()
    {
        using var dir = new TempDirectory();
        WalPosition[] positions = await WriteAsync(dir.Path, 3, 10);
        FlipByte(WalTestSupport.SegmentFiles(dir.Path)[0], positions[1].Offset + 8);

        List<ReplayedRecord> replayed = await WalTestSupport.ReplayAsync(WalTestSupport.Options(dir.Path));
        Assert.Single(replayed);
    }

    [Fact]
    public async Task Wal_AbsurdLength_IsTreatedAsCorruptionWithoutAllocatingIt()
    {
        using var dir = new TempDirectory();
        WalPosition[] positions = await WriteAsync(dir.Path, 3, 10);
        string segment = WalTestSupport.SegmentFiles(dir.Path)[0];
        WriteUInt32(segment, positions[2].Offset, 0xFFFFFFF0u);

        var logger = new CollectingLogger();
        List<ReplayedRecord> replayed = await WalTestSupport.ReplayAsync(WalTestSupport.Options(dir.Path, logger));
        Assert.Equal(2, replayed.Count);
        Assert.Contains(logger.Entries, e => e.Message.Contains(nameof(WalDamage.LengthTooLarge), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Wal_CorruptRecordInAnOlderSegment_StopsThatSegmentAndReplaysLaterSegments()
    {
        using var dir = new TempDirectory();
        WalOptions options = WalTestSupport.Options(dir.Path);
        WalPosition[] first = await WriteAsync(dir.Path, 4, 20);
        WalPosition[] second = await WriteAsync(dir.Path, 3, 20, seed: 100);
        Assert.NotEqual(first[0].Segment, second[0].Segment);
        string older = WalTestSupport.SegmentFiles(dir.Path)[0];
        long lengthBefore = new FileInfo(older).Length;
        FlipByte(older, first[1].Offset + 9 + 5);

        var logger = new CollectingLogger();
        List<ReplayedRecord> replayed = await WalTestSupport.ReplayAsync(WalTestSupport.Options(dir.Path, logger));

        // Record 0 of the older segment, then all of the later one.
        Assert.Equal(1 + 3, replayed.Count);
        Assert.Equal(first[0], replayed[0].Position);
        Assert.Equal(second[0], replayed[1].Position);
        Assert.Contains(logger.Entries, e => e.Message.Contains("replay of this segment stops", StringComparison.Ordinal));

        // The older segment is kept untouched as evidence.
        Assert.Equal(lengthBefore, new FileInfo(older).Length);
    }

    [Fact]
    public async Task Wal_ZeroLengthSegment_IsDeletedWithAWarning()
    {
        using var dir = new TempDirectory();
        await WriteAsync(dir.Path, 2, 10);
        string empty = Path.Combine(dir.Path, "00000000000000000009.wal");
        await File.WriteAllBytesAsync(empty, []);

        var logger = new CollectingLogger();
        (WriteAheadLog wal, List<ReplayedRecord> replayed) = WalTestSupport.Open(WalTestSupport.Options(dir.Path, logger));
        await using (wal)
        {
            Assert.Equal(2, replayed.Count);
            Assert.False(File.Exists(empty));
            Assert.Equal(1, logger.WarningCount);

            // The new segment never reuses a sequence seen on disk.
            WalPosition next = await wal.AppendAsync(1, new byte[1]);
            Assert.Equal(10ul, next.Segment);
        }
    }

    [Fact]
    public async Task Wal_GarbageFileWithSegmentName_IsSkippedKeptAndWarned()
    {
        using var dir = new TempDirectory();
        await WriteAsync(dir.Path, 2, 10);
        string garbage = Path.Combine(dir.Path, "00000000000000000005.wal");
        byte[] junk = new byte[5000];
        new Random(1).NextBytes(junk);
        await File.WriteAllBytesAsync(garbage, junk);

        var logger = new CollectingLogger();
        WalOptions options = WalTestSupport.Options(dir.Path, logger);
        (WriteAheadLog wal, List<ReplayedRecord> replayed) = WalTestSupport.Open(options);
        await using (wal)
        {
            Assert.Equal(2, replayed.Count);
            Assert.Equal(1, wal.Recovery.SegmentsSkipped);
            Assert.Contains(logger.Entries, e => e.Message.Contains(nameof(WalDamage.BadSegmentHeader), StringComparison.Ordinal));
            Assert.Equal(junk, await File.ReadAllBytesAsync(garbage));
            await wal.AppendAsync(1, new byte[1]);
        }

        Assert.Equal(3, (await WalTestSupport.ReplayAsync(options)).Count);
    }

    [Fact]
    public async Task Wal_WrongMagic_IsSkippedNotReplayed()
    {
        using var dir = new TempDirectory();
        await WriteAsync(dir.Path, 2, 10);
        await WriteAsync(dir.Path, 2, 10, seed: 50);
        string first = WalTestSupport.SegmentFiles(dir.Path)[0];
        FlipByte(first, 0);

        var logger = new CollectingLogger();
        List<ReplayedRecord> replayed = await WalTestSupport.ReplayAsync(WalTestSupport.Options(dir.Path, logger));
        Assert.Equal(2, replayed.Count);
        Assert.Equal(WalTestSupport.Payload(50, 10), replayed[0].Payload);
        Assert.True(File.Exists(first));
    }

    [Fact]
    public async Task Wal_SegmentFromANewerFormatVersion_RefusesToOpen()
    {
        using var dir = new TempDirectory();
        await WriteAsync(dir.Path, 1, 10);
        string segment = WalTestSupport.SegmentFiles(dir.Path)[0];
        byte[] header = new byte[24];
        using (var stream = new FileStream(segment, FileMode.Open))
        {
            stream.ReadExactly(header);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), 2);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), Crc32C.Compute(header.AsSpan(0, 20)));
            stream.Position = 0;
            stream.Write(header);
        }

        Assert.Throws<NotSupportedException>(() => WalTestSupport.Open(WalTestSupport.Options(dir.Path)));

        // The refusal released the directory lock.
        File.Delete(segment);
        await WalTestSupport.ReplayAsync(WalTestSupport.Options(dir.Path));
    }

    [Fact]
    public async Task Wal_RandomBytesAfterValidRecords_NeverThrowAndKeepTheValidPrefix()
    {
        using var dir = new TempDirectory();
        WalPosition[] positions = await WriteAsync(dir.Path, 3, 30);
        string segment = WalTestSupport.SegmentFiles(dir.Path)[0];
        long validEnd = positions[^1].Offset + 9 + 30;
        var random = new Random(9);
        for (int trial = 0; trial < 20; trial++)
        {
            // Keep the damaged segment the tail: drop the empty segments that earlier opens started.
            foreach (string other in WalTestSupport.SegmentFiles(dir.Path))
            {
                if (other != segment)
                {
                    File.Delete(other);
                }
            }

            byte[] junk = new byte[random.Next(1, 200)];
            random.NextBytes(junk);
            using (var stream = new FileStream(segment, FileMode.Open))
            {
                stream.SetLength(validEnd);
                stream.Position = validEnd;
                stream.Write(junk);
            }

            (WriteAheadLog wal, List<ReplayedRecord> replayed) = WalTestSupport.Open(WalTestSupport.Options(dir.Path));
            await wal.DisposeAsync();
            Assert.Equal(3, replayed.Count);
            Assert.Equal(validEnd, new FileInfo(segment).Length);
        }
    }

    [Fact]
    public async Task Wal_UnrelatedFilesInTheDirectory_AreIgnored()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "README.txt"), "hello");
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "123.wal"), "not twenty digits");
        await WriteAsync(dir.Path, 2, 10);

        var logger = new CollectingLogger();
        List<ReplayedRecord> replayed = await WalTestSupport.ReplayAsync(WalTestSupport.Options(dir.Path, logger));
        Assert.Equal(2, replayed.Count);
        Assert.Equal(0, logger.WarningCount);
        Assert.True(File.Exists(Path.Combine(dir.Path, "123.wal")));
    }

    private static async Task<WalPosition[]> WriteAsync(string directory, int count, int size, int seed = 0)
    {
        var positions = new WalPosition[count];
        (WriteAheadLog wal, _) = WalTestSupport.Open(WalTestSupport.Options(directory));
        await using (wal)
        {
            for (int i = 0; i < count; i++)
            {
                positions[i] = await wal.AppendAsync(1, WalTestSupport.Payload(seed + i, size));
            }
        }

        return positions;
    }

    private static void FlipByte(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open);
        stream.Position = offset;
        int value = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(value ^ 0x5A));
    }

    private static void WriteUInt32(string path, long offset, uint value)
    {
        using var stream = new FileStream(path, FileMode.Open);
        stream.Position = offset;
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        stream.Write(bytes);
    }
}

using Loggia.Storage.Wal;

namespace Loggia.Storage.Tests.Wal;

public class WalTornTailTests
{
    [Fact]
    public async Task Wal_TornTail_AtEveryByteOfTheLastRecord_IsTruncatedAndReplayed()
    {
        using var dir = new TempDirectory();
        string source = dir.Sub("source");
        (long lastStart, long lastEnd) = await WriteRecordsAsync(source, count: 5, lastPayload: 23);

        for (long cut = lastStart + 1; cut < lastEnd; cut++)
        {
            await AssertTornAtAsync(source, dir.Sub("cut" + cut), cut, expectedSurvivors: 4);
        }
    }

    [Fact]
    public async Task Wal_TornTail_InsideALargeRecord_IsTruncatedAndReplayed()
    {
        using var dir = new TempDirectory();
        string source = dir.Sub("source");
        (long lastStart, long lastEnd) = await WriteRecordsAsync(source, count: 3, lastPayload: 300_000);

        var random = new Random(42);
        long[] cuts = [lastStart + 1, lastStart + 8, lastStart + 9, lastStart + 10, lastEnd - 1, random.NextInt64(lastStart + 10, lastEnd), random.NextInt64(lastStart + 10, lastEnd)];
        foreach (long cut in cuts)
        {
            await AssertTornAtAsync(source, dir.Sub("cut" + cut), cut, expectedSurvivors: 2);
        }
    }

    [Fact]
    public async Task Wal_CutExactlyAtARecordBoundary_IsACleanEndWithoutWarning()
    {
        using var dir = new TempDirectory();
        string source = dir.Sub("source");
        (long lastStart, _) = await WriteRecordsAsync(source, count: 3, lastPayload: 10);
        string segment = WalTestSupport.SegmentFiles(source)[0];
        using (var stream = new FileStream(segment, FileMode.Open))
        {
            stream.SetLength(lastStart);
        }

        var logger = new CollectingLogger();
        List<ReplayedRecord> replayed = await WalTestSupport.ReplayAsync(WalTestSupport.Options(source, logger));
        Assert.Equal(2, replayed.Count);
        Assert.Equal(0, logger.WarningCount);
    }

    /// <summary>Writes <paramref name="count"/> records in one segment; returns where the last one starts and ends.</summary>
    private static async Task<(long Start, long End)> WriteRecordsAsync(string directory, int count, int lastPayload)
    {
        (WriteAheadLog wal, _) = WalTestSupport.Open(WalTestSupport.Options(directory));
        await using (wal)
        {
            WalPosition last = default;
            for (int i = 0; i < count; i++)
            {
                last = await wal.AppendAsync(1, WalTestSupport.Payload(i, i == count - 1 ? lastPayload : 40 + i));
            }

            return (last.Offset, last.Offset + 9 + lastPayload);
        }
    }

    private static async Task AssertTornAtAsync(string source, string copy, long cut, int expectedSurvivors)
    {
        WalTestSupport.CopyDirectory(source, copy);
        string segment = WalTestSupport.SegmentFiles(copy)[0];
        using (var stream = new FileStream(segment, FileMode.Open))
        {
            stream.SetLength(cut);
        }

        var logger = new CollectingLogger();
        WalOptions options = WalTestSupport.Options(copy, logger);
        (WriteAheadLog wal, List<ReplayedRecord> replayed) = WalTestSupport.Open(options);
        WalPosition appended;
        await using (wal)
        {
            Assert.Equal(expectedSurvivors, replayed.Count);
            for (int i = 0; i < expectedSurvivors; i++)
            {
                Assert.Equal(WalTestSupport.Payload(i, 40 + i), replayed[i].Payload);
            }

            Assert.True(logger.WarningCount >= 1, $"no warning for a cut at {cut}");
            Assert.Equal(1, wal.Recovery.Damages);
            Assert.True(wal.Recovery.BytesTruncated > 0);
            appended = await wal.AppendAsync(9, WalTestSupport.Payload(1000, 33));
        }

        // The truncation is durable and the new record survives another reopen, with no new warning.
        var second = new CollectingLogger();
        List<ReplayedRecord> again = await WalTestSupport.ReplayAsync(WalTestSupport.Options(copy, second));
        Assert.Equal(expectedSurvivors + 1, again.Count);
        Assert.Equal(appended, again[^1].Position);
        Assert.Equal(WalTestSupport.Payload(1000, 33), again[^1].Payload);
        Assert.Equal(0, second.WarningCount);
        Directory.Delete(copy, recursive: true);
    }
}

using Loggia.Storage.Wal;

namespace Loggia.Storage.Tests.Wal;

/// <summary>
/// Simulated crashes: the files are copied while the WAL is still open (never disposed), which is what a
/// SIGKILL leaves on disk. A real kill-and-power-loss test belongs to the server's end-to-end suite.
/// </summary>
public class WalCrashTests
{
    [Fact]
    public async Task Wal_CopiedWhileOpenWithoutDispose_ReplaysEveryAcknowledgedRecord()
    {
        using var dir = new TempDirectory();
        string live = dir.Sub("live");
        string crashed = dir.Sub("crashed");
        WalOptions options = WalTestSupport.Options(live, segmentSize: 64 * 1024);
        (WriteAheadLog wal, _) = WalTestSupport.Open(options);
        var acknowledged = new List<WalPosition>();
        try
        {
            var tasks = new Task<WalPosition>[16];
            for (int round = 0; round < 20; round++)
            {
                for (int t = 0; t < tasks.Length; t++)
                {
                    int index = (round * tasks.Length) + t;
                    tasks[t] = wal.AppendAsync(1, WalTestSupport.Payload(index, 1000 + index)).AsTask();
                }

                acknowledged.AddRange(await Task.WhenAll(tasks));
            }

            // Appends still in flight at the "crash" may or may not survive; acknowledged ones must.
            var inFlight = new List<Task<WalPosition>>();
            for (int i = 0; i < 50; i++)
            {
                inFlight.Add(wal.AppendAsync(2, new byte[2000]).AsTask());
            }

            WalTestSupport.CopyDirectory(live, crashed);
            await Task.WhenAll(inFlight);
        }
        finally
        {
            await wal.DisposeAsync();
        }

        List<ReplayedRecord> replayed = await WalTestSupport.ReplayAsync(WalTestSupport.Options(crashed));
        var byPosition = new Dictionary<WalPosition, ReplayedRecord>();
        foreach (ReplayedRecord record in replayed)
        {
            byPosition.Add(record.Position, record);
        }

        acknowledged.Sort();
        for (int i = 0; i < acknowledged.Count; i++)
        {
            Assert.True(byPosition.ContainsKey(acknowledged[i]), $"acknowledged record at {acknowledged[i]} is missing");
            Assert.Equal(1, byPosition[acknowledged[i]].Type);
        }

        Assert.True(WalTestSupport.SegmentFiles(crashed).Length > 2);
    }

    [Fact]
    public async Task Wal_CopiedMidWriteWithATornTail_RecoversAndAcceptsNewAppends()
    {
        using var dir = new TempDirectory();
        string live = dir.Sub("live");
        string crashed = dir.Sub("crashed");
        (WriteAheadLog wal, _) = WalTestSupport.Open(WalTestSupport.Options(live));
        await using (wal)
        {
            for (int i = 0; i < 10; i++)
            {
                await wal.AppendAsync(1, WalTestSupport.Payload(i, 500));
            }

            WalTestSupport.CopyDirectory(live, crashed);
        }

        // Simulate a half-written batch at the moment of the crash.
        string tail = WalTestSupport.SegmentFiles(crashed)[^1];
        await using (var stream = new FileStream(tail, FileMode.Append))
        {
            stream.Write([0xE8, 0x03, 0, 0, 0x12, 0x34]);
        }

        var logger = new CollectingLogger();
        WalOptions options = WalTestSupport.Options(crashed, logger);
        (WriteAheadLog recovered, List<ReplayedRecord> replayed) = WalTestSupport.Open(options);
        await using (recovered)
        {
            Assert.Equal(10, replayed.Count);
            Assert.Equal(1, logger.WarningCount);
            await recovered.AppendAsync(1, new byte[7]);
        }

        Assert.Equal(11, (await WalTestSupport.ReplayAsync(options)).Count);
    }
}

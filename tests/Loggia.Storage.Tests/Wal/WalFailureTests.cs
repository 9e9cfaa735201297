using Loggia.Storage.Wal;

namespace Loggia.Storage.Tests.Wal;

public class WalFailureTests
{
    [Fact]
    public async Task Wal_DiskWriteError_FaultsTheBatchAndFailsLaterAppendsFast()
    {
        using var dir = new TempDirectory();
        WalOptions options = WalTestSupport.Options(dir.Path);
        (WriteAheadLog wal, _) = WalTestSupport.Open(options);
        await using (wal)
        {
            await wal.AppendAsync(1, new byte[10]);
            var diskFull = new IOException("No space left on device");
            wal.BeforeWrite = () => throw diskFull;

            IOException batchError = await Assert.ThrowsAsync<IOException>(async () => await wal.AppendAsync(1, new byte[10]));
            Assert.Same(diskFull, batchError);

            WalFailedException later = await Assert.ThrowsAsync<WalFailedException>(async () => await wal.AppendAsync(1, new byte[10]));
            Assert.Same(diskFull, later.InnerException);
            Assert.NotNull(wal.Failure);
            Assert.Equal(0, wal.PendingBytes);
        }

        // Reopening recovers what really reached the disk.
        Assert.Single(await WalTestSupport.ReplayAsync(options));
    }

    [Fact]
    public async Task Wal_DiskWriteError_FaultsEveryConcurrentAppendAndWakesWaiters()
    {
        using var dir = new TempDirectory();
        var options = new WalOptions { DirectoryPath = dir.Path, MaxRecordBytes = 1000, MaxPendingBytes = 4000 };
        (WriteAheadLog wal, _) = WalTestSupport.Open(options);
        await using (wal)
        {
            wal.BeforeWrite = () => throw new IOException("I/O error");
            var tasks = new List<Task<WalPosition>>();
            for (int i = 0; i < 40; i++)
            {
                tasks.Add(wal.AppendAsync(1, new byte[900]).AsTask());
            }

            foreach (Task<WalPosition> task in tasks)
            {
                await Assert.ThrowsAnyAsync<IOException>(() => task);
            }

            Assert.Equal(0, wal.PendingBytes);
        }

        Assert.Empty(await WalTestSupport.ReplayAsync(options));
    }
}

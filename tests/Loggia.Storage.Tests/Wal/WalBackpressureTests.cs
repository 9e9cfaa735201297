using Loggia.Storage.Wal;

namespace Loggia.Storage.Tests.Wal;

public class WalBackpressureTests
{
    [Fact]
    public async Task Wal_TinyPendingBudget_MakesAppendersWaitAndEverythingIsWritten()
    {
        using var dir = new TempDirectory();
        var options = new WalOptions { DirectoryPath = dir.Path, MaxRecordBytes = 1000, MaxPendingBytes = 2048 };
        const int Appenders = 16;
        const int PerAppender = 25;
        long maxPendingSeen = 0;

        (WriteAheadLog wal, _) = WalTestSupport.Open(options);
        await using (wal)
        {
            var tasks = new Task[Appenders];
            for (int t = 0; t < Appenders; t++)
            {
                int worker = t;
                tasks[t] = Task.Run(async () =>
                {
                    for (int i = 0; i < PerAppender; i++)
                    {
                        await wal.AppendAsync((byte)worker, WalTestSupport.Payload((worker * 1000) + i, 900));
                        long pending = wal.PendingBytes;
                        long seen;
                        while (pending > (seen = Interlocked.Read(ref maxPendingSeen)) && Interlocked.CompareExchange(ref maxPendingSeen, pending, seen) != seen)
                        {
                        }
                    }
                });
            }

            await Task.WhenAll(tasks);
            Assert.Equal(0, wal.PendingBytes);
        }

        Assert.InRange(maxPendingSeen, 0, 2048);
        List<ReplayedRecord> replayed = await WalTestSupport.ReplayAsync(options);
        Assert.Equal(Appenders * PerAppender, replayed.Count);
    }

    [Fact]
    public async Task Wal_FullBudget_IsSaturatedAndAWaitingAppendCanBeCancelled()
    {
        using var dir = new TempDirectory();
        var options = new WalOptions { DirectoryPath = dir.Path, MaxRecordBytes = 100, MaxPendingBytes = 200 };
        (WriteAheadLog wal, _) = WalTestSupport.Open(options);
        await using (wal)
        {
            // Fill the budget directly so the state is deterministic (the writer would drain it otherwise).
            PendingBytesBudget budget = wal.Budget;
            Assert.True(budget.TryAcquire(200));
            Assert.True(wal.IsSaturated);
            Assert.Equal(200, wal.PendingBytes);

            using var cts = new CancellationTokenSource();
            ValueTask<WalPosition> waiting = wal.AppendAsync(1, new byte[50], cts.Token);
            Assert.False(waiting.IsCompleted);
            ValueTask<WalPosition> behind = wal.AppendAsync(1, new byte[10]);
            await cts.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await waiting);

            budget.Release(200);
            WalPosition position = await behind;
            Assert.Equal(24, position.Offset);
            Assert.False(wal.IsSaturated);
        }

        Assert.Single(await WalTestSupport.ReplayAsync(options));
    }

    [Fact]
    public void WalOptions_BudgetSmallerThanOneRecord_IsRejected()
    {
        using var dir = new TempDirectory();
        var options = new WalOptions { DirectoryPath = dir.Path, MaxRecordBytes = 1000, MaxPendingBytes = 1000 };
        Assert.Throws<ArgumentOutOfRangeException>(() => WalTestSupport.Open(options));
    }
}

using System.Diagnostics.Metrics;
using Loggia.Storage.Wal;

namespace Loggia.Storage.Tests.Wal;

public class WalGroupCommitTests
{
    [Fact]
    public async Task Wal_64ConcurrentAppenders_ShareFsyncs()
    {
        using var dir = new TempDirectory();
        const int Appenders = 64;
        const int PerAppender = 20;
        (WriteAheadLog wal, _) = WalTestSupport.Open(WalTestSupport.Options(dir.Path));
        await using (wal)
        {
            long before = wal.FsyncCount;
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var tasks = new Task[Appenders];
            for (int t = 0; t < Appenders; t++)
            {
                tasks[t] = Task.Run(async () =>
                {
                    await start.Task;
                    byte[] payload = new byte[1000];
                    for (int i = 0; i < PerAppender; i++)
                    {
                        await wal.AppendAsync(1, payload);
                    }
                });
            }

            start.SetResult();
            await Task.WhenAll(tasks);

            long fsyncs = wal.FsyncCount - before;
            const int Records = Appenders * PerAppender;

            // One fsync per record would be 1,280; sharing must cut that by a large factor.
            Assert.InRange(fsyncs, 1, Records / 4);
        }
    }

    [Fact]
    public async Task Wal_Metrics_CountRecordsBytesAndFsyncs()
    {
        using var dir = new TempDirectory();
        long records = 0, bytes = 0, fsyncs = 0, batchRecords = 0;
        int fsyncDurations = 0;
        using var listener = new MeterListener();
        WriteAheadLog? target = null;
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Loggia.Wal")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (target is null)
            {
                return;
            }

            switch (instrument.Name)
            {
                case "loggia_wal_records_total": Interlocked.Add(ref records, value); break;
                case "loggia_wal_bytes_total": Interlocked.Add(ref bytes, value); break;
                case "loggia_wal_fsyncs_total": Interlocked.Add(ref fsyncs, value); break;
                case "loggia_wal_batch_records": Interlocked.Add(ref batchRecords, value); break;
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) =>
        {
            if (instrument.Name == "loggia_wal_fsync_duration_seconds")
            {
                Interlocked.Increment(ref fsyncDurations);
            }
        });
        listener.Start();

        (WriteAheadLog wal, _) = WalTestSupport.Open(WalTestSupport.Options(dir.Path));
        await using (wal)
        {
            target = wal;
            for (int i = 0; i < 5; i++)
            {
                await wal.AppendAsync(1, new byte[91]);
            }

            // Other tests' WALs may publish on the same meter name concurrently: assert lower bounds.
            Assert.True(Interlocked.Read(ref records) >= 5);
            Assert.True(Interlocked.Read(ref bytes) >= 500);
            Assert.True(Interlocked.Read(ref fsyncs) >= 5);
            Assert.True(Interlocked.Read(ref batchRecords) >= 5);
            Assert.True(Volatile.Read(ref fsyncDurations) >= 5);
        }
    }
}

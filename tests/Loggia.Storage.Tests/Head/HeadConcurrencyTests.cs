using System.Buffers.Binary;
using Loggia.Core.Model;
using Loggia.Storage.Head;
using static Loggia.Storage.Tests.Head.HeadTestSupport;
using HeadStore = Loggia.Storage.Head.Head;

namespace Loggia.Storage.Tests.Head;

public sealed class HeadConcurrencyTests
{
    private const int Writers = 8;
    private const int BatchesPerWriter = 200;
    private const int BatchSize = 25;

    [Fact]
    public async Task ConcurrentWritersReadersAndFlushes_LoseAndDuplicateNothing_SnapshotsAlwaysSorted()
    {
        using var head = new HeadStore(new HeadOptions { ChunkEntries = 64, TimeProvider = new ManualTimeProvider() });
        Labels[] streams = [Labels.Parse("{s=\"0\"}"), Labels.Parse("{s=\"1\"}"), Labels.Parse("{s=\"2\"}")];
        var flushed = new List<(long Ts, int Id)>();
        using var stop = new CancellationTokenSource();

        // Each line carries a unique id; writers share streams and interleave timestamps, so appends are out of order.
        Task[] writers = new Task[Writers];
        for (int w = 0; w < Writers; w++)
        {
            int writer = w;
            writers[w] = Task.Run(() =>
            {
                var random = new Random(writer);
                var batch = new LogEntry[BatchSize];
                var buffer = new byte[4 * BatchSize];
                for (int b = 0; b < BatchesPerWriter; b++)
                {
                    for (int i = 0; i < BatchSize; i++)
                    {
                        int id = ((writer * BatchesPerWriter) + b) * BatchSize + i;
                        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(4 * i), id);
                        batch[i] = new LogEntry(BaseNanos + random.Next(0, 1_000_000), buffer.AsMemory(4 * i, 4));
                    }

                    HeadAppendResult result = head.Append(Tenant, streams[random.Next(streams.Length)], batch);
                    Assert.Equal(BatchSize, result.Appended);
                }
            });
        }

        Task reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (HeadStreamSnapshot snapshot in head.Select(Tenant, _ => true, long.MinValue, long.MaxValue))
                {
                    AssertSorted(snapshot);
                }
            }
        });

        Task flusher = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (head.TakeFlushable(Tenant, HeadFlushMode.All) is { } flush)
                {
                    foreach (var stream in flush.Streams)
                    {
                        foreach (var entry in stream.Entries)
                        {
                            flushed.Add((entry.TimestampNanos, BinaryPrimitives.ReadInt32LittleEndian(entry.Line.Span)));
                        }
                    }

                    head.CompleteFlush(flush);
                }

                Thread.Sleep(1);
            }
        });

        await Task.WhenAll(writers);
        await stop.CancelAsync();
        await Task.WhenAll(reader, flusher);

        var seen = new bool[Writers * BatchesPerWriter * BatchSize];
        foreach ((long _, int id) in flushed)
        {
            Assert.False(seen[id], $"id {id} flushed twice");
            seen[id] = true;
        }

        foreach (HeadStreamSnapshot snapshot in head.Select(Tenant, _ => true, long.MinValue, long.MaxValue))
        {
            for (int i = 0; i < snapshot.Count; i++)
            {
                int id = BinaryPrimitives.ReadInt32LittleEndian(snapshot.Line(i).Span);
                Assert.False(seen[id], $"id {id} both flushed and still in the head");
                seen[id] = true;
            }
        }

        Assert.DoesNotContain(false, seen);
        Assert.Equal(seen.Length - flushed.Count, head.Entries);
        Assert.Equal(4 * head.Entries, head.Bytes);
    }
}

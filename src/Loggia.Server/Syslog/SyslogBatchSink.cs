using Loggia.Core.Model;
using Loggia.Ingest.Syslog;
using Loggia.Server.Ingest;
using Loggia.Server.Ingest.Rules;

namespace Loggia.Server.Syslog;

/// <summary>
/// Parses framed syslog messages into a batch and sends full batches through the <see cref="PushPipeline"/>. One per
/// connection (TCP) or listener (UDP); not thread-safe.
/// </summary>
internal sealed class SyslogBatchSink(PushPipeline pipeline, TenantId tenant, SyslogMetrics metrics, TimeProvider time, string transport)
{
    /// <summary>Messages per push: large enough to share one WAL write and fsync, small enough to keep latency low.</summary>
    public const int MaxBatch = 2000;

    /// <summary>How long TCP waits before offering a refused batch again.</summary>
    private static readonly TimeSpan BusyRetryDelay = TimeSpan.FromMilliseconds(100);

    private readonly SyslogPushBuilder _builder = new();
    private long _receivedNanos;
    private DateTime _now;
    private long _bytes;
    private int _framed;

    public int Count => _builder.Count;

    public bool IsFull => _builder.Count >= MaxBatch;

    /// <summary>Reads the clock once per read: messages without a timestamp get the time they arrived.</summary>
    public void StartRead()
    {
        var now = time.GetUtcNow();
        _now = now.UtcDateTime;
        _receivedNanos = (now.UtcTicks - DateTime.UnixEpoch.Ticks) * 100;
    }

    /// <summary>Parses one framed message into the batch (or counts why not).</summary>
    public void Add(ReadOnlySpan<byte> frame, bool truncated)
    {
        _framed++;
        _bytes += frame.Length;
        if (truncated)
        {
            metrics.Truncated(transport);
        }

        if (SyslogParser.TryParse(frame, _now, out var message, out _))
        {
            _builder.Add(message, _receivedNanos);
        }
        else
        {
            metrics.ParseError(transport);
        }
    }

    /// <summary>
    /// Sends the batch; completes once it is durable. <paramref name="waitWhenBusy"/>: retry while the ingester is
    /// saturated (TCP, so the sender is held back by not reading); otherwise a refused batch is dropped and counted.
    /// The batch is taken before the first await, so the caller may fill the next one while this one is in flight.
    /// </summary>
    public Task FlushAsync(bool waitWhenBusy, CancellationToken cancellationToken)
    {
        RecordFramed();
        if (_builder.Count == 0)
        {
            return Task.CompletedTask;
        }

        var count = _builder.Count;
        var push = _builder.Build();
        return SendAsync(push, count, waitWhenBusy, cancellationToken);
    }

    private async Task SendAsync(Loggia.Ingest.Loki.PushRequest push, int count, bool waitWhenBusy, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var outcome = await pipeline.IngestAsync(tenant, IngestSource.Syslog, push, cancellationToken);
                if (!outcome.IsBusy)
                {
                    return;
                }

                metrics.Throttled(transport);
                if (!waitWhenBusy)
                {
                    metrics.Dropped(transport, SyslogMetrics.DropReasons.IngesterBusy, count);
                    return;
                }

                await Task.Delay(BusyRetryDelay, time, cancellationToken);
            }
        }
        catch (Exception)
        {
            metrics.Dropped(transport, SyslogMetrics.DropReasons.IngestFailed, count);
            throw;
        }
    }

    /// <summary>Counts a frame discarded because the peer closed inside it.</summary>
    public void BrokenFrame() => metrics.Dropped(transport, SyslogMetrics.DropReasons.BrokenFrame, 1);

    private void RecordFramed()
    {
        if (_framed > 0)
        {
            metrics.Received(transport, _framed, _bytes);
            _framed = 0;
            _bytes = 0;
        }
    }
}

using System.Threading.Channels;
using Loggia.Cli.Commands;
using Microsoft.Extensions.Logging;

namespace Loggia.Cli.Agent;

/// <summary>
/// Takes entries from the tailing loop, sends them in batches (by size and by wait) and, once the
/// server acknowledged a batch, advances and saves the positions. One batch is in flight at a time:
/// while it is retried (429, 5xx, no connection) nothing else is taken, the channel fills and the
/// tailing loop stops reading — backpressure, never a drop. A 4xx other than 429 would fail again
/// the same way: the batch is dropped with an error and counted, as Promtail does.
/// </summary>
internal sealed class BatchShipper(AgentOptions options, HttpClient client, AgentPositions positions, AgentCounters counters, TimeProvider time, ILogger logger)
{
    private readonly Uri _pushUrl = LokiPushClient.PushUrl(options.Url);
    private readonly RetryBackoff _backoff = new(options.MinBackoff, options.MaxBackoff);
    private readonly AgentBatch _batch = new();

    /// <summary>Runs until <paramref name="entries"/> is completed and drained; <paramref name="giveUp"/> ends retries at shutdown.</summary>
    public async Task RunAsync(ChannelReader<AgentRecord> entries, CancellationToken giveUp)
    {
        while (await entries.WaitToReadAsync(CancellationToken.None))
        {
            var deadline = time.GetTimestamp();
            var first = true;
            while (_batch.Bytes < options.BatchSizeBytes)
            {
                while (_batch.Bytes < options.BatchSizeBytes && entries.TryRead(out var record))
                {
                    _batch.Add(record);
                    first = false;
                }

                if (first || _batch.Bytes >= options.BatchSizeBytes)
                {
                    break;
                }

                var left = options.BatchWait - time.GetElapsedTime(deadline);
                if (left <= TimeSpan.Zero)
                {
                    break;
                }

                using var wait = new CancellationTokenSource(left, time);
                try
                {
                    if (!await entries.WaitToReadAsync(wait.Token))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException) when (wait.IsCancellationRequested)
                {
                    break;
                }
            }

            if (_batch.Count > 0)
            {
                await SendAsync(giveUp);
                _batch.Clear();
            }
        }
    }

    private async Task SendAsync(CancellationToken giveUp)
    {
        var body = _batch.Encode();
        for (var attempt = 0; ; attempt++)
        {
            LokiPushResult result;
            try
            {
                result = await LokiPushClient.PushAsync(client, _pushUrl, body, giveUp);
            }
            catch (OperationCanceledException) when (giveUp.IsCancellationRequested)
            {
                AgentLog.GaveUpAtShutdown(logger, _batch.Count);
                return;
            }

            if (result.Succeeded)
            {
                counters.AddSent(_batch.Count);
                AgentLog.Pushed(logger, _batch.Count, body.Length);
                Acknowledge();
                return;
            }

            if (!result.IsRetryable)
            {
                counters.AddDropped(_batch.Count);
                AgentLog.Rejected(logger, _batch.Count, (int)result.Status!, result.Error);
                // Sending it again cannot succeed: move past it so the agent does not stall.
                Acknowledge();
                return;
            }

            counters.AddRetry();
            var delay = _backoff.Next(attempt, result.RetryAfter);
            AgentLog.Retrying(logger, _batch.Count, result.Status is { } status ? ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture) : result.Error, attempt + 1, delay);
            try
            {
                await Task.Delay(delay, time, giveUp);
            }
            catch (OperationCanceledException)
            {
                AgentLog.GaveUpAtShutdown(logger, _batch.Count);
                return;
            }
        }
    }

    private void Acknowledge()
    {
        positions.Acknowledge(_batch.Records);
        try
        {
            positions.Save();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The lines are delivered; a later save records them. A crash before that repeats them (at-least-once).
            AgentLog.PositionsNotSaved(logger, positions.File, e.Message);
        }
    }
}

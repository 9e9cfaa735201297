using System.Threading.Channels;
using Loggia.Core.Model;
using Loggia.Ingest.Files;
using Microsoft.Extensions.Logging;

namespace Loggia.Cli.Agent;

/// <summary>
/// Finds the files of the scrape configs (again every <c>sync_period</c>), follows each with a
/// <see cref="FileTailer"/> and writes their entries to the shipper's channel, stamped with the
/// time they were read (strictly increasing, so a stream's order is the files' order).
/// </summary>
internal sealed class FileTailLoop(AgentOptions options, AgentPositions positions, bool startAtEnd, AgentCounters counters, TimeProvider time, ILogger logger) : IDisposable
{
    // Entries taken from one file per pass, so one busy file cannot starve the others.
    private const int MaxRecordsPerPass = 1000;

    private readonly Dictionary<string, Followed> _followed = new(StringComparer.Ordinal);
    private long _lastTimestamp;
    private bool _discoveredOnce;

    /// <summary>Reads until <paramref name="stop"/>, then hands over any record being assembled and completes <paramref name="output"/>.</summary>
    public async Task RunAsync(ChannelWriter<AgentRecord> output, CancellationToken stop)
    {
        var nextDiscovery = 0L;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (nextDiscovery == 0 || time.GetElapsedTime(nextDiscovery) >= TimeSpan.Zero)
                {
                    Discover();
                    nextDiscovery = time.GetTimestamp() + (long)(options.SyncPeriod.TotalSeconds * time.TimestampFrequency);
                }

                foreach (var followed in _followed.Values)
                {
                    await ReadAsync(followed, output, stop);
                }

                await Task.Delay(options.PollInterval, time, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Shutdown: what was read but not handed over is read again after the restart.
        }
        finally
        {
            foreach (var followed in _followed.Values)
            {
                // A multi-line record waiting for max_wait_time is complete as far as a shutdown goes.
                if (followed.Tailer.TryFlushPending(out var pending))
                {
                    output.TryWrite(new AgentRecord(followed.Labels, followed.Tailer.Path, NextTimestamp(), pending));
                }
            }

            output.TryComplete();
        }
    }

    private async Task ReadAsync(Followed followed, ChannelWriter<AgentRecord> output, CancellationToken stop)
    {
        var tailer = followed.Tailer;
        switch (tailer.Poll())
        {
            case TailChange.Rotated:
                AgentLog.Rotated(logger, tailer.Path);
                break;
            case TailChange.Truncated:
                AgentLog.Truncated(logger, tailer.Path);
                break;
        }

        for (var i = 0; i < MaxRecordsPerPass && tailer.TryReadRecord(out var record); i++)
        {
            if (record.Truncated)
            {
                counters.AddTruncated(1);
                AgentLog.LineTruncated(logger, tailer.Path, options.MaxLineBytes);
            }

            // Waits while the channel is full: the shipper is retrying, so reading pauses.
            await output.WriteAsync(new AgentRecord(followed.Labels, tailer.Path, NextTimestamp(), record), stop);
            followed.GoneRounds = 0;
        }
    }

    private void Discover()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var target in options.ScrapeConfigs)
        {
            foreach (var glob in target.Paths)
            {
                foreach (var path in glob.EnumerateMatches())
                {
                    if (!seen.Add(path) || target.Excludes(path) || IsOwnFile(path) || _followed.ContainsKey(path))
                    {
                        continue;
                    }

                    Follow(target, path);
                }
            }
        }

        _discoveredOnce = true;
        List<string>? drop = null;
        foreach (var (path, followed) in _followed)
        {
            // Gone for two rounds in a row with nothing read: rotated away for good or deleted.
            if (followed.Tailer.IsGone && ++followed.GoneRounds >= 2)
            {
                (drop ??= []).Add(path);
            }
        }

        foreach (var path in drop ?? [])
        {
            _followed.Remove(path, out var followed);
            followed!.Tailer.Dispose();
            positions.Forget(path);
            AgentLog.Dropped(logger, path);
        }

        foreach (var path in positions.Paths())
        {
            if (!_followed.ContainsKey(path) && !File.Exists(path))
            {
                positions.Forget(path);
            }
        }
    }

    private void Follow(ScrapeTarget target, string path)
    {
        var tailer = new FileTailer(path, options.MaxLineBytes, target.Multiline, time);
        try
        {
            var saved = positions.Get(path);
            // on_corrupt: end applies to the files there at start; files that appear later are new, read whole.
            tailer.Open(saved, startAtEnd && !_discoveredOnce);
            _followed[path] = new Followed(tailer, target.LabelsFor(path));
            AgentLog.Following(logger, path, tailer.Identity, tailer.Offset);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            tailer.Dispose();
            AgentLog.OpenFailed(logger, path, e.Message);
        }
    }

    private bool IsOwnFile(string path)
    {
        var positionsPath = Path.GetFullPath(positions.File);
        return path == positionsPath || path == positionsPath + ".tmp" || path.StartsWith(positionsPath + ".corrupt", StringComparison.Ordinal);
    }

    private long NextTimestamp()
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000;
        _lastTimestamp = Math.Max(now, _lastTimestamp + 1);
        return _lastTimestamp;
    }

    public void Dispose()
    {
        foreach (var followed in _followed.Values)
        {
            followed.Tailer.Dispose();
        }

        _followed.Clear();
    }

    private sealed class Followed(FileTailer tailer, Labels labels)
    {
        public FileTailer Tailer { get; } = tailer;

        public Labels Labels { get; } = labels;

        public int GoneRounds { get; set; }
    }
}

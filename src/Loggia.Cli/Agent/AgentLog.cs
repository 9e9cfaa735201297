using Microsoft.Extensions.Logging;

namespace Loggia.Cli.Agent;

/// <summary>What <c>loggia agent</c> logs. Tenant ids and credentials are never part of a message.</summary>
internal static partial class AgentLog
{
    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "Agent started: pushing to {Url}, {Targets} scrape configs, positions in {PositionsFile}")]
    public static partial void Started(ILogger logger, string url, int targets, string positionsFile);

    [LoggerMessage(EventId = 601, Level = LogLevel.Information, Message = "Following {Path} ({Identity}) from offset {Offset}")]
    public static partial void Following(ILogger logger, string path, Loggia.Ingest.Files.FileIdentity identity, long offset);

    [LoggerMessage(EventId = 602, Level = LogLevel.Information, Message = "{Path} was rotated (new file at the path); reading the old file to its end first")]
    public static partial void Rotated(ILogger logger, string path);

    [LoggerMessage(EventId = 603, Level = LogLevel.Warning, Message = "{Path} was truncated (copytruncate?); reading it again from the start")]
    public static partial void Truncated(ILogger logger, string path);

    [LoggerMessage(EventId = 604, Level = LogLevel.Information, Message = "Stopped following {Path}: it no longer exists")]
    public static partial void Dropped(ILogger logger, string path);

    [LoggerMessage(EventId = 605, Level = LogLevel.Warning, Message = "Push of {Entries} entries failed ({Reason}); retry {Attempt} in {Delay}, reading paused")]
    public static partial void Retrying(ILogger logger, int entries, string reason, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 606, Level = LogLevel.Error, Message = "Push of {Entries} entries rejected with {Status}: {Error}; the batch is dropped")]
    public static partial void Rejected(ILogger logger, int entries, int status, string error);

    [LoggerMessage(EventId = 607, Level = LogLevel.Warning, Message = "Positions file {File} is corrupt ({Reason}); moved aside to {Moved}, files start from their {Start}")]
    public static partial void PositionsCorrupt(ILogger logger, string file, string reason, string moved, string start);

    [LoggerMessage(EventId = 608, Level = LogLevel.Warning, Message = "Could not save positions to {File}: {Reason}")]
    public static partial void PositionsNotSaved(ILogger logger, string file, string reason);

    [LoggerMessage(EventId = 609, Level = LogLevel.Warning, Message = "Gave up delivering {Entries} entries at shutdown; they are sent again after the restart")]
    public static partial void GaveUpAtShutdown(ILogger logger, int entries);

    [LoggerMessage(EventId = 610, Level = LogLevel.Information, Message = "Agent stopped: {Sent} entries sent, {Dropped} dropped (rejected), {Truncated} lines truncated, {Retries} retries")]
    public static partial void Stopped(ILogger logger, long sent, long dropped, long truncated, long retries);

    [LoggerMessage(EventId = 611, Level = LogLevel.Warning, Message = "Line of {Path} longer than {Max} bytes truncated")]
    public static partial void LineTruncated(ILogger logger, string path, int max);

    [LoggerMessage(EventId = 612, Level = LogLevel.Warning, Message = "Could not open {Path}: {Reason}")]
    public static partial void OpenFailed(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 613, Level = LogLevel.Warning, Message = "{Message}")]
    public static partial void ConfigWarning(ILogger logger, string message);

    [LoggerMessage(EventId = 614, Level = LogLevel.Debug, Message = "Pushed {Entries} entries ({Bytes} bytes)")]
    public static partial void Pushed(ILogger logger, int entries, long bytes);
}

namespace Loggia.Ingest.Syslog;

/// <summary>What <see cref="SyslogFramer.Next"/> found.</summary>
public enum SyslogFrameKind
{
    /// <summary>No complete frame yet: read more (the consumed bytes were separators or discarded).</summary>
    NeedMore,

    /// <summary>A complete message.</summary>
    Message,

    /// <summary>The first bytes of a message longer than the limit; the rest is discarded as it arrives.</summary>
    TruncatedMessage,

    /// <summary>The stream ended inside a frame: the partial frame was discarded.</summary>
    BrokenFrame,
}

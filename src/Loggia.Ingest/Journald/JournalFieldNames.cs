namespace Loggia.Ingest.Journald;

/// <summary>The journald fields the mapping reads (<c>systemd.journal-fields(7)</c>) and the labels it writes.</summary>
public static class JournalFieldNames
{
    /// <summary>The message: the log line.</summary>
    public static ReadOnlySpan<byte> Message => "MESSAGE"u8;

    /// <summary>When journald received the entry (µs since the epoch); only in serialised journal files.</summary>
    public static ReadOnlySpan<byte> RealtimeTimestamp => "__REALTIME_TIMESTAMP"u8;

    /// <summary>When the client says it logged the entry (µs since the epoch).</summary>
    public static ReadOnlySpan<byte> SourceRealtimeTimestamp => "_SOURCE_REALTIME_TIMESTAMP"u8;

    /// <summary>The journal position of the entry (opaque), for <c>--after-cursor</c>.</summary>
    public static ReadOnlySpan<byte> Cursor => "__CURSOR"u8;

    /// <summary>The syslog identifier (program name) the client gave.</summary>
    public static ReadOnlySpan<byte> SyslogIdentifier => "SYSLOG_IDENTIFIER"u8;

    /// <summary>The systemd unit of the process.</summary>
    public static ReadOnlySpan<byte> SystemdUnit => "_SYSTEMD_UNIT"u8;

    /// <summary>The process name.</summary>
    public static ReadOnlySpan<byte> Comm => "_COMM"u8;

    /// <summary>The host the entry comes from.</summary>
    public static ReadOnlySpan<byte> Hostname => "_HOSTNAME"u8;

    /// <summary>The syslog priority 0 (emerg) – 7 (debug).</summary>
    public static ReadOnlySpan<byte> Priority => "PRIORITY"u8;

    /// <summary>Stream label naming the service (SYSLOG_IDENTIFIER, else _SYSTEMD_UNIT, else _COMM).</summary>
    public const string ServiceNameLabel = "service_name";

    /// <summary>Stream label of _SYSTEMD_UNIT.</summary>
    public const string UnitLabel = "unit";

    /// <summary>Stream label of _HOSTNAME.</summary>
    public const string HostnameLabel = "hostname";

    /// <summary>Structured metadata with Loki's level name for PRIORITY (Grafana colours lines by it).</summary>
    public const string DetectedLevel = "detected_level";

    /// <summary>Structured metadata listing the fields whose values were cut to the metadata value limit.</summary>
    public const string TruncatedFields = "journal_truncated_fields";
}

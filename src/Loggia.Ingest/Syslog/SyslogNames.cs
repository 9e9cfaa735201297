namespace Loggia.Ingest.Syslog;

/// <summary>The keywords of facility and severity codes (as rsyslog's <c>syslogfacility-text</c> and <c>syslogseverity-text</c> print them).</summary>
public static class SyslogNames
{
    private static readonly string[] Facilities =
    [
        "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp",
        "ntp", "security", "console", "solaris-cron", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
    ];

    private static readonly string[] Severities = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"];

    // Loki's detected_level values, so Grafana colours syslog lines like any other.
    private static readonly string[] Levels = ["critical", "critical", "critical", "error", "warn", "info", "info", "debug"];

    /// <summary>The facility keyword of code 0–23.</summary>
    public static string Facility(int code) => Facilities[code];

    /// <summary>The severity keyword of code 0–7.</summary>
    public static string Severity(int code) => Severities[code];

    /// <summary>Loki's <c>detected_level</c> for severity code 0–7.</summary>
    public static string Level(int code) => Levels[code];
}

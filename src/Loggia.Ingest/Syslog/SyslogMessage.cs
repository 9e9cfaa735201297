namespace Loggia.Ingest.Syslog;

/// <summary>Which syslog format a message was read as.</summary>
public enum SyslogFormat
{
    /// <summary>RFC 5424 (<c>&lt;PRI&gt;1 TIMESTAMP HOST APP PROCID MSGID SD MSG</c>).</summary>
    Rfc5424,

    /// <summary>RFC 3164 (BSD syslog) and its common variants.</summary>
    Rfc3164,
}

/// <summary>
/// One parsed syslog message: slices of the received bytes, so parsing allocates nothing. Empty spans mean the field
/// was absent or NILVALUE (<c>-</c>).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1051:Do not declare visible instance fields", Justification = "Filled in place by the parser through out/ref, like the BCL's span readers' state.")]
public ref struct SyslogMessage
{
    /// <summary>The format the message was read as.</summary>
    public SyslogFormat Format;

    /// <summary>Facility code, 0–23.</summary>
    public int Facility;

    /// <summary>Severity code, 0–7.</summary>
    public int Severity;

    /// <summary>Nanoseconds since the Unix epoch, or 0 when the message carries no usable timestamp.</summary>
    public long TimestampNanos;

    /// <summary>HOSTNAME.</summary>
    public ReadOnlySpan<byte> Hostname;

    /// <summary>APP-NAME (RFC 5424) or the TAG (RFC 3164).</summary>
    public ReadOnlySpan<byte> AppName;

    /// <summary>PROCID (RFC 5424) or the pid of <c>TAG[pid]:</c> (RFC 3164).</summary>
    public ReadOnlySpan<byte> ProcId;

    /// <summary>MSGID (RFC 5424 only).</summary>
    public ReadOnlySpan<byte> MsgId;

    /// <summary>The STRUCTURED-DATA elements as sent (RFC 5424 only), read with <see cref="SyslogStructuredDataReader"/>.</summary>
    public ReadOnlySpan<byte> StructuredData;

    /// <summary>MSG, without a leading UTF-8 BOM and trailing line ends.</summary>
    public ReadOnlySpan<byte> Message;
}

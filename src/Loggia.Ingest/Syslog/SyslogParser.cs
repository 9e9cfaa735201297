namespace Loggia.Ingest.Syslog;

/// <summary>
/// Parses one syslog message, RFC 5424 or RFC 3164 (told apart by the version digit after PRI), over its UTF-8 bytes
/// without allocating. RFC 3164 is read leniently, as relays send it: PRI may be missing (then user.notice, RFC 3164
/// 4.3.3), the timestamp may be <c>Mmm dd hh:mm:ss</c>, RFC 3339 (rsyslog's forward format) or missing, the host
/// may be missing, and the tag may carry a pid (<c>TAG[pid]:</c>).
/// </summary>
public static class SyslogParser
{
    /// <summary>PRI when a message has none: user.notice.</summary>
    private const int DefaultPriority = 13;

    /// <summary>Longest TAG read as an app name (RFC 3164 says 32; relays send longer ones).</summary>
    private const int MaxTagLength = 128;

    /// <summary>Parses <paramref name="input"/>; false (with a reason) for an invalid PRI or a malformed RFC 5424 header.</summary>
    public static bool TryParse(ReadOnlySpan<byte> input, DateTime nowUtc, out SyslogMessage message, out string? error)
    {
        message = default;
        error = null;
        input = TrimEnd(input);
        if (input.IsEmpty)
        {
            error = "empty message";
            return false;
        }

        int priority = DefaultPriority;
        if (input[0] == '<')
        {
            int close = input[..Math.Min(input.Length, 5)].IndexOf((byte)'>');
            if (close < 2 || !TryNumber(input[1..close], out priority) || priority > 191)
            {
                error = "invalid PRI";
                return false;
            }

            input = input[(close + 1)..];
        }

        message.Facility = priority >> 3;
        message.Severity = priority & 7;
        if (input.Length >= 2 && input[0] is >= (byte)'1' and <= (byte)'9' && (input[1] == ' ' || (input.Length >= 3 && IsDigit(input[1]) && (input[2] == ' ' || (input.Length >= 4 && IsDigit(input[2]) && input[3] == ' ')))))
        {
            message.Format = SyslogFormat.Rfc5424;
            if (!TryParse5424(input[(input.IndexOf((byte)' ') + 1)..], ref message))
            {
                error = "malformed RFC 5424 header";
                return false;
            }

            return true;
        }

        message.Format = SyslogFormat.Rfc3164;
        Parse3164(input, nowUtc, ref message);
        return true;
    }

    private static bool TryParse5424(ReadOnlySpan<byte> rest, ref SyslogMessage message)
    {
        if (!TryField(ref rest, out var timestamp) || !TryField(ref rest, out message.Hostname) || !TryField(ref rest, out message.AppName)
            || !TryField(ref rest, out message.ProcId) || !TryField(ref rest, out message.MsgId))
        {
            return false;
        }

        if (timestamp.Length > 0)
        {
            if (!SyslogTimestamps.TryParseRfc3339(timestamp, out message.TimestampNanos, out int length) || length != timestamp.Length)
            {
                return false;
            }
        }

        if (rest.IsEmpty)
        {
            return false;
        }

        if (rest[0] == '-')
        {
            rest = rest[1..];
        }
        else if (SyslogStructuredDataReader.TryMeasure(rest, out int sdLength))
        {
            message.StructuredData = rest[..sdLength];
            rest = rest[sdLength..];
        }
        else
        {
            return false;
        }

        if (!rest.IsEmpty)
        {
            if (rest[0] != ' ')
            {
                return false;
            }

            rest = rest[1..];
        }

        message.Message = StripBom(rest);
        return true;
    }

    private static void Parse3164(ReadOnlySpan<byte> rest, DateTime nowUtc, ref SyslogMessage message)
    {
        bool hasTimestamp = false;
        if (SyslogTimestamps.TryParseBsd(rest, nowUtc, out long nanos))
        {
            message.TimestampNanos = nanos;
            rest = rest[15..];
            hasTimestamp = true;
        }
        else if (SyslogTimestamps.TryParseRfc3339(rest, out nanos, out int length))
        {
            message.TimestampNanos = nanos;
            rest = rest[length..];
            hasTimestamp = true;
        }

        if (hasTimestamp)
        {
            rest = rest.TrimStart((byte)' ');
            // HOSTNAME, unless the word after the timestamp is already the tag ("TAG:" or "TAG[pid]:").
            int space = rest.IndexOf((byte)' ');
            ReadOnlySpan<byte> word = space < 0 ? rest : rest[..space];
            if (space > 0 && !IsTag(word))
            {
                message.Hostname = word;
                rest = rest[(space + 1)..];
            }
        }

        ReadTag(ref rest, ref message);
        message.Message = StripBom(rest);
    }

    /// <summary>Reads <c>TAG:</c>, <c>TAG[pid]:</c> or <c>TAG[pid]</c> followed by a space; otherwise the whole rest is MSG.</summary>
    private static void ReadTag(ref ReadOnlySpan<byte> rest, ref SyslogMessage message)
    {
        int limit = Math.Min(rest.Length, MaxTagLength + 1);
        for (int i = 0; i < limit; i++)
        {
            byte b = rest[i];
            if (b == ':' && i > 0)
            {
                message.AppName = rest[..i];
                rest = SkipOneSpace(rest[(i + 1)..]);
                return;
            }

            if (b == '[' && i > 0)
            {
                int close = rest[i..].IndexOf((byte)']');
                if (close < 0)
                {
                    return;
                }

                int end = i + close + 1;
                if (end < rest.Length && rest[end] != ':' && rest[end] != ' ')
                {
                    return;
                }

                message.AppName = rest[..i];
                message.ProcId = rest[(i + 1)..(i + close)];
                rest = end < rest.Length && rest[end] == ':' ? SkipOneSpace(rest[(end + 1)..]) : SkipOneSpace(rest[end..]);
                return;
            }

            if (b == ' ' || b < 32)
            {
                return;
            }
        }
    }

    private static bool IsTag(ReadOnlySpan<byte> word) => word.Length > 1 && (word[^1] == ':' || word[^1] == ']');

    private static ReadOnlySpan<byte> SkipOneSpace(ReadOnlySpan<byte> text) => !text.IsEmpty && text[0] == ' ' ? text[1..] : text;

    private static bool TryField(scoped ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> field)
    {
        int space = rest.IndexOf((byte)' ');
        if (space <= 0)
        {
            field = default;
            return false;
        }

        field = rest[..space];
        if (field.Length == 1 && field[0] == '-')
        {
            field = default;
        }

        rest = rest[(space + 1)..];
        return true;
    }

    private static ReadOnlySpan<byte> StripBom(ReadOnlySpan<byte> text) =>
        text.Length >= 3 && text[0] == 0xEF && text[1] == 0xBB && text[2] == 0xBF ? text[3..] : text;

    private static ReadOnlySpan<byte> TrimEnd(ReadOnlySpan<byte> text)
    {
        int end = text.Length;
        while (end > 0 && text[end - 1] is (byte)'\n' or (byte)'\r' or 0)
        {
            end--;
        }

        return text[..end];
    }

    private static bool TryNumber(ReadOnlySpan<byte> digits, out int value)
    {
        value = 0;
        foreach (byte b in digits)
        {
            if (!IsDigit(b))
            {
                return false;
            }

            value = (value * 10) + (b - '0');
        }

        return digits.Length > 0;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;
}

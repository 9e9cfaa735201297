namespace Loggia.Ingest.Syslog;

/// <summary>
/// Splits a syslog TCP byte stream into messages (RFC 6587), deciding the framing per message: a frame that starts with
/// a non-zero digit followed by digits and a space is octet-counted (<c>LEN SP MSG</c>); anything else is
/// non-transparent, ending at LF. Messages longer than the limit are cut to it and the rest is skipped as it arrives,
/// so a buffer of <see cref="MaxMessageBytes"/> plus <see cref="MaxHeaderBytes"/> always makes progress.
/// </summary>
public struct SyslogFramer
{
    /// <summary>Longest octet-count prefix read (nine digits and the space); longer digit runs are not a count.</summary>
    public const int MaxHeaderBytes = 10;

    private long _discardOctets;
    private bool _discardToLineEnd;

    /// <summary>Creates a framer for messages of at most <paramref name="maxMessageBytes"/> bytes.</summary>
    public SyslogFramer(int maxMessageBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageBytes, 1);
        MaxMessageBytes = maxMessageBytes;
    }

    /// <summary>The message size limit.</summary>
    public int MaxMessageBytes { get; }

    /// <summary>
    /// Finds the next frame in <paramref name="data"/> (the unread bytes); <paramref name="consumed"/> bytes are done with
    /// whatever the result, and the message is <c>data.Slice(start, length)</c>. <paramref name="final"/>: no more bytes
    /// will come (the peer closed), so an unterminated last line is a message.
    /// </summary>
    public SyslogFrameKind Next(ReadOnlySpan<byte> data, bool final, out int consumed, out int start, out int length)
    {
        consumed = 0;
        start = 0;
        length = 0;
        if (_discardOctets > 0)
        {
            int skip = (int)Math.Min(_discardOctets, data.Length);
            _discardOctets -= skip;
            consumed = skip;
            if (_discardOctets > 0)
            {
                return SyslogFrameKind.NeedMore;
            }
        }

        if (_discardToLineEnd)
        {
            int lf = data[consumed..].IndexOf((byte)'\n');
            if (lf < 0)
            {
                consumed = data.Length;
                return SyslogFrameKind.NeedMore;
            }

            consumed += lf + 1;
            _discardToLineEnd = false;
        }

        // Separators between frames (line ends of senders that end octet-counted frames with LF too, NUL framing).
        while (consumed < data.Length && data[consumed] is (byte)'\n' or (byte)'\r' or 0 or (byte)' ')
        {
            consumed++;
        }

        var frame = data[consumed..];
        if (frame.IsEmpty)
        {
            return SyslogFrameKind.NeedMore;
        }

        if (frame[0] is >= (byte)'1' and <= (byte)'9')
        {
            int i = 0;
            long count = 0;
            while (i < frame.Length && i < MaxHeaderBytes && (uint)(frame[i] - '0') <= 9)
            {
                count = (count * 10) + (frame[i] - '0');
                i++;
            }

            if (i == frame.Length && i < MaxHeaderBytes && !final)
            {
                return SyslogFrameKind.NeedMore;
            }

            if (i < frame.Length && i < MaxHeaderBytes && frame[i] == ' ')
            {
                return OctetCounted(frame, final, i + 1, count, ref consumed, out start, out length);
            }
        }

        return LineEnded(frame, final, ref consumed, out start, out length);
    }

    private SyslogFrameKind OctetCounted(ReadOnlySpan<byte> frame, bool final, int header, long count, ref int consumed, out int start, out int length)
    {
        start = consumed + header;
        length = (int)Math.Min(count, MaxMessageBytes);
        if (frame.Length - header >= length)
        {
            consumed += header + length;
            _discardOctets = count - length;
            return count > length ? SyslogFrameKind.TruncatedMessage : SyslogFrameKind.Message;
        }

        if (final)
        {
            consumed += frame.Length;
            return SyslogFrameKind.BrokenFrame;
        }

        length = 0;
        return SyslogFrameKind.NeedMore;
    }

    private SyslogFrameKind LineEnded(ReadOnlySpan<byte> frame, bool final, ref int consumed, out int start, out int length)
    {
        start = consumed;
        int searched = Math.Min(frame.Length, MaxMessageBytes + 1);
        int lf = frame[..searched].IndexOf((byte)'\n');
        if (lf >= 0)
        {
            length = lf;
            consumed += lf + 1;
            return SyslogFrameKind.Message;
        }

        if (frame.Length > MaxMessageBytes)
        {
            length = MaxMessageBytes;
            consumed += MaxMessageBytes;
            _discardToLineEnd = true;
            return SyslogFrameKind.TruncatedMessage;
        }

        if (final)
        {
            length = frame.Length;
            consumed += frame.Length;
            return SyslogFrameKind.Message;
        }

        length = 0;
        return SyslogFrameKind.NeedMore;
    }
}

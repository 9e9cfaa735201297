using System.Buffers;

namespace Loggia.Ingest.Files;

/// <summary>
/// Splits a growing file into lines with one pooled buffer. A line ends at <c>\n</c> (a <c>\r</c>
/// before it is dropped); bytes after the last newline stay buffered until the writer finishes the
/// line. A line longer than the cap is cut at the cap (on a UTF-8 boundary), returned once with
/// <c>truncated</c> set, and the rest of it is skipped: memory never grows past the cap.
/// </summary>
public sealed class LineReader : IDisposable
{
    // Enough for most lines in one read; grows only up to the cap.
    private const int InitialBufferSize = 64 * 1024;

    // Room beyond the cap for a CR and one more byte: tells "exactly the cap, then CRLF" from "longer".
    private const int CapSlack = 2;

    private readonly int _maxLineBytes;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _skippingRest;

    /// <summary>Creates a reader whose lines are at most <paramref name="maxLineBytes"/> bytes.</summary>
    public LineReader(int maxLineBytes, long startOffset = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxLineBytes, int.MaxValue / 2);
        _maxLineBytes = maxLineBytes;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Min(InitialBufferSize, maxLineBytes + CapSlack));
        Offset = startOffset;
    }

    /// <summary>File offset just after the last line returned (what a position may record).</summary>
    public long Offset { get; private set; }

    /// <summary>File offset of the next byte to read from the file (after the buffered partial line).</summary>
    public long ReadOffset => Offset + (_end - _start);

    /// <summary>Bytes of an unfinished last line waiting for its newline.</summary>
    public int PendingBytes => _end - _start;

    /// <summary>Forgets buffered bytes and restarts at <paramref name="offset"/> (after a truncation).</summary>
    public void Reset(long offset)
    {
        _start = _end = 0;
        _skippingRest = false;
        Offset = offset;
    }

    /// <summary>
    /// The next complete line from <paramref name="stream"/> (positioned at <see cref="ReadOffset"/>),
    /// or false when no newline has been written yet. The span is valid until the next call.
    /// </summary>
    public bool TryReadLine(Stream stream, out ReadOnlySpan<byte> line, out bool truncated)
    {
        while (true)
        {
            var pending = _buffer.AsSpan(_start, _end - _start);
            var newline = pending.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var consumed = newline + 1;
                var skipped = _skippingRest;
                line = pending[..newline];
                _start += consumed;
                Offset += consumed;
                _skippingRest = false;
                if (skipped)
                {
                    // The tail of a line already returned truncated.
                    continue;
                }

                // The CR of a CRLF is not content: a line of exactly the cap followed by CRLF is whole.
                if (line.Length > 0 && line[^1] == (byte)'\r')
                {
                    line = line[..^1];
                }

                truncated = line.Length > _maxLineBytes;
                if (truncated)
                {
                    line = CutAtCharBoundary(line, _maxLineBytes);
                }

                return true;
            }

            // A trailing CR may be the start of a CRLF: it does not count against the cap yet.
            var content = pending.Length > 0 && pending[^1] == (byte)'\r' ? pending.Length - 1 : pending.Length;
            if (content > _maxLineBytes || (_skippingRest && pending.Length > 0))
            {
                if (_skippingRest)
                {
                    Offset += pending.Length;
                    _start = _end = 0;
                }
                else
                {
                    // No newline within the cap: return the head now, drop the rest up to the newline.
                    line = CutAtCharBoundary(pending, _maxLineBytes);
                    Offset += pending.Length;
                    _start = _end = 0;
                    _skippingRest = true;
                    truncated = true;
                    return true;
                }
            }

            if (!Fill(stream))
            {
                line = default;
                truncated = false;
                return false;
            }
        }
    }

    /// <summary>The unfinished last line, consumed (used when a rotated file will get no more bytes).</summary>
    public bool TryTakePartial(out ReadOnlySpan<byte> line)
    {
        if (_end == _start || _skippingRest)
        {
            Offset += _end - _start;
            _start = _end = 0;
            _skippingRest = false;
            line = default;
            return false;
        }

        line = _buffer.AsSpan(_start, _end - _start);
        if (line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        Offset += _end - _start;
        _start = _end = 0;
        return true;
    }

    private bool Fill(Stream stream)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Min(_buffer.Length * 2, _maxLineBytes + CapSlack));
            if (larger.Length <= _buffer.Length)
            {
                ArrayPool<byte>.Shared.Return(larger);
                return false;
            }

            _buffer.AsSpan(0, _end).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        var read = stream.Read(_buffer, _end, _buffer.Length - _end);
        _end += read;
        return read > 0;
    }

    private static ReadOnlySpan<byte> CutAtCharBoundary(ReadOnlySpan<byte> line, int max)
    {
        var cut = max;
        // Step back over UTF-8 continuation bytes so the cut does not split a character.
        while (cut > 0 && (line[cut] & 0xC0) == 0x80)
        {
            cut--;
        }

        return line[..cut];
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}

using System.Text;

namespace Loggia.Ingest.Files;

/// <summary>
/// Joins the lines of one file into records by <see cref="MultilineOptions"/> (a Java stack trace
/// becomes one entry). A line that does not match the first-line pattern and has no record to join
/// starts one, as Promtail does, so nothing is dropped. Lines are joined with <c>\n</c>.
/// </summary>
public sealed class MultilineAssembler
{
    private readonly MultilineOptions _options;
    private readonly StringBuilder _text = new();
    private int _lines;
    private long _endOffset;
    private bool _truncated;
    private long _lastLineTimestamp;

    /// <summary>Creates an assembler with no pending record.</summary>
    public MultilineAssembler(MultilineOptions options) => _options = options;

    /// <summary>True while a record is being assembled.</summary>
    public bool HasPending => _lines > 0;

    /// <summary>
    /// Adds <paramref name="line"/> (ending at file offset <paramref name="endOffset"/>, read at
    /// <paramref name="timestamp"/> from a <see cref="TimeProvider"/>); returns true with the record it completed, if any.
    /// </summary>
    public bool Add(string line, long endOffset, bool truncated, long timestamp, out AssembledRecord completed)
    {
        completed = default;
        var completedOne = false;
        if (_lines > 0 && _options.FirstLine.IsMatch(line))
        {
            completed = Take();
            completedOne = true;
        }

        if (_lines > 0)
        {
            _text.Append('\n');
        }

        _text.Append(line);
        _lines++;
        _endOffset = endOffset;
        _truncated |= truncated;
        _lastLineTimestamp = timestamp;
        if (_lines >= _options.MaxLines && !completedOne)
        {
            completed = Take();
            return true;
        }

        return completedOne;
    }

    /// <summary>True when a pending record has waited <c>max_wait_time</c> since its last line at <paramref name="now"/>.</summary>
    public bool IsDue(long now, TimeProvider time) => _lines > 0 && time.GetElapsedTime(_lastLineTimestamp, now) >= _options.MaxWaitTime;

    /// <summary>Completes the pending record, if any.</summary>
    public bool TryFlush(out AssembledRecord record)
    {
        if (_lines == 0)
        {
            record = default;
            return false;
        }

        record = Take();
        return true;
    }

    private AssembledRecord Take()
    {
        var record = new AssembledRecord(_text.ToString(), _endOffset, _lines, _truncated);
        _text.Clear();
        _lines = 0;
        _truncated = false;
        return record;
    }
}

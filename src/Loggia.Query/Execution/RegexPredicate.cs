using System.Text;
using System.Text.RegularExpressions;

namespace Loggia.Query.Execution;

/// <summary>
/// <c>|~ "re"</c> for regexes that are not literals: an unanchored search with the NonBacktracking engine
/// (linear time, like RE2) over the line decoded to UTF-16 into a reused buffer. Invalid UTF-8 decodes to
/// U+FFFD, as Go's regexp sees it, and never throws.
/// </summary>
/// <remarks>Not thread-safe: one instance per executing query (the decode buffer is reused).</remarks>
internal sealed class RegexPredicate(Regex regex) : LinePredicate
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    // Owned and grown, never shrunk: a query's lines have similar lengths, so this settles after a few lines.
    private char[] _buffer = new char[1024];

    public override int Cost => 10;

    public override bool Matches(ReadOnlySpan<byte> line)
    {
        // UTF-8 never decodes to more UTF-16 code units than it has bytes.
        if (_buffer.Length < line.Length)
        {
            _buffer = new char[Math.Max(line.Length, _buffer.Length * 2)];
        }
        var count = Utf8.GetChars(line, _buffer);
        return regex.IsMatch(_buffer.AsSpan(0, count));
    }
}

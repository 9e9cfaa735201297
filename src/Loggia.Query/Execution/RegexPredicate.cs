using System.Text;
using System.Text.RegularExpressions;

namespace Loggia.Query.Execution;

/// <summary>
/// <c>|~ "re"</c> for regexes that are not literals: an unanchored search with the NonBacktracking engine
/// (linear time, like RE2) over the line decoded to UTF-16 into a reused per-thread buffer. Invalid UTF-8
/// decodes to U+FFFD, as Go's regexp sees it, and never throws.
/// </summary>
/// <remarks>Thread-safe: blocks of one query are scanned in parallel with the same compiled pipeline.</remarks>
internal sealed class RegexPredicate(Regex regex) : LinePredicate
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    // One per thread, grown and never shrunk: lines have similar lengths, so this settles after a few lines.
    [ThreadStatic]
    private static char[]? t_buffer;

    public override int Cost => 10;

    public override bool Matches(ReadOnlySpan<byte> line)
    {
        // UTF-8 never decodes to more UTF-16 code units than it has bytes.
        var buffer = t_buffer ??= new char[1024];
        if (buffer.Length < line.Length)
        {
            buffer = t_buffer = new char[Math.Max(line.Length, buffer.Length * 2)];
        }

        var count = Utf8.GetChars(line, buffer);
        return regex.IsMatch(buffer.AsSpan(0, count));
    }
}

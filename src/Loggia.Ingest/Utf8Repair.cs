using System.Text;
using System.Text.Unicode;

namespace Loggia.Ingest;

/// <summary>
/// Makes text that should be UTF-8 valid by replacing each invalid sequence with U+FFFD, as Loki (and .NET and Go
/// text decoders) read invalid UTF-8 in log lines: the entry is kept, the bytes that were not text are marked.
/// </summary>
internal static class Utf8Repair
{
    /// <summary><paramref name="text"/> itself when it is valid UTF-8 (the common case, checked without copying), else a repaired copy.</summary>
    public static ReadOnlySpan<byte> Valid(ReadOnlySpan<byte> text) =>
        Utf8.IsValid(text) ? text : Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(text));
}

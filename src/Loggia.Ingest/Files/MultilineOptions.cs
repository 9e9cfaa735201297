using System.Text.RegularExpressions;

namespace Loggia.Ingest.Files;

/// <summary>
/// Promtail's <c>multiline</c> stage: a line matching <see cref="FirstLine"/> starts a new record,
/// the others are appended to the current one; a record is flushed after <see cref="MaxWaitTime"/>
/// without a new line, or when it reaches <see cref="MaxLines"/> lines.
/// </summary>
public sealed record MultilineOptions(Regex FirstLine, TimeSpan MaxWaitTime, int MaxLines)
{
    /// <summary>Promtail's default <c>max_wait_time</c>.</summary>
    public static readonly TimeSpan DefaultMaxWaitTime = TimeSpan.FromSeconds(3);

    /// <summary>Promtail's default <c>max_lines</c>.</summary>
    public const int DefaultMaxLines = 128;

    /// <summary>Compiles <paramref name="firstLine"/> without backtracking, as user regexes are everywhere in Loggia.</summary>
    public static MultilineOptions Create(string firstLine, TimeSpan? maxWaitTime = null, int? maxLines = null) =>
        new(new Regex(firstLine, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant),
            maxWaitTime ?? DefaultMaxWaitTime,
            maxLines ?? DefaultMaxLines);
}

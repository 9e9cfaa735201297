namespace Loggia.Ingest.Files;

/// <summary>
/// A path glob as Promtail takes them: <c>*</c> and <c>?</c> match within one path segment,
/// <c>**</c> (a whole segment) matches any number of directories, including none. Patterns are made
/// absolute against the working directory and normalized (no <c>.</c>/<c>..</c> segments); matching is ordinal (Linux paths are case-sensitive).
/// </summary>
public sealed class FileGlob
{
    private readonly string[] _segments;
    private readonly bool _recursive;

    private FileGlob(string pattern, string[] segments, string baseDirectory, int fixedSegments)
    {
        Pattern = pattern;
        _segments = segments;
        BaseDirectory = baseDirectory;
        _recursive = Array.IndexOf(segments, "**") >= 0;
        // Depth of the deepest file below the base directory when there is no "**".
        MaxDepth = segments.Length - fixedSegments - 1;
    }

    /// <summary>The absolute pattern.</summary>
    public string Pattern { get; }

    /// <summary>The deepest directory that holds every match (the segments before the first wildcard).</summary>
    public string BaseDirectory { get; }

    private int MaxDepth { get; }

    /// <summary>Parses <paramref name="pattern"/>, relative ones against the working directory.</summary>
    public static FileGlob Parse(string pattern)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        // GetFullPath also removes "." and ".." segments: the enumerated paths have none, so a pattern
        // (or an exclude) written with them would otherwise match nothing. Wildcards are ordinary characters to it.
        var absolute = Path.GetFullPath(pattern);
        var segments = absolute.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var fixedSegments = 0;
        while (fixedSegments < segments.Length - 1 && !HasWildcard(segments[fixedSegments]))
        {
            fixedSegments++;
        }

        var baseDirectory = "/" + string.Join('/', segments, 0, fixedSegments);
        return new FileGlob(absolute, segments, baseDirectory, fixedSegments);
    }

    /// <summary>True when the absolute <paramref name="path"/> matches.</summary>
    public bool IsMatch(string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return MatchSegments(0, parts, 0);
    }

    /// <summary>The files that match now (directories and unreadable places are skipped).</summary>
    public IEnumerable<string> EnumerateMatches()
    {
        if (!HasWildcard(Pattern))
        {
            return File.Exists(Pattern) ? [Pattern] : [];
        }

        if (!Directory.Exists(BaseDirectory))
        {
            return [];
        }

        var options = new EnumerationOptions
        {
            RecurseSubdirectories = _recursive || MaxDepth > 0,
            MaxRecursionDepth = _recursive ? int.MaxValue : Math.Max(0, MaxDepth),
            IgnoreInaccessible = true,
            // Dot files match '*' as in Go's filepath.Match (the default skips "hidden" ones).
            AttributesToSkip = FileAttributes.None,
            ReturnSpecialDirectories = false,
        };
        try
        {
            return Directory.EnumerateFiles(BaseDirectory, "*", options).Where(IsMatch).ToList();
        }
        catch (IOException)
        {
            // The directory went away while being listed: the next discovery round sees the new state.
            return [];
        }
    }

    private bool MatchSegments(int patternIndex, string[] parts, int partIndex)
    {
        while (patternIndex < _segments.Length)
        {
            var segment = _segments[patternIndex];
            if (segment == "**")
            {
                for (var skip = partIndex; skip <= parts.Length; skip++)
                {
                    if (MatchSegments(patternIndex + 1, parts, skip))
                    {
                        return true;
                    }
                }

                return false;
            }

            if (partIndex >= parts.Length || !MatchSegment(segment, parts[partIndex]))
            {
                return false;
            }

            patternIndex++;
            partIndex++;
        }

        return partIndex == parts.Length;
    }

    /// <summary>Wildcard match of one segment: <c>*</c> any run of characters, <c>?</c> one character.</summary>
    internal static bool MatchSegment(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t]))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                // Let the last '*' take one more character and retry from there.
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    private static bool HasWildcard(string text) => text.AsSpan().IndexOfAny('*', '?') >= 0;
}

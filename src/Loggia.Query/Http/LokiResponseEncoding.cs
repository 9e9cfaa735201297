namespace Loggia.Query.Http;

/// <summary>Loki's response encoding flags (header <c>X-Loki-Response-Encoding-Flags</c>, comma-separated).</summary>
[Flags]
public enum LokiResponseEncoding
{
    /// <summary>No flag: structured metadata is returned as stream labels.</summary>
    None = 0,

    /// <summary><c>categorize-labels</c>: entries carry a third element with their structured metadata.</summary>
    CategorizeLabels = 1,
}

/// <summary>Parsing and naming of <see cref="LokiResponseEncoding"/>.</summary>
public static class LokiResponseEncodingHeader
{
    /// <summary>The request header carrying the flags.</summary>
    public const string HeaderName = "X-Loki-Response-Encoding-Flags";

    /// <summary>The wire name of <see cref="LokiResponseEncoding.CategorizeLabels"/>.</summary>
    public const string CategorizeLabels = "categorize-labels";

    /// <summary>Parses the header value; unknown flags are ignored, as Loki does.</summary>
    public static LokiResponseEncoding Parse(string? headerValue)
    {
        var flags = LokiResponseEncoding.None;
        if (string.IsNullOrEmpty(headerValue))
        {
            return flags;
        }
        foreach (var part in headerValue.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part == CategorizeLabels)
            {
                flags |= LokiResponseEncoding.CategorizeLabels;
            }
        }
        return flags;
    }
}

namespace Loggia.Ingest.Clef;

/// <summary>Serilog/Seq level names (CLEF's <c>@l</c>) as the level names Loki and Grafana use.</summary>
internal static class ClefLevels
{
    /// <summary>The Loki level for a CLEF level; CLEF's default (no <c>@l</c>) is Information.</summary>
    public static string ToLoki(string? level) => level switch
    {
        null or "" => "info",
        _ when Is(level, "Verbose") || Is(level, "Trace") => "trace",
        _ when Is(level, "Debug") => "debug",
        _ when Is(level, "Information") || Is(level, "Info") => "info",
        _ when Is(level, "Warning") || Is(level, "Warn") => "warn",
        _ when Is(level, "Error") => "error",
        _ when Is(level, "Fatal") || Is(level, "Critical") => "fatal",
        _ => level.ToLowerInvariant(),
    };

    private static bool Is(string level, string name) => string.Equals(level, name, StringComparison.OrdinalIgnoreCase);
}

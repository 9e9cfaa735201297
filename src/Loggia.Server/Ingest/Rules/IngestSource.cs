namespace Loggia.Server.Ingest.Rules;

/// <summary>The protocol a batch arrived by, which ingest rules may be limited to.</summary>
public enum IngestSource
{
    /// <summary>Loki push (JSON or protobuf), Loggia's native format, and the <c>loggia agent</c> that speaks it.</summary>
    Loki,

    /// <summary>OpenTelemetry logs over HTTP or gRPC.</summary>
    Otlp,

    /// <summary>Syslog over TCP or UDP.</summary>
    Syslog,

    /// <summary>systemd-journal-upload.</summary>
    Journald,

    /// <summary>Serilog/Seq compact JSON (CLEF).</summary>
    Clef,

    /// <summary>Elasticsearch <c>_bulk</c>.</summary>
    Elasticsearch,
}

/// <summary>The names rules use for <see cref="IngestSource"/> in YAML and JSON.</summary>
public static class IngestSourceNames
{
    /// <summary>The lower-case name of <paramref name="source"/>.</summary>
    public static string Name(IngestSource source) => source switch
    {
        IngestSource.Loki => "loki",
        IngestSource.Otlp => "otlp",
        IngestSource.Syslog => "syslog",
        IngestSource.Journald => "journald",
        IngestSource.Clef => "clef",
        IngestSource.Elasticsearch => "elasticsearch",
        _ => throw new ArgumentOutOfRangeException(nameof(source)),
    };

    /// <summary>Parses a source name (case-insensitive); false for an unknown name.</summary>
    public static bool TryParse(string name, out IngestSource source)
    {
        foreach (var candidate in Enum.GetValues<IngestSource>())
        {
            if (string.Equals(Name(candidate), name, StringComparison.OrdinalIgnoreCase))
            {
                source = candidate;
                return true;
            }
        }

        source = default;
        return false;
    }
}

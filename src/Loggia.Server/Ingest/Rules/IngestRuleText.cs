namespace Loggia.Server.Ingest.Rules;

/// <summary>The checks and defaults the YAML and JSON forms of a rule share.</summary>
internal static class IngestRuleText
{
    /// <summary>Parses a source name or throws with the accepted names.</summary>
    public static IngestSource ParseSource(string name) => IngestSourceNames.TryParse(name, out var source)
        ? source
        : throw new IngestRuleException($"unknown source '{name}' (use loki, otlp, syslog, journald, clef or elasticsearch)");

    /// <summary>Builds a definition from its fields; <paramref name="regex"/> is shorthand for a <c>| regexp</c> pipeline.</summary>
    public static IngestRuleDefinition Build(
        string? name, IReadOnlyList<IngestSource> sources, string? selector, string? pipeline, string? regex,
        IReadOnlyList<string> labels, IReadOnlyList<string> metadata, string? timestampSource, string? timestampFormat, bool replaceLine)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new IngestRuleException("a rule needs a 'name'");
        }

        if (pipeline is not null && regex is not null)
        {
            throw new IngestRuleException($"rule '{name}': give either 'pipeline' or 'regex', not both");
        }

        if (pipeline is null && regex is null)
        {
            throw new IngestRuleException($"rule '{name}': a 'pipeline' (LogQL stages) or a 'regex' (named groups) is required");
        }

        if (timestampFormat is not null && timestampSource is null)
        {
            throw new IngestRuleException($"rule '{name}': 'timestamp' needs a 'source' field");
        }

        return new IngestRuleDefinition
        {
            Name = name,
            Sources = sources,
            Selector = selector,
            Pipeline = pipeline ?? RegexpStage(regex!),
            Labels = labels,
            StructuredMetadata = metadata,
            TimestampSource = timestampSource,
            TimestampFormat = timestampFormat ?? "RFC3339Nano",
            ReplaceLine = replaceLine,
        };
    }

    /// <summary>A <c>| regexp</c> stage for <paramref name="regex"/>, quoted so that the regex reaches the parser unchanged.</summary>
    private static string RegexpStage(string regex)
    {
        if (!regex.Contains('`', StringComparison.Ordinal))
        {
            return "| regexp `" + regex + "`";
        }

        return "| regexp \"" + regex.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }
}

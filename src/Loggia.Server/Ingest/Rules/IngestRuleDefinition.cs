namespace Loggia.Server.Ingest.Rules;

/// <summary>
/// An ingest rule as written in the config file (<c>ingest_rules</c>) or posted to <c>/api/v1/patterns</c>: which
/// streams it applies to, the LogQL stages that parse each line, and which extracted fields become stream labels,
/// structured metadata, the entry's timestamp, or its line.
/// </summary>
public sealed record IngestRuleDefinition
{
    /// <summary>A unique name (letters, digits, <c>_ - .</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Protocols the rule applies to; empty for all.</summary>
    public IReadOnlyList<IngestSource> Sources { get; init; } = [];

    /// <summary>A stream selector (<c>{service_name="nginx"}</c>); null or empty for every stream.</summary>
    public string? Selector { get; init; }

    /// <summary>LogQL pipeline stages (<c>| json</c>, <c>| logfmt</c>, <c>| regexp "…"</c>, <c>| pattern "…"</c>, filters, formatters).</summary>
    public required string Pipeline { get; init; }

    /// <summary>Extracted fields that become stream labels (subject to the cardinality guard).</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>Extracted fields that become structured metadata.</summary>
    public IReadOnlyList<string> StructuredMetadata { get; init; } = [];

    /// <summary>The extracted field holding the entry's time, or null to keep the received timestamp.</summary>
    public string? TimestampSource { get; init; }

    /// <summary>The format of <see cref="TimestampSource"/>: a Go layout or name (<c>RFC3339</c>), or <c>Unix</c>, <c>UnixMs</c>, <c>UnixUs</c>, <c>UnixNs</c>.</summary>
    public string TimestampFormat { get; init; } = "RFC3339Nano";

    /// <summary>Whether the line the pipeline produced (after <c>line_format</c>) replaces the received line.</summary>
    public bool ReplaceLine { get; init; }
}

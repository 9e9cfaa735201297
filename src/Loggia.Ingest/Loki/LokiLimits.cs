namespace Loggia.Ingest.Loki;

/// <summary>
/// Per-tenant push limits, named after Loki's <c>limits_config</c> and defaulting to Loki's defaults
/// (<c>pkg/validation/limits.go</c>; Loki's "KB" sizes are binary, via <c>c2h5oh/datasize</c>).
/// </summary>
public sealed class LokiLimits
{
    /// <summary><c>max_label_names_per_series</c>: 15. The <c>service_name</c> label does not count.</summary>
    public int MaxLabelNamesPerSeries { get; init; } = 15;

    /// <summary><c>max_label_name_length</c>: 1024 bytes.</summary>
    public int MaxLabelNameLength { get; init; } = 1024;

    /// <summary><c>max_label_value_length</c>: 2048 bytes.</summary>
    public int MaxLabelValueLength { get; init; } = 2048;

    /// <summary><c>max_line_size</c>: 256KB (262,144 bytes); 0 means unlimited.</summary>
    public int MaxLineSize { get; init; } = 256 * 1024;

    /// <summary><c>max_line_size_truncate</c>: false. When true, long lines are cut to the limit instead of rejected.</summary>
    public bool MaxLineSizeTruncate { get; init; }

    /// <summary><c>max_line_size_truncate_identifier</c>: "" — appended to truncated lines (within the limit).</summary>
    public string MaxLineSizeTruncateIdentifier { get; init; } = string.Empty;

    /// <summary><c>reject_old_samples</c>: true.</summary>
    public bool RejectOldSamples { get; init; } = true;

    /// <summary><c>reject_old_samples_max_age</c>: 1 week (168h).</summary>
    public TimeSpan RejectOldSamplesMaxAge { get; init; } = TimeSpan.FromDays(7);

    /// <summary><c>creation_grace_period</c>: 10 minutes — how far in the future a timestamp may be.</summary>
    public TimeSpan CreationGracePeriod { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary><c>allow_structured_metadata</c>: true (Loki 3 default).</summary>
    public bool AllowStructuredMetadata { get; init; } = true;

    /// <summary><c>max_structured_metadata_size</c>: 64KB (65,536 bytes) per entry; 0 means unlimited.</summary>
    public int MaxStructuredMetadataSize { get; init; } = 64 * 1024;

    /// <summary><c>max_structured_metadata_entries_count</c>: 128 per entry; 0 means unlimited.</summary>
    public int MaxStructuredMetadataEntriesCount { get; init; } = 128;

    /// <summary>Loki's defaults.</summary>
    public static LokiLimits Default { get; } = new();
}

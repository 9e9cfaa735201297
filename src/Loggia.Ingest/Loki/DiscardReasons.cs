namespace Loggia.Ingest.Loki;

/// <summary>
/// Why entries were discarded: Loki's reason names (<c>pkg/validation/validate.go</c>), used as the <c>reason</c>
/// tag of the discard counters and in <see cref="PushRejection"/>.
/// </summary>
public static class DiscardReasons
{
    /// <summary>The stream's label string does not parse.</summary>
    public const string InvalidLabels = "invalid_labels";

    /// <summary>The stream has no labels.</summary>
    public const string MissingLabels = "missing_labels";

    /// <summary>More label names than <c>max_label_names_per_series</c>.</summary>
    public const string MaxLabelNamesPerSeries = "max_label_names_per_series";

    /// <summary>A label name longer than <c>max_label_name_length</c>.</summary>
    public const string LabelNameTooLong = "label_name_too_long";

    /// <summary>A label value longer than <c>max_label_value_length</c>.</summary>
    public const string LabelValueTooLong = "label_value_too_long";

    /// <summary>A label name given twice.</summary>
    public const string DuplicateLabelNames = "duplicate_label_names";

    /// <summary>A line longer than <c>max_line_size</c>.</summary>
    public const string LineTooLong = "line_too_long";

    /// <summary>A timestamp older than <c>reject_old_samples_max_age</c>.</summary>
    public const string GreaterThanMaxSampleAge = "greater_than_max_sample_age";

    /// <summary>A timestamp later than now plus <c>creation_grace_period</c>.</summary>
    public const string TooFarInFuture = "too_far_in_future";

    /// <summary>Structured metadata while <c>allow_structured_metadata</c> is false.</summary>
    public const string DisallowedStructuredMetadata = "disallowed_structured_metadata";

    /// <summary>Structured metadata larger than <c>max_structured_metadata_size</c>.</summary>
    public const string StructuredMetadataTooLarge = "structured_metadata_too_large";

    /// <summary>More structured metadata entries than <c>max_structured_metadata_entries_count</c>.</summary>
    public const string StructuredMetadataTooMany = "structured_metadata_too_many";

    /// <summary>An entry older than its stream's newest entry minus the out-of-order window (refused by the ingester).</summary>
    public const string TooFarBehind = "too_far_behind";
}

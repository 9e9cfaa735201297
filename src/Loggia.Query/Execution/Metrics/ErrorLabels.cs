namespace Loggia.Query.Execution.Metrics;

/// <summary>Loki's reserved labels that carry per-entry processing errors, and its error types.</summary>
public static class ErrorLabels
{
    /// <summary>The error type label.</summary>
    public const string Error = "__error__";

    /// <summary>The error message label.</summary>
    public const string Details = "__error_details__";

    /// <summary>An <c>unwrap</c> value that could not be converted.</summary>
    public const string SampleExtraction = "SampleExtractionErr";

    /// <summary>A numeric, duration or bytes label filter over a value that is not one.</summary>
    public const string LabelFilter = "LabelFilterErr";
}

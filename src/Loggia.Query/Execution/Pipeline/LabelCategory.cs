namespace Loggia.Query.Execution.Pipeline;

/// <summary>Where a label of an entry comes from, in Loki's order of precedence (lowest first).</summary>
internal enum LabelCategory
{
    /// <summary>A stream label (or a stage's replacement of one).</summary>
    Stream = 0,

    /// <summary>The entry's structured metadata.</summary>
    StructuredMetadata = 1,

    /// <summary>Produced by a parser or a formatting stage.</summary>
    Parsed = 2,
}

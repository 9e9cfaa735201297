namespace Loggia.Ingest.Journald;

/// <summary>What <see cref="JournalExportReader.TryReadEntry"/> found at the start of its input.</summary>
public enum JournalReadStatus
{
    /// <summary>A complete entry; its fields are filled in and <c>consumed</c> covers it and its blank line.</summary>
    Entry,

    /// <summary>The entry is not complete yet: read more input and call again with the same start.</summary>
    NeedMoreData,

    /// <summary>Nothing but blank lines up to the end of the final block.</summary>
    EndOfData,

    /// <summary>The input is not export format (truncated field, missing <c>=</c>, bad binary framing).</summary>
    Malformed,

    /// <summary>A field is longer than the allowed field size.</summary>
    FieldTooLarge,
}

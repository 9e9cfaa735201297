namespace Loggia.Ingest.Files;

/// <summary>One log entry made of one or more lines of a file; <see cref="EndOffset"/> is just after its last line.</summary>
public readonly record struct AssembledRecord(string Text, long EndOffset, int Lines, bool Truncated);

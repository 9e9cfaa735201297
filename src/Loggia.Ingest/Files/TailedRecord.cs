namespace Loggia.Ingest.Files;

/// <summary>One entry read from a followed file: its text, the file it came from, and the offset just after it.</summary>
public readonly record struct TailedRecord(string Text, FileIdentity Identity, long EndOffset, bool Truncated, int Lines);

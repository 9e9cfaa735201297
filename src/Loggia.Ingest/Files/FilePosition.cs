namespace Loggia.Ingest.Files;

/// <summary>How far a file has been shipped: the path, which file it named then, and the acknowledged offset.</summary>
public readonly record struct FilePosition(string Path, FileIdentity Identity, long Offset);

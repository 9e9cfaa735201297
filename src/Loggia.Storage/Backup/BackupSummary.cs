namespace Loggia.Storage.Backup;

/// <summary>What one backup or restore did: the snapshot, its blocks (copied now or already held), bytes copied.</summary>
public sealed record BackupSummary(string Snapshot, int Blocks, int BlocksCopied, long BytesCopied, int WalSegments, int StateFiles);

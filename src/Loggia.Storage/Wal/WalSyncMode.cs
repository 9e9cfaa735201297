namespace Loggia.Storage.Wal;

/// <summary>How an append becomes durable before it is acknowledged.</summary>
public enum WalSyncMode
{
    /// <summary>Every batch is written and fsynced before its appends complete (the default; survives power loss).</summary>
    Fsync = 0,

    /// <summary>
    /// Batches are written (into the OS page cache) but not fsynced: survives a process crash, not a power
    /// loss or kernel crash. Segment creation, close and dispose still fsync.
    /// </summary>
    None = 1,
}

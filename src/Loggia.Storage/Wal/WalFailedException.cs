namespace Loggia.Storage.Wal;

/// <summary>
/// Thrown by appends once the WAL has failed: a write or fsync error leaves the file's durable state
/// unknown (after a failed fsync Linux may drop the dirty pages), so the only safe recovery is to
/// reopen the log and replay what really reached the disk.
/// </summary>
public sealed class WalFailedException : IOException
{
    /// <summary>Creates the exception.</summary>
    public WalFailedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public WalFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the I/O error that failed the log.</summary>
    public WalFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace Loggia.Storage.Backup;

/// <summary>A backup or restore could not complete; the message names every file that stopped it.</summary>
public sealed class BackupException : IOException
{
    /// <summary>Creates the exception with no message.</summary>
    public BackupException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public BackupException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public BackupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

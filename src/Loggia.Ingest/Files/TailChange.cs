namespace Loggia.Ingest.Files;

/// <summary>What <see cref="FileTailer.Poll"/> noticed about a followed path.</summary>
public enum TailChange
{
    /// <summary>Nothing but, perhaps, appended data.</summary>
    None,

    /// <summary>The path names a new file (rename + create); the old one is read to its end first.</summary>
    Rotated,

    /// <summary>The file got shorter than what was read (copytruncate); reading restarts at 0.</summary>
    Truncated,
}

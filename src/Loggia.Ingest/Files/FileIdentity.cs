namespace Loggia.Ingest.Files;

/// <summary>
/// Which file a path names at one moment: device and inode. A rename keeps it, a new file at the same
/// path gets another one, so comparing identities tells rotation (rename + create) from appends.
/// </summary>
public readonly record struct FileIdentity(ulong Device, ulong Inode)
{
    /// <summary>True when no identity could be read (not Linux, or the call failed).</summary>
    public bool IsUnknown => Device == 0 && Inode == 0;

    /// <inheritdoc/>
    public override string ToString() => $"{Device}:{Inode}";
}

namespace Loggia.Storage.Head;

/// <summary>What the head did with one entry of an append.</summary>
public enum HeadAppendOutcome : byte
{
    /// <summary>Not processed (the value of an untouched outcome slot).</summary>
    None = 0,

    /// <summary>Stored; it belongs in the WAL record of the request.</summary>
    Appended = 1,

    /// <summary>
    /// Dropped silently as Loki does: the stream already holds an entry with the same timestamp and line.
    /// Not an error for the client; not written to the WAL.
    /// </summary>
    Duplicate = 2,

    /// <summary>Rejected: older than the stream's newest timestamp minus the out-of-order window (<c>too_far_behind</c>).</summary>
    TooFarBehind = 3,
}

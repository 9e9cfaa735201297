namespace Loggia.Storage.Wal;

/// <summary>
/// A record handed to the replay callback. It is a <c>ref struct</c> because its payload is a view of
/// the recovery buffer, which is reused for the next record: copy what you keep.
/// </summary>
public readonly ref struct WalRecord
{
    internal WalRecord(WalPosition position, byte type, ReadOnlySpan<byte> payload)
    {
        Position = position;
        Type = type;
        Payload = payload;
    }

    /// <summary>Where the record starts; pass a later position to <see cref="WriteAheadLog.ReleaseBefore"/>.</summary>
    public WalPosition Position { get; }

    /// <summary>The caller-defined record type given to <see cref="WriteAheadLog.AppendAsync"/>.</summary>
    public byte Type { get; }

    /// <summary>The payload bytes, valid only during the callback.</summary>
    public ReadOnlySpan<byte> Payload { get; }
}

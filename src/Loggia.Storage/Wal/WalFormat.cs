using Loggia.Core.Hashing;
using System.Buffers.Binary;

namespace Loggia.Storage.Wal;

/// <summary>
/// The on-disk layout of WAL segments (see <c>docs/formats/wal.md</c>). All integers are little-endian.
/// </summary>
internal static class WalFormat
{
    /// <summary>File magic; the trailing digits name the format family, <see cref="Version"/> its revision.</summary>
    public static ReadOnlySpan<byte> Magic => "LGWAL001"u8;

    /// <summary>Current segment format version, written after the magic.</summary>
    public const uint Version = 1;

    /// <summary>magic (8) | uint32 version | uint64 segment sequence | uint32 CRC32C of the previous 20 bytes.</summary>
    public const int SegmentHeaderSize = 24;

    /// <summary>uint32 payload length | uint32 CRC32C over type + payload | byte type.</summary>
    public const int RecordHeaderSize = 9;

    /// <summary>
    /// Hard ceiling on a record's payload. Replay treats a larger length as corruption, so that a damaged
    /// length field can never make recovery allocate gigabytes. It is a format constant, not the configurable
    /// <see cref="WalOptions.MaxRecordBytes"/>: lowering that option must not turn old, valid records into "corruption".
    /// </summary>
    public const int MaxRecordBytesLimit = 256 * 1024 * 1024;

    public const string SegmentExtension = ".wal";

    /// <summary>ulong.MaxValue has 20 decimal digits, so every sequence fits and names sort lexically.</summary>
    public const int SequenceDigits = 20;

    public static void WriteSegmentHeader(Span<byte> destination, ulong sequence)
    {
        Magic.CopyTo(destination);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], Version);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[12..], sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[20..], Crc32C.Compute(destination[..20]));
    }

    public static void WriteRecordHeader(Span<byte> destination, int payloadLength, uint crc, byte type)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)payloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], crc);
        destination[8] = type;
    }

    /// <summary>The stored checksum of a record: CRC32C over the type byte followed by the payload.</summary>
    public static uint RecordChecksum(byte type, ReadOnlySpan<byte> payload) =>
        Crc32C.Finish(Crc32C.Update(Crc32C.Update(Crc32C.Seed, type), payload));

    public static string SegmentFileName(ulong sequence) =>
        sequence.ToString("D20", System.Globalization.CultureInfo.InvariantCulture) + SegmentExtension;

    /// <summary>Parses <c>NNNNNNNNNNNNNNNNNNNN.wal</c> (exactly 20 digits); anything else is not a segment.</summary>
    public static bool TryParseSegmentFileName(ReadOnlySpan<char> fileName, out ulong sequence)
    {
        sequence = 0;
        if (fileName.Length != SequenceDigits + SegmentExtension.Length
            || !fileName.EndsWith(SegmentExtension, StringComparison.Ordinal))
        {
            return false;
        }

        ReadOnlySpan<char> digits = fileName[..SequenceDigits];
        foreach (char c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return ulong.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out sequence);
    }
}

using System.Text;
using Loggia.Core.Model;
using Loggia.Core.IO;

namespace Loggia.Storage.Head;

/// <summary>
/// The head's WAL record: its type byte and the decoder of its payload (format:
/// <c>docs/formats/head-wal-records.md</c>; encoder: <see cref="HeadWalRecordWriter"/>).
/// </summary>
public static class HeadWalRecord
{
    /// <summary>WAL record type of a batch of accepted entries.</summary>
    public const byte EntriesRecordType = 1;

    /// <summary>The payload format version this code writes and reads.</summary>
    public const byte FormatVersion = 1;

    // Smallest encodings, used to bound counts before allocating: a pair is two empty strings (2 bytes), an entry is
    // a timestamp, an empty line and no metadata (3 bytes).
    private const int MinPairBytes = 2;
    private const int MinEntryBytes = 3;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Decodes a payload. Every length and count is checked against the bytes left, so a damaged payload throws
    /// <see cref="HeadWalRecordException"/> (never an index or overflow error, never a huge allocation).
    /// The payload is copied once; the entries' lines are slices of that copy.
    /// </summary>
    public static HeadWalBatch Decode(ReadOnlySpan<byte> payload)
    {
        byte[] copy = payload.ToArray();
        var reader = new Reader(copy);
        byte version = reader.ReadByte("format version");
        if (version != FormatVersion)
        {
            throw new HeadWalRecordException($"corrupt head WAL record: unknown format version {version}");
        }

        string tenantText = reader.ReadString("tenant");
        if (!TenantId.TryCreate(tenantText, out TenantId tenant, out string? tenantError))
        {
            throw new HeadWalRecordException($"corrupt head WAL record: invalid tenant: {tenantError}");
        }

        var streams = new List<HeadWalStreamEntries>();
        while (!reader.AtEnd)
        {
            streams.Add(ReadStream(ref reader));
        }

        return new HeadWalBatch(tenant, streams);
    }

    private static HeadWalStreamEntries ReadStream(ref Reader reader)
    {
        int pairCount = reader.ReadCount(MinPairBytes, "label count");
        var pairs = new LabelPair[pairCount];
        for (int i = 0; i < pairCount; i++)
        {
            pairs[i] = new LabelPair(reader.ReadString("label name"), reader.ReadString("label value"));
        }

        Labels labels = Labels.Create(pairs);
        int entryCount = reader.ReadCount(MinEntryBytes, "entry count");
        var entries = new LogEntry[entryCount];
        long timestamp = 0;
        for (int i = 0; i < entryCount; i++)
        {
            ulong zigzag = reader.ReadVarint("timestamp");
            long delta = (long)(zigzag >> 1) ^ -(long)(zigzag & 1);
            timestamp = unchecked(timestamp + delta);
            ReadOnlyMemory<byte> line = reader.ReadBytes("line");
            int metadataCount = reader.ReadCount(MinPairBytes, "metadata count");
            LabelPair[] metadata = metadataCount == 0 ? [] : new LabelPair[metadataCount];
            for (int m = 0; m < metadataCount; m++)
            {
                metadata[m] = new LabelPair(reader.ReadString("metadata name"), reader.ReadString("metadata value"));
            }

            entries[i] = new LogEntry(timestamp, line, metadata);
        }

        return new HeadWalStreamEntries(labels, entries);
    }

    /// <summary>A bounds-checked cursor over the payload copy.</summary>
    private ref struct Reader(byte[] buffer)
    {
        private readonly byte[] _buffer = buffer;
        private int _position;

        public readonly bool AtEnd => _position == _buffer.Length;

        private readonly int Remaining => _buffer.Length - _position;

        public byte ReadByte(string what)
        {
            if (Remaining < 1)
            {
                throw Truncated(what);
            }

            return _buffer[_position++];
        }

        public ulong ReadVarint(string what) =>
            Leb128.TryRead(_buffer, ref _position, out var value) switch
            {
                Leb128Status.Done => value,
                Leb128Status.Truncated => throw Truncated(what),
                _ => throw new HeadWalRecordException($"corrupt head WAL record: {what} varint overflows 64 bits at byte {_position}"),
            };

        /// <summary>A count of items each taking at least <paramref name="minItemBytes"/>: bounded by the bytes left.</summary>
        public int ReadCount(int minItemBytes, string what)
        {
            ulong count = ReadVarint(what);
            if (count > (ulong)(Remaining / minItemBytes))
            {
                throw new HeadWalRecordException($"corrupt head WAL record: {what} {count} exceeds the {Remaining} bytes left at byte {_position}");
            }

            return (int)count;
        }

        public ReadOnlyMemory<byte> ReadBytes(string what)
        {
            int length = ReadLength(what);
            var bytes = new ReadOnlyMemory<byte>(_buffer, _position, length);
            _position += length;
            return bytes;
        }

        public string ReadString(string what)
        {
            int length = ReadLength(what);
            try
            {
                string value = StrictUtf8.GetString(_buffer, _position, length);
                _position += length;
                return value;
            }
            catch (DecoderFallbackException e)
            {
                throw new HeadWalRecordException($"corrupt head WAL record: {what} is not valid UTF-8 at byte {_position}", e);
            }
        }

        private int ReadLength(string what)
        {
            ulong length = ReadVarint(what + " length");
            if (length > (ulong)Remaining)
            {
                throw new HeadWalRecordException($"corrupt head WAL record: {what} length {length} runs past the end ({Remaining} bytes left) at byte {_position}");
            }

            return (int)length;
        }

        private readonly HeadWalRecordException Truncated(string what) =>
            new($"corrupt head WAL record: truncated while reading {what} at byte {_position}");
    }
}

using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Loggia.Core.Hashing;
using Loggia.Core.Tokens;
using Loggia.Core.IO;

namespace Loggia.Storage.Blocks;

/// <summary>A stream's rows in a block: rows [FirstRow, FirstRow + RowCount) hold it, in time order.</summary>
public sealed record BlockStreamRange(ulong Fingerprint, string Labels, long FirstRow, long RowCount, long MinTime, long MaxTime);

/// <summary>A row group's rows and time bounds.</summary>
public sealed record BlockIndexRowGroup(long FirstRow, long RowCount, long MinTime, long MaxTime);

/// <summary>
/// The block index sidecar (<c>&lt;block&gt;.idx</c>): what the query planner needs without opening the
/// Parquet data — the streams present and their row ranges, per-row-group time bounds, and the
/// block file's length and CRC32C, and per-row-group token bloom filters (an optional section: sidecars written
/// before it, or with blooms off, have none). Versioned, sectioned (readers skip sections they do not know), and
/// protected by its own CRC32C.
/// Format: docs/formats/block.md.
/// </summary>
public sealed class BlockIndex
{
    private static readonly byte[] Magic = "LGIDX001"u8.ToArray();
    private const uint FormatVersion = 1;
    private const byte EndSection = 0;
    private const byte BlockSection = 1;
    private const byte StreamsSection = 2;
    private const byte RowGroupsSection = 3;
    private const byte BloomsSection = 4;

    public BlockIndex(long parquetLength, uint parquetChecksum, long minTime, long maxTime, long rows, IReadOnlyList<BlockStreamRange> streams, IReadOnlyList<BlockIndexRowGroup> rowGroups, IReadOnlyList<RowGroupBlooms>? blooms = null)
    {
        if (blooms is not null && blooms.Count != rowGroups.Count)
        {
            throw new ArgumentException("one bloom pair per row group", nameof(blooms));
        }

        Blooms = blooms;
        ParquetLength = parquetLength;
        ParquetChecksum = parquetChecksum;
        MinTime = minTime;
        MaxTime = maxTime;
        Rows = rows;
        Streams = streams;
        RowGroups = rowGroups;
    }

    /// <summary>Length of the Parquet file in bytes.</summary>
    public long ParquetLength { get; }

    /// <summary>CRC32C of the whole Parquet file.</summary>
    public uint ParquetChecksum { get; }

    /// <summary>Earliest entry timestamp (UTC nanoseconds).</summary>
    public long MinTime { get; }

    /// <summary>Latest entry timestamp (UTC nanoseconds).</summary>
    public long MaxTime { get; }

    /// <summary>Total rows (entries).</summary>
    public long Rows { get; }

    /// <summary>Streams in file order (sorted by labels text).</summary>
    public IReadOnlyList<BlockStreamRange> Streams { get; }

    /// <summary>Row groups in file order.</summary>
    public IReadOnlyList<BlockIndexRowGroup> RowGroups { get; }

    /// <summary>Token filters per row group (same order as <see cref="RowGroups"/>), or null when the sidecar has none.</summary>
    public IReadOnlyList<RowGroupBlooms>? Blooms { get; }

    /// <summary>Serializes the index.</summary>
    public byte[] Serialize()
    {
        var output = new ArrayBufferWriter<byte>(256 + (Streams.Count * 64));
        output.Write(Magic);
        WriteUInt32(output, FormatVersion);

        var section = new ArrayBufferWriter<byte>(64);
        WriteUInt64(section, (ulong)ParquetLength);
        WriteUInt32(section, ParquetChecksum);
        WriteUInt64(section, (ulong)MinTime);
        WriteUInt64(section, (ulong)MaxTime);
        WriteVarint(section, (ulong)Rows);
        WriteSection(output, BlockSection, section);

        section.ResetWrittenCount();
        WriteVarint(section, (ulong)Streams.Count);
        foreach (var stream in Streams)
        {
            WriteUInt64(section, stream.Fingerprint);
            var labels = Encoding.UTF8.GetBytes(stream.Labels);
            WriteVarint(section, (ulong)labels.Length);
            section.Write(labels);
            WriteVarint(section, (ulong)stream.FirstRow);
            WriteVarint(section, (ulong)stream.RowCount);
            WriteUInt64(section, (ulong)stream.MinTime);
            WriteUInt64(section, (ulong)stream.MaxTime);
        }

        WriteSection(output, StreamsSection, section);

        section.ResetWrittenCount();
        WriteVarint(section, (ulong)RowGroups.Count);
        foreach (var group in RowGroups)
        {
            WriteVarint(section, (ulong)group.FirstRow);
            WriteVarint(section, (ulong)group.RowCount);
            WriteUInt64(section, (ulong)group.MinTime);
            WriteUInt64(section, (ulong)group.MaxTime);
        }

        WriteSection(output, RowGroupsSection, section);
        if (Blooms is not null)
        {
            section.ResetWrittenCount();
            section.GetSpan(1)[0] = Terms.Version;
            section.Advance(1);
            WriteVarint(section, (ulong)Blooms.Count);
            foreach (var pair in Blooms)
            {
                WriteFilter(section, pair.Lines);
                WriteFilter(section, pair.Metadata);
            }

            WriteSection(output, BloomsSection, section);
        }

        output.GetSpan(1)[0] = EndSection;
        output.Advance(1);
        WriteUInt32(output, Crc32C.Compute(output.WrittenSpan));
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Parses an index (copying <paramref name="data"/>); damage raises <see cref="BlockCorruptException"/> naming <paramref name="path"/>.</summary>
    public static BlockIndex Parse(ReadOnlySpan<byte> data, string? path = null) => Parse(data.ToArray(), path);

    /// <summary>
    /// Parses an index; its bloom filters keep slices of <paramref name="data"/> (not copies), so the caller must not
    /// change the array afterwards. Damage raises <see cref="BlockCorruptException"/> naming <paramref name="path"/>.
    /// </summary>
    public static BlockIndex Parse(byte[] data, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ReadOnlySpan<byte> bytes = data;
        if (bytes.Length < Magic.Length + 4 + 1 + 4 || !bytes[..Magic.Length].SequenceEqual(Magic))
        {
            throw new BlockCorruptException("not a block index (bad magic or too short)", path);
        }

        var body = bytes[..^4];
        if (Crc32C.Compute(body) != BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]))
        {
            throw new BlockCorruptException("block index checksum mismatch", path);
        }

        var reader = new SpanReader(body[Magic.Length..], path);
        var version = reader.UInt32();
        if (version != FormatVersion)
        {
            throw new BlockCorruptException($"block index format version {version} is not supported (this build reads {FormatVersion})", path);
        }

        long parquetLength = -1, minTime = 0, maxTime = 0, rows = 0;
        uint checksum = 0;
        var streams = new List<BlockStreamRange>();
        var rowGroups = new List<BlockIndexRowGroup>();
        List<RowGroupBlooms>? blooms = null;
        while (true)
        {
            var id = reader.Byte();
            if (id == EndSection)
            {
                break;
            }

            var length = reader.UInt32();
            var sectionOffset = data.Length - 4 - reader.Remaining.Length;
            var section = new SpanReader(reader.Bytes(length), path);
            switch (id)
            {
                case BlockSection:
                    parquetLength = (long)section.UInt64();
                    checksum = section.UInt32();
                    minTime = (long)section.UInt64();
                    maxTime = (long)section.UInt64();
                    rows = section.Count();
                    break;
                case StreamsSection:
                    for (var count = section.Count(); count > 0; count--)
                    {
                        var fingerprint = section.UInt64();
                        var labels = Encoding.UTF8.GetString(section.Bytes(section.Count()));
                        streams.Add(new BlockStreamRange(fingerprint, labels, section.Count(), section.Count(), (long)section.UInt64(), (long)section.UInt64()));
                    }

                    break;
                case RowGroupsSection:
                    for (var count = section.Count(); count > 0; count--)
                    {
                        rowGroups.Add(new BlockIndexRowGroup(section.Count(), section.Count(), (long)section.UInt64(), (long)section.UInt64()));
                    }

                    break;
                case BloomsSection:
                    blooms = ReadBlooms(data.AsMemory(sectionOffset, (int)length), path);
                    break;
                default:
                    break; // a section of a later version: skipped
            }
        }

        if (parquetLength < 0)
        {
            throw new BlockCorruptException("block index has no block section", path);
        }

        if (blooms is not null && blooms.Count != rowGroups.Count)
        {
            throw new BlockCorruptException($"block index has blooms for {blooms.Count} row groups, not {rowGroups.Count}", path);
        }

        return new BlockIndex(parquetLength, checksum, minTime, maxTime, rows, streams, rowGroups, blooms);
    }

    /// <summary>Null when the filters were built with a token definition this build does not know: they cannot be trusted.</summary>
    private static List<RowGroupBlooms>? ReadBlooms(ReadOnlyMemory<byte> payload, string? path)
    {
        var reader = new SpanReader(payload.Span, path);
        if (!Terms.IsReadable(reader.Byte()))
        {
            return null;
        }

        var count = reader.Count();
        var offset = payload.Length - reader.Remaining.Length;
        var result = new List<RowGroupBlooms>((int)Math.Min(count, 1 << 16));
        for (var i = 0L; i < count; i++)
        {
            var lines = TokenBloomFilter.TryRead(payload, ref offset) ?? throw new BlockCorruptException("block index bloom filter is malformed", path);
            var metadata = TokenBloomFilter.TryRead(payload, ref offset) ?? throw new BlockCorruptException("block index bloom filter is malformed", path);
            result.Add(new RowGroupBlooms(lines, metadata));
        }

        return result;
    }

    private static void WriteFilter(ArrayBufferWriter<byte> output, TokenBloomFilter filter)
    {
        var size = filter.SerializedSize;
        filter.WriteTo(output.GetSpan(size));
        output.Advance(size);
    }

    private static void WriteSection(ArrayBufferWriter<byte> output, byte id, ArrayBufferWriter<byte> section)
    {
        output.GetSpan(1)[0] = id;
        output.Advance(1);
        WriteUInt32(output, (uint)section.WrittenCount);
        output.Write(section.WrittenSpan);
    }

    private static void WriteUInt32(ArrayBufferWriter<byte> output, uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(output.GetSpan(4), value);
        output.Advance(4);
    }

    private static void WriteUInt64(ArrayBufferWriter<byte> output, ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(output.GetSpan(8), value);
        output.Advance(8);
    }

    private static void WriteVarint(ArrayBufferWriter<byte> output, ulong value) =>
        output.Advance(Leb128.Write(output.GetSpan(Leb128.MaxBytes), value));

    /// <summary>Bounds-checked little-endian reads; every failure is a <see cref="BlockCorruptException"/>.</summary>
    private ref struct SpanReader(ReadOnlySpan<byte> data, string? path)
    {
        private ReadOnlySpan<byte> _data = data;

        public readonly ReadOnlySpan<byte> Remaining => _data;

        public byte Byte() => Bytes(1)[0];

        public uint UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4));

        public ulong UInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Bytes(8));

        public ReadOnlySpan<byte> Bytes(long count)
        {
            if (count < 0 || count > _data.Length)
            {
                throw new BlockCorruptException("block index ends early", path);
            }

            var result = _data[..(int)count];
            _data = _data[(int)count..];
            return result;
        }

        /// <summary>A varint that must be a plausible non-negative count (at most int.MaxValue).</summary>
        public long Count()
        {
            var read = 0;
            var status = Leb128.TryRead(_data, ref read, out var value);
            _data = _data[read..];
            return status switch
            {
                Leb128Status.Truncated => throw new BlockCorruptException("block index ends early", path),
                Leb128Status.Overflow => throw new BlockCorruptException("block index varint too long", path),
                _ => value <= long.MaxValue ? (long)value : throw new BlockCorruptException("block index count out of range", path),
            };
        }
    }
}

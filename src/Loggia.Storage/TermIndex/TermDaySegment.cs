using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using Loggia.Core.Hashing;
using Loggia.Core.IO;
using Loggia.Core.Tokens;
using Microsoft.Win32.SafeHandles;

namespace Loggia.Storage.TermIndex;

/// <summary>
/// One tenant-day of the term index (<c>terms/&lt;tenant&gt;/&lt;yyyy-MM-dd&gt;.tix</c>): for every term hash of the
/// day, a 24-bit mask of the hours holding it and the line count per such hour, merged from the term files of the
/// blocks listed in its footer. Records are sorted by hash and cut into chunks, each with its own CRC32C and listed in
/// the footer by first hash, so a lookup reads the footer and one chunk per hash, never the whole file. A segment is
/// trusted for a block only when it lists that block; for a whole day only when it lists exactly the catalog's blocks
/// of the day. Format: docs/formats/terms.md.
/// </summary>
public sealed class TermDaySegment : IDisposable
{
    /// <summary>Extension of a segment file.</summary>
    public const string Extension = ".tix";

    private static readonly byte[] Magic = "LGTIX001"u8.ToArray();
    private const uint FormatVersion = 1;
    private const int RecordsPerChunk = 1024;

    // Kept open from the footer read to the last lookup: a refresh renaming a new segment over this one cannot mix the
    // old footer with the new file's chunks.
    private readonly SafeFileHandle _handle;
    private readonly ChunkRef[] _chunks;

    private TermDaySegment(SafeFileHandle handle, long day, Dictionary<string, uint> blocks, HashSet<string> unindexed, ChunkRef[] chunks)
    {
        _handle = handle;
        Day = day;
        Blocks = blocks;
        Unindexed = unindexed;
        _chunks = chunks;
    }

    /// <summary>Days since the epoch.</summary>
    public long Day { get; }

    /// <summary>Every block the segment was built from, with the mask of the day's hours it has entries in (bit i: hour i).</summary>
    public IReadOnlyDictionary<string, uint> Blocks { get; }

    /// <summary>Blocks of the day whose term data could not be read when the segment was built: never ruled out, not counted.</summary>
    public IReadOnlySet<string> Unindexed { get; }

    private readonly record struct ChunkRef(ulong FirstHash, long Offset, int Length, int Records, uint Crc);

    /// <summary>The input of one block to <see cref="Write"/>: null <paramref name="Terms"/> when its term data was unreadable.</summary>
    public readonly record struct Input(string BlockId, BlockTerms? Terms);

    /// <summary>
    /// Writes the segment of <paramref name="day"/> from <paramref name="blocks"/> (every block overlapping the day)
    /// to <paramref name="path"/>: temporary name, fsync, rename, directory fsync — readers see the old or the new one.
    /// </summary>
    public static void Write(string path, long day, IReadOnlyList<Input> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        var firstHour = TermHours.FirstHourOf(day);
        var cursors = new List<(BlockTermsHour Hour, int Bit)>();
        var masks = new List<(string Id, uint Mask, bool Unindexed)>(blocks.Count);
        foreach (var block in blocks)
        {
            uint mask = 0;
            foreach (var hour in block.Terms?.Hours ?? [])
            {
                var bit = hour.Hour - firstHour;
                if (bit is >= 0 and < TermHours.HoursPerDay)
                {
                    mask |= 1u << (int)bit;
                    if (hour.Hashes.Length > 0)
                    {
                        cursors.Add((hour, (int)bit));
                    }
                }
            }

            masks.Add((block.BlockId, mask, block.Terms is null));
        }

        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var chunks = new List<ChunkRef>();
        using (var file = new FileStream(path + ".tmp", FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            file.Write(Magic);
            WriteRecords(file, cursors, chunks);
            var footer = Footer(day, masks, chunks);
            file.Write(footer);
            Span<byte> trailer = stackalloc byte[12];
            BinaryPrimitives.WriteInt32LittleEndian(trailer, footer.Length);
            Magic.CopyTo(trailer[4..]);
            file.Write(trailer);
            file.Flush(flushToDisk: true);
        }

        File.Move(path + ".tmp", path, overwrite: true);
        DirectorySync.Flush(directory);
    }

    private static void WriteRecords(FileStream file, List<(BlockTermsHour Hour, int Bit)> cursors, List<ChunkRef> chunks)
    {
        // k-way merge of the hours' sorted hash lists; blocks of the same hour add up.
        var positions = new int[cursors.Count];
        var queue = new PriorityQueue<int, ulong>(cursors.Count);
        for (var c = 0; c < cursors.Count; c++)
        {
            queue.Enqueue(c, cursors[c].Hour.Hashes[0]);
        }

        var counts = new uint[TermHours.HoursPerDay];
        var chunk = new MemoryStream();
        Span<byte> record = stackalloc byte[12 + (4 * TermHours.HoursPerDay)];
        ulong chunkFirst = 0;
        var chunkRecords = 0;
        long offset = Magic.Length;
        while (queue.TryPeek(out _, out var hash))
        {
            uint mask = 0;
            Array.Clear(counts);
            while (queue.TryPeek(out var c, out var next) && next == hash)
            {
                queue.Dequeue();
                var (hour, bit) = cursors[c];
                mask |= 1u << bit;
                counts[bit] += hour.Lines[positions[c]];
                if (++positions[c] < hour.Hashes.Length)
                {
                    queue.Enqueue(c, hour.Hashes[positions[c]]);
                }
            }

            if (chunkRecords == 0)
            {
                chunkFirst = hash;
            }

            BinaryPrimitives.WriteUInt64LittleEndian(record, hash);
            BinaryPrimitives.WriteUInt32LittleEndian(record[8..], mask);
            var length = 12;
            for (var bit = 0; bit < TermHours.HoursPerDay; bit++)
            {
                if ((mask & (1u << bit)) != 0)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(record[length..], counts[bit]);
                    length += 4;
                }
            }

            chunk.Write(record[..length]);
            if (++chunkRecords == RecordsPerChunk)
            {
                offset = Flush(file, chunk, chunkFirst, chunkRecords, offset, chunks);
                chunkRecords = 0;
            }
        }

        if (chunkRecords > 0)
        {
            Flush(file, chunk, chunkFirst, chunkRecords, offset, chunks);
        }
    }

    private static long Flush(FileStream file, MemoryStream chunk, ulong first, int records, long offset, List<ChunkRef> chunks)
    {
        var bytes = chunk.GetBuffer().AsSpan(0, (int)chunk.Length);
        file.Write(bytes);
        chunks.Add(new ChunkRef(first, offset, bytes.Length, records, Crc32C.Compute(bytes)));
        chunk.SetLength(0);
        return offset + bytes.Length;
    }

    private static byte[] Footer(long day, List<(string Id, uint Mask, bool Unindexed)> blocks, List<ChunkRef> chunks)
    {
        var output = new MemoryStream();
        Span<byte> b = stackalloc byte[32];
        BinaryPrimitives.WriteUInt32LittleEndian(b, FormatVersion);
        b[4] = Terms.Version;
        BinaryPrimitives.WriteInt64LittleEndian(b[5..], day);
        BinaryPrimitives.WriteInt32LittleEndian(b[13..], blocks.Count);
        output.Write(b[..17]);
        foreach (var (id, mask, unindexed) in blocks)
        {
            var name = Encoding.UTF8.GetBytes(id);
            BinaryPrimitives.WriteUInt16LittleEndian(b, checked((ushort)name.Length));
            output.Write(b[..2]);
            output.Write(name);
            BinaryPrimitives.WriteUInt32LittleEndian(b, mask);
            b[4] = unindexed ? (byte)1 : (byte)0;
            output.Write(b[..5]);
        }

        BinaryPrimitives.WriteInt32LittleEndian(b, chunks.Count);
        output.Write(b[..4]);
        foreach (var chunk in chunks)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(b, chunk.FirstHash);
            BinaryPrimitives.WriteInt64LittleEndian(b[8..], chunk.Offset);
            BinaryPrimitives.WriteInt32LittleEndian(b[16..], chunk.Length);
            BinaryPrimitives.WriteInt32LittleEndian(b[20..], chunk.Records);
            BinaryPrimitives.WriteUInt32LittleEndian(b[24..], chunk.Crc);
            output.Write(b[..28]);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(b, Crc32C.Compute(output.GetBuffer().AsSpan(0, (int)output.Length)));
        output.Write(b[..4]);
        return output.ToArray();
    }

    /// <summary>Opens a segment by reading its footer; null when the file is missing, damaged or of an unknown version.</summary>
    public static TermDaySegment? TryOpen(string path)
    {
        try
        {
            return Open(path);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Opens a segment by reading its footer; throws <see cref="InvalidDataException"/> when it is damaged.</summary>
    public static TermDaySegment Open(string path)
    {
        var handle = File.OpenHandle(path);
        try
        {
            return Read(handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static TermDaySegment Read(SafeFileHandle handle)
    {
        var length = RandomAccess.GetLength(handle);
        if (length < Magic.Length + 12 + 21)
        {
            throw new InvalidDataException("term segment truncated");
        }

        Span<byte> trailer = stackalloc byte[12];
        RandomAccess.Read(handle, trailer, length - 12);
        var footerLength = BinaryPrimitives.ReadInt32LittleEndian(trailer);
        if (!trailer[4..].SequenceEqual(Magic) || footerLength < 25 || footerLength > length - Magic.Length - 12)
        {
            throw new InvalidDataException("term segment trailer damaged");
        }

        var footer = new byte[footerLength];
        ReadExactly(handle, footer, length - 12 - footerLength);
        var body = footer.AsSpan(0, footerLength - 4);
        if (Crc32C.Compute(body) != BinaryPrimitives.ReadUInt32LittleEndian(footer.AsSpan(footerLength - 4)))
        {
            throw new InvalidDataException("term segment footer checksum mismatch");
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(body) != FormatVersion || body[4] != Terms.Version)
        {
            throw new InvalidDataException("term segment of an unknown version");
        }

        var day = BinaryPrimitives.ReadInt64LittleEndian(body[5..]);
        var count = BinaryPrimitives.ReadInt32LittleEndian(body[13..]);
        var p = 17;
        var blocks = new Dictionary<string, uint>(StringComparer.Ordinal);
        var unindexed = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var n = BinaryPrimitives.ReadUInt16LittleEndian(body[p..]);
            var id = Encoding.UTF8.GetString(body.Slice(p + 2, n));
            p += 2 + n;
            blocks[id] = BinaryPrimitives.ReadUInt32LittleEndian(body[p..]);
            if (body[p + 4] != 0)
            {
                unindexed.Add(id);
            }

            p += 5;
        }

        var chunkCount = BinaryPrimitives.ReadInt32LittleEndian(body[p..]);
        p += 4;
        var chunks = new ChunkRef[chunkCount];
        for (var i = 0; i < chunkCount; i++)
        {
            var c = body.Slice(p, 28);
            chunks[i] = new ChunkRef(BinaryPrimitives.ReadUInt64LittleEndian(c), BinaryPrimitives.ReadInt64LittleEndian(c[8..]),
                BinaryPrimitives.ReadInt32LittleEndian(c[16..]), BinaryPrimitives.ReadInt32LittleEndian(c[20..]), BinaryPrimitives.ReadUInt32LittleEndian(c[24..]));
            p += 28;
        }

        return p == body.Length ? new TermDaySegment(handle, day, blocks, unindexed, chunks) : throw new InvalidDataException("term segment footer has trailing bytes");
    }

    /// <summary>
    /// Per hash of <paramref name="hashes"/>, its hour mask (bit i: hour i of the day) and the line counts of those
    /// hours (index = hour of the day; 0 elsewhere). Throws <see cref="InvalidDataException"/> when a chunk is damaged.
    /// </summary>
    public (uint Mask, uint[] Lines)[] Lookup(IReadOnlyList<ulong> hashes)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        var result = new (uint Mask, uint[] Lines)[hashes.Count];
        var cache = new Dictionary<int, byte[]>();
        for (var h = 0; h < hashes.Count; h++)
        {
            var hash = hashes[h];
            result[h] = (0, new uint[TermHours.HoursPerDay]);
            var c = ChunkOf(hash);
            if (c < 0)
            {
                continue;
            }

            if (!cache.TryGetValue(c, out var bytes))
            {
                var chunk = _chunks[c];
                bytes = new byte[chunk.Length];
                ReadExactly(_handle, bytes, chunk.Offset);
                if (Crc32C.Compute(bytes) != chunk.Crc)
                {
                    throw new InvalidDataException("term segment chunk checksum mismatch");
                }

                cache[c] = bytes;
            }

            Find(bytes, _chunks[c].Records, hash, ref result[h]);
        }

        return result;
    }

    private int ChunkOf(ulong hash)
    {
        // The last chunk whose first hash is at most the hash.
        int lo = 0, hi = _chunks.Length - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_chunks[mid].FirstHash <= hash)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }

    private static void Find(ReadOnlySpan<byte> chunk, int records, ulong hash, ref (uint Mask, uint[] Lines) result)
    {
        var p = 0;
        for (var r = 0; r < records; r++)
        {
            if (p + 12 > chunk.Length)
            {
                throw new InvalidDataException("term segment chunk truncated");
            }

            var h = BinaryPrimitives.ReadUInt64LittleEndian(chunk[p..]);
            var mask = BinaryPrimitives.ReadUInt32LittleEndian(chunk[(p + 8)..]);
            p += 12;
            var bits = BitOperations.PopCount(mask);
            if (h == hash)
            {
                result.Mask = mask;
                for (var bit = 0; bit < TermHours.HoursPerDay; bit++)
                {
                    if ((mask & (1u << bit)) != 0)
                    {
                        result.Lines[bit] = BinaryPrimitives.ReadUInt32LittleEndian(chunk[p..]);
                        p += 4;
                    }
                }

                return;
            }

            if (h > hash)
            {
                return;
            }

            p += 4 * bits;
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _handle.Dispose();

    private static void ReadExactly(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        while (!buffer.IsEmpty)
        {
            var read = RandomAccess.Read(handle, buffer, offset);
            if (read == 0)
            {
                throw new InvalidDataException("term segment truncated");
            }

            buffer = buffer[read..];
            offset += read;
        }
    }
}

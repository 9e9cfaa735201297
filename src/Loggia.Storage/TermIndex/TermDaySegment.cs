using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using Loggia.Core.Hashing;
using Loggia.Core.IO;
using Loggia.Core.Tokens;
using Microsoft.Win32.SafeHandles;

namespace Loggia.Storage.TermIndex;

/// <summary>
/// One tenant-day of the term index (<c>terms/&lt;tenant&gt;/&lt;yyyy-MM-dd&gt;.tix</c>), merged from the term files of
/// the blocks listed in its footer. An hour holding a term hash on a single line (fresh ids: most of the distinct
/// terms, ADR 0006) is a (hash, hour) pair in a blocked Bloom filter, counted as one line; the hours holding it on more
/// lines are its record: a 24-bit mask of those hours and the line count of each.
/// Records are sorted by hash and cut into chunks, the filter into pages; each chunk and page has its own CRC32C, so a
/// lookup reads the footer, one chunk and at most one page per hash, never the whole file. A segment is trusted for a
/// block only when it lists that block; for a whole day only when it lists exactly the catalog's blocks of the day.
/// Format: docs/formats/terms.md.
/// </summary>
public sealed class TermDaySegment : IDisposable
{
    /// <summary>Extension of a segment file.</summary>
    public const string Extension = ".tix";

    private static readonly byte[] Magic = "LGTIX001"u8.ToArray();
    private const uint FormatVersion = 2;
    private const int RecordsPerChunk = 1024;

    /// <summary>Filter blocks per checksummed page (4 KiB).</summary>
    private const int PageBlocks = 64;

    /// <summary>Bits per single-line pair: about 1 % false positives per probed hour, as the row-group filters.</summary>
    private const int SingleLineBitsPerEntry = 10;
    private const int FooterMinimum = 47;

    // Kept open from the footer read to the last lookup: a refresh renaming a new segment over this one cannot mix the
    // old footer with the new file's chunks.
    private readonly SafeFileHandle _handle;
    private readonly ChunkRef[] _chunks;
    private readonly SingleLineFilter _singles;

    private TermDaySegment(SafeFileHandle handle, long day, bool isSealed, Dictionary<string, uint> blocks, HashSet<string> unindexed, ChunkRef[] chunks, SingleLineFilter singles)
    {
        _handle = handle;
        Day = day;
        Sealed = isSealed;
        Blocks = blocks;
        Unindexed = unindexed;
        _chunks = chunks;
        _singles = singles;
    }

    /// <summary>Days since the epoch.</summary>
    public long Day { get; }

    /// <summary>Whether it was built after the day settled, so its blocks' term files could be deleted (ADR 0006).</summary>
    public bool Sealed { get; }

    /// <summary>Every block the segment was built from, with the mask of the day's hours it has entries in (bit i: hour i).</summary>
    public IReadOnlyDictionary<string, uint> Blocks { get; }

    /// <summary>Blocks of the day whose term data could not be read when the segment was built: never ruled out, not counted.</summary>
    public IReadOnlySet<string> Unindexed { get; }

    private readonly record struct ChunkRef(ulong FirstHash, long Offset, int Length, int Records, uint Crc);

    /// <summary>Where the single-line filter lies: <paramref name="Blocks"/> 0 when the day has no single-line term.</summary>
    private readonly record struct SingleLineFilter(long Offset, int Blocks, int BitsPerEntry, long Entries);

    /// <summary>The input of one block to <see cref="Write"/>: null <paramref name="Terms"/> when its term data was unreadable.</summary>
    public readonly record struct Input(string BlockId, BlockTerms? Terms);

    /// <summary>
    /// Writes the segment of <paramref name="day"/> from <paramref name="blocks"/> (every block overlapping the day)
    /// to <paramref name="path"/>: temporary name, fsync, rename, directory fsync — readers see the old or the new one.
    /// <paramref name="isSealed"/> marks a segment built after the day settled.
    /// </summary>
    public static void Write(string path, long day, IReadOnlyList<Input> blocks, bool isSealed = false)
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
            var singles = new SingleLines();
            var offset = WriteRecords(file, cursors, chunks, singles);
            var filter = WriteSingleLineFilter(file, offset, singles);
            var footer = Footer(day, isSealed, masks, chunks, filter);
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

    /// <summary>Writes the records of the hashes on two or more lines; collects the others into <paramref name="singles"/>. Returns the end offset.</summary>
    private static long WriteRecords(FileStream file, List<(BlockTermsHour Hour, int Bit)> cursors, List<ChunkRef> chunks, SingleLines singles)
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
        Span<byte> record = stackalloc byte[12 + (5 * TermHours.HoursPerDay)];
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

            // An hour holding the hash on one line is a filter pair; the hours with more lines keep exact counts.
            uint recordMask = 0;
            for (var bit = 0; bit < TermHours.HoursPerDay; bit++)
            {
                if ((mask & (1u << bit)) != 0)
                {
                    if (counts[bit] == 1)
                    {
                        singles.Add(hash, bit);
                    }
                    else
                    {
                        recordMask |= 1u << bit;
                    }
                }
            }

            if (recordMask == 0)
            {
                continue;
            }

            if (chunkRecords == 0)
            {
                chunkFirst = hash;
            }

            BinaryPrimitives.WriteUInt64LittleEndian(record, hash);
            BinaryPrimitives.WriteUInt32LittleEndian(record[8..], recordMask);
            var length = 12;
            for (var bit = 0; bit < TermHours.HoursPerDay; bit++)
            {
                if ((recordMask & (1u << bit)) != 0)
                {
                    length += Leb128.Write(record[length..], counts[bit]);
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
            offset = Flush(file, chunk, chunkFirst, chunkRecords, offset, chunks);
        }

        return offset;
    }

    private static SingleLineFilter WriteSingleLineFilter(FileStream file, long offset, SingleLines singles)
    {
        if (singles.Count == 0)
        {
            return new SingleLineFilter(offset, 0, SingleLineBitsPerEntry, 0);
        }

        var filter = new TermHourBloom(TermHourBloom.BlocksFor(singles.Count, SingleLineBitsPerEntry), SingleLineBitsPerEntry);
        for (var i = 0; i < singles.Count; i++)
        {
            filter.Add(singles.Hashes[i], singles.Hours[i]);
        }

        var bytes = filter.Bytes;
        Span<byte> crc = stackalloc byte[4];
        for (var page = 0; page < bytes.Length; page += PageBlocks * TermHourBloom.BlockBytes)
        {
            var data = bytes.Slice(page, Math.Min(PageBlocks * TermHourBloom.BlockBytes, bytes.Length - page));
            file.Write(data);
            BinaryPrimitives.WriteUInt32LittleEndian(crc, Crc32C.Compute(data));
            file.Write(crc);
        }

        return new SingleLineFilter(offset, bytes.Length / TermHourBloom.BlockBytes, SingleLineBitsPerEntry, singles.Count);
    }

    /// <summary>A LEB128 line count (mostly one byte).</summary>
    private static uint ReadVarint(ReadOnlySpan<byte> source, ref int position) =>
        Leb128.TryRead(source, ref position, out var value) switch
        {
            Leb128Status.Truncated => throw new InvalidDataException("term segment chunk truncated"),
            Leb128Status.Done when value <= uint.MaxValue => (uint)value,
            _ => throw new InvalidDataException("term segment count malformed"),
        };

    private static long Flush(FileStream file, MemoryStream chunk, ulong first, int records, long offset, List<ChunkRef> chunks)
    {
        var bytes = chunk.GetBuffer().AsSpan(0, (int)chunk.Length);
        file.Write(bytes);
        chunks.Add(new ChunkRef(first, offset, bytes.Length, records, Crc32C.Compute(bytes)));
        chunk.SetLength(0);
        return offset + bytes.Length;
    }

    private static byte[] Footer(long day, bool isSealed, List<(string Id, uint Mask, bool Unindexed)> blocks, List<ChunkRef> chunks, SingleLineFilter filter)
    {
        var output = new MemoryStream();
        Span<byte> b = stackalloc byte[32];
        BinaryPrimitives.WriteUInt32LittleEndian(b, FormatVersion);
        b[4] = Terms.Version;
        BinaryPrimitives.WriteInt64LittleEndian(b[5..], day);
        b[13] = isSealed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt32LittleEndian(b[14..], blocks.Count);
        output.Write(b[..18]);
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

        BinaryPrimitives.WriteInt64LittleEndian(b, filter.Offset);
        BinaryPrimitives.WriteInt32LittleEndian(b[8..], filter.Blocks);
        b[12] = (byte)filter.BitsPerEntry;
        BinaryPrimitives.WriteInt64LittleEndian(b[13..], filter.Entries);
        output.Write(b[..21]);
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
        if (length < Magic.Length + 12 + FooterMinimum)
        {
            throw new InvalidDataException("term segment truncated");
        }

        Span<byte> trailer = stackalloc byte[12];
        RandomAccess.Read(handle, trailer, length - 12);
        var footerLength = BinaryPrimitives.ReadInt32LittleEndian(trailer);
        if (!trailer[4..].SequenceEqual(Magic) || footerLength < FooterMinimum || footerLength > length - Magic.Length - 12)
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

        if (BinaryPrimitives.ReadUInt32LittleEndian(body) != FormatVersion || !Terms.IsReadable(body[4]))
        {
            throw new InvalidDataException("term segment of an unknown version");
        }

        var day = BinaryPrimitives.ReadInt64LittleEndian(body[5..]);
        var isSealed = body[13] != 0;
        var count = BinaryPrimitives.ReadInt32LittleEndian(body[14..]);
        var p = 18;
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

        var f = body.Slice(p, 21);
        var filter = new SingleLineFilter(BinaryPrimitives.ReadInt64LittleEndian(f), BinaryPrimitives.ReadInt32LittleEndian(f[8..]), f[12], BinaryPrimitives.ReadInt64LittleEndian(f[13..]));
        p += 21;
        if (filter.Blocks < 0 || filter.BitsPerEntry < 1 || filter.Offset < Magic.Length || filter.Offset + PagedLength(filter.Blocks) > length - 12 - footerLength)
        {
            throw new InvalidDataException("term segment filter out of bounds");
        }

        return p == body.Length
            ? new TermDaySegment(handle, day, isSealed, blocks, unindexed, chunks, filter)
            : throw new InvalidDataException("term segment footer has trailing bytes");
    }

    /// <summary>
    /// Per hash of <paramref name="hashes"/>, its hour mask (bit i: hour i of the day) and the line counts of those
    /// hours (index = hour of the day; 0 elsewhere). A hash without a record is looked up in the single-line filter:
    /// each hour it may hold counts one line. Throws <see cref="InvalidDataException"/> when a chunk or page is damaged.
    /// </summary>
    public (uint Mask, uint[] Lines)[] Lookup(IReadOnlyList<ulong> hashes)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        var result = new (uint Mask, uint[] Lines)[hashes.Count];
        var cache = new Dictionary<long, byte[]>();
        for (var h = 0; h < hashes.Count; h++)
        {
            var hash = hashes[h];
            result[h] = (0, new uint[TermHours.HoursPerDay]);
            var c = ChunkOf(hash);
            if (c >= 0)
            {
                FindRecord(c, hash, cache, ref result[h]);
            }

            // The hours holding it on one line are in the filter, whether or not it has a record.
            FindSingleLine(hash, cache, ref result[h]);
        }

        return result;
    }

    private void FindRecord(int c, ulong hash, Dictionary<long, byte[]> cache, ref (uint Mask, uint[] Lines) result)
    {
        if (!cache.TryGetValue(c, out var bytes))
        {
            cache[c] = bytes = ReadChunk(_chunks[c]);
        }

        Find(bytes, _chunks[c].Records, hash, ref result);
    }

    private void FindSingleLine(ulong hash, Dictionary<long, byte[]> cache, ref (uint Mask, uint[] Lines) result)
    {
        if (_singles.Blocks == 0)
        {
            return;
        }

        var block = TermHourBloom.BlockOf(hash, _singles.Blocks);
        var page = block / PageBlocks;
        // Pages are cached under negative keys, apart from chunks.
        if (!cache.TryGetValue(-1 - page, out var bytes))
        {
            cache[-1 - page] = bytes = ReadPage(page);
        }

        var bits = bytes.AsSpan((block % PageBlocks) * TermHourBloom.BlockBytes, TermHourBloom.BlockBytes);
        var probes = TermHourBloom.ProbesFor(_singles.BitsPerEntry);
        for (var hour = 0; hour < TermHours.HoursPerDay; hour++)
        {
            if ((result.Mask & (1u << hour)) == 0 && TermHourBloom.MayContain(bits, hash, hour, probes))
            {
                result.Mask |= 1u << hour;
                result.Lines[hour] = 1;
            }
        }
    }

    /// <summary>
    /// Reads every chunk and filter page and checks its CRC32C (and that each chunk's records parse), for
    /// <c>loggia fsck</c>; throws <see cref="InvalidDataException"/> at the first damage. Lookups check only what they read.
    /// </summary>
    public void Verify()
    {
        foreach (var chunk in _chunks)
        {
            var none = (0u, new uint[TermHours.HoursPerDay]);
            _ = Find(ReadChunk(chunk), chunk.Records, ulong.MaxValue, ref none);
        }

        for (var page = 0; page * PageBlocks < _singles.Blocks; page++)
        {
            _ = ReadPage(page);
        }
    }

    private byte[] ReadChunk(ChunkRef chunk)
    {
        var bytes = new byte[chunk.Length];
        ReadExactly(_handle, bytes, chunk.Offset);
        return Crc32C.Compute(bytes) == chunk.Crc ? bytes : throw new InvalidDataException("term segment chunk checksum mismatch");
    }

    /// <summary>Filter page <paramref name="page"/> with its checksum checked (the checksum stays at its end).</summary>
    private byte[] ReadPage(int page)
    {
        var pageBlocks = Math.Min(PageBlocks, _singles.Blocks - (page * PageBlocks));
        var read = new byte[(pageBlocks * TermHourBloom.BlockBytes) + 4];
        ReadExactly(_handle, read, _singles.Offset + PagedLength(page * PageBlocks));
        return Crc32C.Compute(read.AsSpan(0, read.Length - 4)) == BinaryPrimitives.ReadUInt32LittleEndian(read.AsSpan(read.Length - 4))
            ? read
            : throw new InvalidDataException("term segment filter page checksum mismatch");
    }

    /// <summary>Bytes the first <paramref name="blocks"/> filter blocks take on disk, page checksums included.</summary>
    private static long PagedLength(int blocks) =>
        ((long)blocks * TermHourBloom.BlockBytes) + (4L * ((blocks + PageBlocks - 1) / PageBlocks));

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

    /// <summary>Fills <paramref name="result"/> from the record of <paramref name="hash"/> in the chunk; false when it has none.</summary>
    private static bool Find(ReadOnlySpan<byte> chunk, int records, ulong hash, ref (uint Mask, uint[] Lines) result)
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
            if (h > hash)
            {
                return false;
            }

            for (var bit = 0; bit < TermHours.HoursPerDay; bit++)
            {
                if ((mask & (1u << bit)) != 0)
                {
                    var count = ReadVarint(chunk, ref p);
                    if (h == hash)
                    {
                        result.Lines[bit] = count;
                    }
                }
            }

            if (h == hash)
            {
                result.Mask = mask;
                return true;
            }
        }

        return false;
    }

    /// <summary>The (hash, hour) pairs of the terms on a single line of the day, gathered while the records are written.</summary>
    private sealed class SingleLines
    {
        public List<ulong> Hashes { get; } = [];

        public List<byte> Hours { get; } = [];

        public int Count => Hashes.Count;

        public void Add(ulong hash, int hour)
        {
            Hashes.Add(hash);
            Hours.Add((byte)hour);
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

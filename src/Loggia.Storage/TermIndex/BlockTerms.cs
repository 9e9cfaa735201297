using System.Buffers.Binary;
using Loggia.Core.Hashing;
using Loggia.Core.Tokens;

namespace Loggia.Storage.TermIndex;

/// <summary>
/// A block's term file (<c>&lt;block&gt;.terms</c>, beside the sidecar): per hour of the block's entries, every
/// distinct line-term and metadata-pair hash with the number of entries containing it. Written with the block and as
/// immutable as it; the source the per-tenant-day segments are built from. Derived data: a missing or damaged file
/// only means "this block cannot be ruled out". Format: docs/formats/terms.md.
/// </summary>
public sealed class BlockTerms(IReadOnlyList<BlockTermsHour> hours)
{
    /// <summary>Extension of the term file (it replaces <c>.parquet</c>).</summary>
    public const string Extension = ".terms";

    private static readonly byte[] Magic = "LGTRM001"u8.ToArray();
    private const uint FormatVersion = 1;

    /// <summary>The hours holding entries, ascending.</summary>
    public IReadOnlyList<BlockTermsHour> Hours { get; } = hours;

    /// <summary>The term file path of the block whose Parquet file is <paramref name="parquetPath"/>.</summary>
    public static string PathFor(string parquetPath) => Path.ChangeExtension(parquetPath, Extension);

    /// <summary>Whether some hour holds every hash of <paramref name="required"/> (a line holding them all lies in one hour).</summary>
    public bool SomeHourHoldsAll(IReadOnlyList<ulong> required)
    {
        foreach (var hour in Hours)
        {
            var all = true;
            foreach (var hash in required)
            {
                if (Array.BinarySearch(hour.Hashes, hash) < 0)
                {
                    all = false;
                    break;
                }
            }

            if (all)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Serializes the file: magic, version, token version, hours, CRC32C of all before it.</summary>
    public byte[] Serialize()
    {
        var size = 8 + 4 + 1 + 4 + 4;
        foreach (var hour in Hours)
        {
            size += 8 + 4 + (hour.Hashes.Length * 12);
        }

        var bytes = new byte[size];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        var p = 8;
        BinaryPrimitives.WriteUInt32LittleEndian(span[p..], FormatVersion);
        p += 4;
        span[p++] = Terms.Version;
        BinaryPrimitives.WriteInt32LittleEndian(span[p..], Hours.Count);
        p += 4;
        foreach (var hour in Hours)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[p..], hour.Hour);
            BinaryPrimitives.WriteInt32LittleEndian(span[(p + 8)..], hour.Hashes.Length);
            p += 12;
            for (var i = 0; i < hour.Hashes.Length; i++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(span[p..], hour.Hashes[i]);
                BinaryPrimitives.WriteUInt32LittleEndian(span[(p + 8)..], hour.Lines[i]);
                p += 12;
            }
        }

        BinaryPrimitives.WriteUInt32LittleEndian(span[p..], Crc32C.Compute(span[..p]));
        return bytes;
    }

    /// <summary>Parses a term file; throws <see cref="InvalidDataException"/> when it is damaged or of an unknown version.</summary>
    public static BlockTerms Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 21 || !bytes[..8].SequenceEqual(Magic))
        {
            throw new InvalidDataException("not a term file");
        }

        var body = bytes[..^4];
        if (Crc32C.Compute(body) != BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]))
        {
            throw new InvalidDataException("term file checksum mismatch");
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(body[8..]) != FormatVersion || !Terms.IsReadable(body[12]))
        {
            throw new InvalidDataException("term file of an unknown version");
        }

        var count = BinaryPrimitives.ReadInt32LittleEndian(body[13..]);
        var p = 17;
        var hours = new List<BlockTermsHour>(Math.Max(0, Math.Min(count, 1024)));
        for (var h = 0; h < count; h++)
        {
            if (p + 12 > body.Length)
            {
                throw new InvalidDataException("term file truncated");
            }

            var hour = BinaryPrimitives.ReadInt64LittleEndian(body[p..]);
            var n = BinaryPrimitives.ReadInt32LittleEndian(body[(p + 8)..]);
            p += 12;
            if (n < 0 || (long)n * 12 > body.Length - p)
            {
                throw new InvalidDataException("term file truncated");
            }

            var hashes = new ulong[n];
            var lines = new uint[n];
            for (var i = 0; i < n; i++)
            {
                hashes[i] = BinaryPrimitives.ReadUInt64LittleEndian(body[p..]);
                lines[i] = BinaryPrimitives.ReadUInt32LittleEndian(body[(p + 8)..]);
                p += 12;
            }

            hours.Add(new BlockTermsHour(hour, hashes, lines));
        }

        return p == body.Length ? new BlockTerms(hours) : throw new InvalidDataException("term file has trailing bytes");
    }

    /// <summary>Writes the file for the block at <paramref name="parquetPath"/>: temporary name, fsync, rename (the caller fsyncs the directory).</summary>
    public void WriteFor(string parquetPath)
    {
        var path = PathFor(parquetPath);
        using (var file = new FileStream(path + ".tmp", FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(Serialize());
            file.Flush(flushToDisk: true);
        }

        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>The term file of the block at <paramref name="parquetPath"/>, or null when it is missing, damaged or unknown.</summary>
    public static BlockTerms? TryReadFor(string parquetPath)
    {
        try
        {
            var bytes = File.ReadAllBytes(PathFor(parquetPath));
            return Parse(bytes);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

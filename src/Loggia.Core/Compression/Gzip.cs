using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace Loggia.Core.Compression;

/// <summary>
/// gzip (RFC 1952) over spans, using <see cref="GZipStream"/> without copying the input into a MemoryStream.
/// Used by the Parquet GZIP codec. All members are thread-safe.
/// </summary>
public static class Gzip
{
    /// <summary>
    /// A gzip member holding no data: header (deflate, no flags, no mtime, OS unknown), an empty final
    /// fixed-Huffman deflate block, CRC-32 0 and size 0.
    /// </summary>
    private static ReadOnlySpan<byte> EmptyMember =>
        [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];

    /// <summary>Compresses <paramref name="source"/> as one gzip member appended to <paramref name="destination"/>.</summary>
    public static void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, CompressionLevel level = CompressionLevel.Fastest)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (source.IsEmpty)
        {
            // GZipStream writes nothing at all for empty input; emit a valid empty member instead.
            EmptyMember.CopyTo(destination.GetSpan(EmptyMember.Length));
            destination.Advance(EmptyMember.Length);
            return;
        }

        using var sink = new BufferWriterStream(destination);
        using (var gzip = new GZipStream(sink, level, leaveOpen: true))
        {
            gzip.Write(source);
        }
    }

    /// <summary>
    /// Decompresses <paramref name="source"/> (one gzip member or several concatenated ones) into
    /// <paramref name="destination"/> and returns the bytes written.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// The data is not valid gzip or is truncated, or it decompresses to more than <paramref name="destination"/> holds
    /// (nothing is written past the end of <paramref name="destination"/>).
    /// </exception>
    public static unsafe int Decompress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (source.IsEmpty)
        {
            throw new InvalidDataException("gzip: input is empty");
        }

        fixed (byte* src = source)
        {
            using var input = new UnmanagedMemoryStream(src, source.Length);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            try
            {
                int total = 0;
                while (total < destination.Length)
                {
                    int read = gzip.Read(destination[total..]);
                    if (read == 0)
                    {
                        break;
                    }

                    total += read;
                }

                if (total == destination.Length)
                {
                    Span<byte> probe = stackalloc byte[1];
                    if (gzip.Read(probe) != 0)
                    {
                        throw new InvalidDataException(
                            $"gzip: decompressed data exceeds the destination buffer ({destination.Length} bytes)");
                    }
                }

                if (!EndsWithTrailerOf(source, destination[..total]))
                {
                    throw new InvalidDataException("gzip: data is truncated or corrupt (the last member does not end with a matching trailer)");
                }

                return total;
            }
            catch (IOException e)
            {
                throw new InvalidDataException("gzip: " + e.Message, e);
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="source"/> ends with the trailer of the data that <see cref="GZipStream"/> decoded from it.
    /// GZipStream verifies the trailer of every member it finishes but reports a member cut short as a plain end of
    /// data. A complete input ends with the trailer of its last member (CRC-32 and size of that member's output, which
    /// is a suffix of <paramref name="output"/>), so checking that trailer against the output detects truncation.
    /// </summary>
    public static bool EndsWithTrailerOf(ReadOnlySpan<byte> source, ReadOnlySpan<byte> output)
    {
        if (source.Length < 18)
        {
            return false;
        }

        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(source[^8..]);
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(source[^4..]);
        return size <= (uint)output.Length && Crc32.Compute(output[^(int)size..]) == crc;
    }

    /// <summary>A write-only stream that appends to an <see cref="IBufferWriter{T}"/>.</summary>
    private sealed class BufferWriterStream(IBufferWriter<byte> writer) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            while (!buffer.IsEmpty)
            {
                Span<byte> span = writer.GetSpan(Math.Min(buffer.Length, 64 * 1024));
                int n = Math.Min(span.Length, buffer.Length);
                buffer[..n].CopyTo(span);
                writer.Advance(n);
                buffer = buffer[n..];
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void WriteByte(byte value) => Write([value]);

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}

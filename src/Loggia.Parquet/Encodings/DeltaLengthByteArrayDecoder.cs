namespace Loggia.Parquet.Encodings;

/// <summary>Decodes DELTA_LENGTH_BYTE_ARRAY pages.</summary>
public static class DeltaLengthByteArrayDecoder
{
    /// <summary>
    /// Decodes up to offsets.Length - 1 values from the start of <paramref name="page"/> into <paramref name="output"/>
    /// and returns how many were decoded (the page's value count if smaller). offsets[0] is output.Length before the
    /// call and offsets[k] the end of value k - 1 (see <see cref="ByteArrayAccumulator"/>). All bytes of the decoded
    /// values are copied with one bulk copy.
    /// </summary>
    /// <exception cref="ParquetFormatException">The lengths are malformed, negative, or describe more bytes than the page holds.</exception>
    public static int Decode(ReadOnlySpan<byte> page, Span<int> offsets, ByteArrayAccumulator output) =>
        Decode(page, offsets, output, out _);

    /// <summary>
    /// As <see cref="Decode(ReadOnlySpan{byte}, Span{int}, ByteArrayAccumulator)"/>, also returning the page's
    /// total value count from the lengths header.
    /// </summary>
    public static int Decode(ReadOnlySpan<byte> page, Span<int> offsets, ByteArrayAccumulator output, out int totalValueCount)
    {
        ArgumentNullException.ThrowIfNull(output);
        var lengths = new DeltaBinaryPackedDecoder(page);
        totalValueCount = lengths.TotalValueCount;
        if (offsets.IsEmpty)
        {
            return 0;
        }

        var n = lengths.ReadInt32(offsets[1..Math.Min(offsets.Length, totalValueCount + 1)]);

        // The value bytes start after the whole lengths stream, so lengths we do not return are still decoded,
        // and all of them must be non-negative.
        Span<int> rest = stackalloc int[128];
        long skippedBytes = 0;
        int m;
        while ((m = lengths.ReadInt32(rest)) > 0)
        {
            foreach (var length in rest[..m])
            {
                if (length < 0)
                {
                    throw new ParquetFormatException($"DELTA_LENGTH_BYTE_ARRAY value length {length} is negative", 0);
                }

                skippedBytes += length;
            }
        }

        var dataStart = lengths.BytesConsumed;
        var available = page.Length - dataStart;
        long total = 0;
        var start = output.Length;
        offsets[0] = start;
        for (var i = 1; i <= n; i++)
        {
            var length = offsets[i];
            if (length < 0)
            {
                throw new ParquetFormatException($"DELTA_LENGTH_BYTE_ARRAY value length {length} is negative", 0);
            }

            total += length;
            if (total > available)
            {
                break;
            }

            offsets[i] = (int)(start + total);
        }

        if (total + skippedBytes > available)
        {
            throw new ParquetFormatException($"DELTA_LENGTH_BYTE_ARRAY values need {total + skippedBytes} bytes but the page has {available}", dataStart);
        }

        page.Slice(dataStart, (int)total).CopyTo(output.Reserve((int)total));
        return n;
    }
}

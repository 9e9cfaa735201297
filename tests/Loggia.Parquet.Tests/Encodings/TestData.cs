using System.Buffers;

namespace Loggia.Parquet.Tests.Encodings;

internal static class TestData
{
    public static readonly int[] Sizes = [0, 1, 7, 8, 9, 127, 128, 129, 1000, 100_000];

    public static TheoryData<int> SizeData()
    {
        var data = new TheoryData<int>();
        foreach (var s in Sizes)
        {
            data.Add(s);
        }

        return data;
    }

    public static ArrayBufferWriter<byte> Writer() => new();

    /// <summary>Values below 2^bitWidth, mixing random stretches with runs of repeated values.</summary>
    public static int[] LevelsLike(Random random, int count, int bitWidth, bool withRuns)
    {
        var max = bitWidth == 32 ? uint.MaxValue : (1UL << bitWidth) - 1;
        var values = new int[count];
        var i = 0;
        while (i < count)
        {
            var value = (int)(uint)(ulong)random.NextInt64(0, (long)max + 1);
            var run = withRuns && random.Next(3) == 0 ? random.Next(1, 40) : 1;
            for (var k = 0; k < run && i < count; k++)
            {
                values[i++] = value;
            }
        }

        return values;
    }

    /// <summary>Arrow-style byte arrays: random lengths 0..maxLength with random content.</summary>
    public static (byte[] Data, int[] Offsets) ByteArrays(Random random, int count, int maxLength)
    {
        var offsets = new int[count + 1];
        for (var i = 0; i < count; i++)
        {
            offsets[i + 1] = offsets[i] + random.Next(0, maxLength + 1);
        }

        var data = new byte[offsets[count]];
        random.NextBytes(data);
        return (data, offsets);
    }
}

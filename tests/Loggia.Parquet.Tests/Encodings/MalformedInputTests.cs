using Loggia.Parquet.Encodings;

namespace Loggia.Parquet.Tests.Encodings;

/// <summary>Random and mutated inputs: decoders either succeed or throw ParquetFormatException, never anything else.</summary>
public class MalformedInputTests
{
    private const int Iterations = 4000;

    [Fact]
    public void Rle_decoder_on_random_and_mutated_bytes_only_throws_ParquetFormatException()
    {
        var random = new Random(11);
        var valid = TestData.Writer();
        RleBitPackedHybridEncoder.Encode(TestData.LevelsLike(random, 500, 7, withRuns: true), 7, valid);
        var destination = new int[4096];
        for (var i = 0; i < Iterations; i++)
        {
            var data = Mutate(random, valid.WrittenSpan.ToArray(), i);
            var width = random.Next(0, 33);
            RunExpectingOnlyFormatErrors(() =>
            {
                var decoder = new RleBitPackedHybridDecoder(data, width);
                decoder.Read(destination);
                decoder.Read(destination.AsSpan(0, 3));
            });
        }
    }

    [Fact]
    public void Delta_decoder_on_random_and_mutated_bytes_only_throws_ParquetFormatException()
    {
        var random = new Random(12);
        var valid = TestData.Writer();
        var values = new long[700];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = random.NextInt64(-1L << 40, 1L << 40);
        }

        DeltaBinaryPackedEncoder.Encode(values, valid);
        var longs = new long[1024];
        var ints = new int[100];
        for (var i = 0; i < Iterations; i++)
        {
            var data = Mutate(random, valid.WrittenSpan.ToArray(), i);
            RunExpectingOnlyFormatErrors(() =>
            {
                var decoder = new DeltaBinaryPackedDecoder(data);
                var budget = 1 << 20; // a valid tiny stream may hold many zero-width values; cap the work
                while (budget > 0 && decoder.ReadInt64(longs) > 0)
                {
                    budget -= longs.Length;
                    decoder.ReadInt32(ints);
                }
            });
        }
    }

    [Fact]
    public void DeltaLengthByteArray_and_Plain_decoders_on_random_and_mutated_bytes_only_throw_ParquetFormatException()
    {
        var random = new Random(13);
        var (bytes, offsets) = TestData.ByteArrays(random, 200, 20);
        var dlba = TestData.Writer();
        DeltaLengthByteArrayEncoder.Encode(bytes, offsets, dlba);
        var plain = TestData.Writer();
        PlainEncoder.WriteByteArrays(bytes, offsets, plain);
        using var accumulator = new ByteArrayAccumulator();
        var decodedOffsets = new int[300];
        for (var i = 0; i < Iterations; i++)
        {
            var data = Mutate(random, dlba.WrittenSpan.ToArray(), i);
            accumulator.Clear();
            RunExpectingOnlyFormatErrors(() => DeltaLengthByteArrayDecoder.Decode(data, decodedOffsets, accumulator));

            data = Mutate(random, plain.WrittenSpan.ToArray(), i);
            accumulator.Clear();
            RunExpectingOnlyFormatErrors(() =>
            {
                var decoder = new PlainDecoder(data);
                while (decoder.ReadByteArrays(decodedOffsets, accumulator) > 0)
                {
                }
            });
        }
    }

    /// <summary>Pure random bytes, truncations, bit flips and byte overwrites of a valid encoding.</summary>
    private static byte[] Mutate(Random random, byte[] valid, int iteration)
    {
        switch (iteration % 4)
        {
            case 0:
                var noise = new byte[random.Next(0, 64)];
                random.NextBytes(noise);
                return noise;
            case 1:
                return valid[..random.Next(0, valid.Length)];
            case 2:
                var flipped = (byte[])valid.Clone();
                for (var k = random.Next(1, 4); k > 0; k--)
                {
                    flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
                }

                return flipped;
            default:
                var overwritten = (byte[])valid.Clone();
                overwritten[random.Next(Math.Min(overwritten.Length, 12))] = (byte)random.Next(256);
                return overwritten;
        }
    }

    private static void RunExpectingOnlyFormatErrors(Action action)
    {
        try
        {
            action();
        }
        catch (ParquetFormatException)
        {
        }
    }
}

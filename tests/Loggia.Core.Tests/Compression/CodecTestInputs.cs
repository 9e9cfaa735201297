namespace Loggia.Core.Tests.Compression;

/// <summary>Inputs shared by the codec tests.</summary>
internal static class CodecTestInputs
{
    public const int FourMegabytes = 4 * 1024 * 1024;

    public static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static byte[] Repetitive(int length)
    {
        var bytes = new byte[length];
        ReadOnlySpan<byte> pattern = "loggia "u8;
        for (int i = 0; i < length; i++)
        {
            bytes[i] = pattern[i % pattern.Length];
        }

        return bytes;
    }

    /// <summary>A 100 KiB random block repeated: matches exist only at distances beyond 64 KiB.</summary>
    public static byte[] FarRepeats(int length)
    {
        byte[] block = Random(100 * 1024, 7);
        var bytes = new byte[length];
        for (int i = 0; i < length; i += block.Length)
        {
            block.AsSpan(0, Math.Min(block.Length, length - i)).CopyTo(bytes.AsSpan(i));
        }

        return bytes;
    }

    /// <summary>All loghub logs concatenated, repeated until <paramref name="length"/> bytes.</summary>
    public static byte[] LogText(int length)
    {
        var bytes = new byte[length];
        int position = 0;
        while (position < length)
        {
            foreach (string file in TestData.AllLogs())
            {
                byte[] content = File.ReadAllBytes(file);
                int n = Math.Min(content.Length, length - position);
                content.AsSpan(0, n).CopyTo(bytes.AsSpan(position));
                position += n;
                if (position == length)
                {
                    break;
                }
            }
        }

        return bytes;
    }

    /// <summary>Named inputs for theories: every round-trip test runs over all of them.</summary>
    public static byte[] Named(string name) => name switch
    {
        "empty" => [],
        "one-byte" => [42],
        "short" => "Hello, Loggia!"u8.ToArray(),
        "repetitive" => Repetitive(100_000),
        "zeros-4MB" => new byte[FourMegabytes],
        "random" => Random(70_000, 1),
        "random-4MB" => Random(FourMegabytes, 2),
        "far-repeats-4MB" => FarRepeats(FourMegabytes),
        "log-HDFS" => TestData.ReadLog("HDFS"),
        "log-Apache" => TestData.ReadLog("Apache"),
        "log-Android" => TestData.ReadLog("Android"),
        "log-text-4MB" => LogText(FourMegabytes),
        _ => throw new ArgumentException("unknown input " + name, nameof(name)),
    };

    public static TheoryData<string> Names =>
    [
        "empty", "one-byte", "short", "repetitive", "zeros-4MB", "random", "random-4MB", "far-repeats-4MB",
        "log-HDFS", "log-Apache", "log-Android", "log-text-4MB",
    ];

    /// <summary>
    /// Runs <paramref name="decode"/> over every prefix of <paramref name="compressed"/> and over
    /// <paramref name="mutations"/> randomly corrupted copies, asserting that each either succeeds or throws
    /// exactly <see cref="InvalidDataException"/>.
    /// </summary>
    public static void AssertOnlyInvalidData(byte[] compressed, Action<byte[]> decode, int mutations, int seed)
    {
        for (int length = 0; length < compressed.Length; length++)
        {
            AssertSucceedsOrInvalidData(compressed.AsSpan(0, length).ToArray(), decode, $"prefix of {length} bytes");
        }

        var random = new Random(seed);
        for (int i = 0; i < mutations; i++)
        {
            byte[] mutated = (byte[])compressed.Clone();
            int changes = 1 + random.Next(4);
            for (int c = 0; c < changes; c++)
            {
                int at = random.Next(mutated.Length);
                switch (random.Next(3))
                {
                    case 0:
                        mutated[at] = (byte)random.Next(256);
                        break;
                    case 1:
                        mutated[at] ^= (byte)(1 << random.Next(8));
                        break;
                    default:
                        mutated[at] = random.Next(2) == 0 ? (byte)0 : (byte)0xFF;
                        break;
                }
            }

            if (random.Next(8) == 0)
            {
                mutated = mutated.AsSpan(0, random.Next(mutated.Length)).ToArray();
            }

            AssertSucceedsOrInvalidData(mutated, decode, $"mutation {i}");
        }
    }

    private static void AssertSucceedsOrInvalidData(byte[] input, Action<byte[]> decode, string what)
    {
        try
        {
            decode(input);
        }
        catch (InvalidDataException)
        {
        }
        catch (Exception e)
        {
            Assert.Fail($"{what}: expected success or InvalidDataException but got {e.GetType().Name}: {e.Message}");
        }
    }
}

using System.Diagnostics;
using Loggia.Parquet.Format;
using Loggia.Parquet.Thrift;

namespace Loggia.Parquet.Tests.Thrift;

/// <summary>Malformed and adversarial input must fail with <see cref="ParquetFormatException"/>, quickly and without big allocations.</summary>
public class HostileInputTests
{
    private delegate void ReaderAction(ref ThriftCompactReader reader);

    [Fact]
    public void Read_TruncatedFooter_ThrowsParquetFormatExceptionAtEveryPrefixLength()
    {
        var bytes = ParquetMetadataSerializer.Serialize(SampleMetadata.FullFileMetaData());

        for (var length = 0; length < bytes.Length; length++)
        {
            var prefix = bytes.AsSpan(0, length).ToArray();
            AssertFormatError(() => ParquetMetadataSerializer.ReadFileMetaData(prefix), $"prefix of {length} bytes");
        }
    }

    [Fact]
    public void Read_TruncatedPageHeader_ThrowsParquetFormatExceptionAtEveryPrefixLength()
    {
        var bytes = ParquetMetadataSerializer.Serialize(SampleMetadata.FullPageHeader());

        for (var length = 0; length < bytes.Length; length++)
        {
            var prefix = bytes.AsSpan(0, length).ToArray();
            AssertFormatError(() => ParquetMetadataSerializer.ReadPageHeader(prefix, out _), $"prefix of {length} bytes");
        }
    }

    [Fact]
    public void Read_RandomlyMutatedFooter_ParsesOrThrowsParquetFormatException()
    {
        var original = ParquetMetadataSerializer.Serialize(SampleMetadata.FullFileMetaData());
        var random = new Random(20240611);
        var stopwatch = Stopwatch.StartNew();

        for (var iteration = 0; iteration < 10_000; iteration++)
        {
            var mutated = Mutate(original, random);
            try
            {
                var metadata = ParquetMetadataSerializer.ReadFileMetaData(mutated);

                // Whatever parses must also be writable again.
                ParquetMetadataSerializer.Serialize(metadata);
            }
            catch (ParquetFormatException ex)
            {
                Assert.InRange(ex.Offset, 0, mutated.Length);
            }
            catch (Exception ex)
            {
                Assert.Fail($"iteration {iteration}: {ex.GetType().Name} instead of ParquetFormatException: {ex}\n{Convert.ToHexString(mutated)}");
            }
        }

        // Generous bound for a shared CI machine; this takes well under a second normally.
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(30), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public void Read_RandomBytes_ParseOrThrowParquetFormatException()
    {
        var random = new Random(7);
        for (var iteration = 0; iteration < 10_000; iteration++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            try
            {
                ParquetMetadataSerializer.ReadPageHeader(bytes, out _);
            }
            catch (ParquetFormatException)
            {
            }
            catch (Exception ex)
            {
                Assert.Fail($"iteration {iteration}: {ex.GetType().Name}: {ex}\n{Convert.ToHexString(bytes)}");
            }

            try
            {
                ParquetMetadataSerializer.ReadColumnIndex(bytes);
            }
            catch (ParquetFormatException)
            {
            }
            catch (Exception ex)
            {
                Assert.Fail($"iteration {iteration}: {ex.GetType().Name}: {ex}\n{Convert.ToHexString(bytes)}");
            }
        }
    }

    [Fact]
    public void ReadI64_VarintLongerThan10Bytes_ThrowsWithOffset()
    {
        byte[] bytes = [0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01];

        var ex = AssertReaderError(bytes, (ref ThriftCompactReader r) =>
        {
            r.ReadI8();
            r.ReadI64();
        });

        Assert.Equal(1, ex.Offset);
    }

    [Fact]
    public void ReadI64_TenthVarintByteOverflows64Bits_Throws()
    {
        byte[] bytes = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02];

        AssertReaderError(bytes, (ref ThriftCompactReader r) => r.ReadI64());
    }

    [Fact]
    public void ReadI32_VarintAbove32Bits_Throws()
    {
        byte[] bytes = [0x80, 0x80, 0x80, 0x80, 0x10];

        AssertReaderError(bytes, (ref ThriftCompactReader r) => r.ReadI32());
    }

    [Fact]
    public void ReadI16_ValueOutsideI16Range_Throws()
    {
        byte[] bytes = [0x80, 0x80, 0x04]; // zigzag 65536 -> 32768

        AssertReaderError(bytes, (ref ThriftCompactReader r) => r.ReadI16());
    }

    [Fact]
    public void ReadBinary_LengthBeyondRemainingBytes_ThrowsWithOffsetOfLength()
    {
        byte[] bytes = [0x15, 0x00, 0x64, 0x61, 0x62];

        var ex = AssertReaderError(bytes, (ref ThriftCompactReader r) =>
        {
            r.ReadFieldBegin();
            r.ReadI32();
            r.ReadBinary();
        });

        Assert.Equal(2, ex.Offset);
    }

    [Fact]
    public void ReadBinary_NegativeLength_Throws()
    {
        byte[] bytes = [0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00];

        AssertReaderError(bytes, (ref ThriftCompactReader r) => r.ReadBinary());
    }

    [Fact]
    public void ReadFileMetaData_ListClaimingInt32MaxElements_FailsFastWithoutAllocating()
    {
        // version = 1, then schema (field 2) as a list of structs claiming int.MaxValue elements.
        byte[] bytes = [0x15, 0x02, 0x19, 0xFC, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x00, 0x00];
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var ex = Assert.Throws<ParquetFormatException>(() => ParquetMetadataSerializer.ReadFileMetaData(bytes));

        Assert.Equal(4, ex.Offset); // the list's size varint
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore < 1_000_000);
    }

    [Fact]
    public void ReadMapBegin_CountBeyondRemainingBytes_Throws()
    {
        byte[] bytes = [0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x55];

        AssertReaderError(bytes, (ref ThriftCompactReader r) => r.ReadMapBegin());
    }

    [Fact]
    public void Skip_StructsNestedDeeperThan64Levels_Throws()
    {
        // Field 1 of type struct, nested 100 times.
        var bytes = new byte[200];
        bytes.AsSpan(0, 100).Fill(0x1C);

        AssertReaderError(bytes, (ref ThriftCompactReader r) => r.Skip(ThriftType.Struct));
    }

    [Fact]
    public void Skip_ListsNestedDeeperThan64Levels_Throws()
    {
        // A list of one list of one list ... 100 levels deep.
        var bytes = new byte[200];
        bytes.AsSpan(0, 100).Fill(0x19);

        AssertReaderError(bytes, (ref ThriftCompactReader r) => r.Skip(ThriftType.List));
    }

    [Fact]
    public void ReadFileMetaData_DeeplyNestedUnknownField_ThrowsParquetFormatException()
    {
        var bytes = new byte[300];
        bytes[0] = 0x0C; // long-form header: unknown field 100 of type struct
        bytes[1] = 0xC8;
        bytes[2] = 0x01;
        bytes.AsSpan(3, 200).Fill(0x1C);

        AssertFormatError(() => ParquetMetadataSerializer.ReadFileMetaData(bytes), "nested unknown field");
    }

    [Fact]
    public void ReadStructBegin_65Levels_Throws()
    {
        AssertReaderError([], (ref ThriftCompactReader r) =>
        {
            for (var i = 0; i <= ThriftLimits.MaxDepth; i++)
            {
                r.ReadStructBegin();
            }
        });
    }

    [Theory]
    [InlineData(0x1E)]
    [InlineData(0x1F)]
    public void ReadFieldBegin_UnknownTypeId_ThrowsWithOffset(byte header)
    {
        byte[] bytes = [0x15, 0x00, header, 0x00];

        var ex = AssertReaderError(bytes, (ref ThriftCompactReader r) =>
        {
            r.ReadFieldBegin();
            r.ReadI32();
            r.ReadFieldBegin();
        });

        Assert.Equal(2, ex.Offset);
    }

    [Fact]
    public void ReadListBegin_UnknownElementType_Throws()
    {
        AssertReaderError([0x1E, 0x00], (ref ThriftCompactReader r) => r.ReadListBegin());
    }

    [Fact]
    public void ReadBool_InvalidListElementByte_Throws()
    {
        AssertReaderError([0x11, 0x07], (ref ThriftCompactReader r) =>
        {
            r.ReadListBegin(ThriftType.Bool);
            r.ReadBool();
        });
    }

    [Fact]
    public void ReadFieldBegin_FieldIdDeltaOverflowsI16_Throws()
    {
        // Long-form id 32767, then a short-form delta of 1.
        byte[] bytes = [0x05, 0xFE, 0xFF, 0x03, 0x00, 0x15, 0x00];

        AssertReaderError(bytes, (ref ThriftCompactReader r) =>
        {
            r.ReadStructBegin();
            r.ReadFieldBegin();
            r.ReadI32();
            r.ReadFieldBegin();
        });
    }

    [Fact]
    public void ReadDouble_Truncated_Throws()
    {
        AssertReaderError([0, 0, 0, 0, 0, 0, 0], (ref ThriftCompactReader r) => r.ReadDouble());
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = (byte[])original.Clone();
        var mutations = random.Next(1, 5);
        for (var i = 0; i < mutations; i++)
        {
            var position = random.Next(bytes.Length);
            switch (random.Next(4))
            {
                case 0:
                    bytes[position] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes[position] ^= (byte)(1 << random.Next(8));
                    break;
                case 2:
                    // Values that tend to produce extreme lengths, counts and type ids.
                    bytes[position] = random.Next(3) switch { 0 => 0xFF, 1 => 0x00, _ => 0x7F };
                    break;
                default:
                    bytes = bytes[..position];
                    return bytes;
            }
        }

        return bytes;
    }

    private static void AssertFormatError(Action action, string context)
    {
        try
        {
            action();
        }
        catch (ParquetFormatException)
        {
            return;
        }
        catch (Exception ex)
        {
            Assert.Fail($"{context}: {ex.GetType().Name} instead of ParquetFormatException: {ex}");
        }

        Assert.Fail($"{context}: no exception");
    }

    private static ParquetFormatException AssertReaderError(byte[] bytes, ReaderAction action)
    {
        try
        {
            var reader = new ThriftCompactReader(bytes);
            action(ref reader);
        }
        catch (ParquetFormatException ex)
        {
            return ex;
        }

        Assert.Fail("no ParquetFormatException");
        return null!;
    }
}

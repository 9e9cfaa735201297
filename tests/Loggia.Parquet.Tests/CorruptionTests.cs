using System.Diagnostics;
using Loggia.Parquet.Data;
using Loggia.Parquet.Format;
using Loggia.Parquet.Reading;
using Loggia.Parquet.Writing;

namespace Loggia.Parquet.Tests;

/// <summary>
/// Damaged files must fail with <see cref="ParquetFormatException"/> (or, when the damage happens
/// to be harmless, read successfully) — never another exception type, a hang or a huge allocation.
/// </summary>
public sealed class CorruptionTests
{
    private static readonly Lazy<byte[]> SmallFile = new(() =>
        RoundTripTests.Write(TestTable.Generate(600, seed: 21), new ParquetWriterOptions { Compression = CompressionCodec.Snappy, MaxRowsPerPage = 100, MaxRowsPerRowGroup = 300 }));

    /// <summary>Opens and fully reads <paramref name="file"/>; returns the exception if one escaped.</summary>
    private static Exception? ReadEverything(byte[] file)
    {
        try
        {
            using var reader = ParquetReader.Open(file);
            var batch = new RowBatch(reader.Schema);
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                reader.ReadRowGroup(g, batch);
                var selection = new RowSelection();
                selection.Add(1, 2);
                selection.Add(150, 260);
                if (reader.GetRowGroupRowCount(g) >= 260)
                {
                    reader.ReadRowGroup(g, batch, null, selection);
                }

                for (var leaf = 0; leaf < reader.Schema.Leaves.Count; leaf++)
                {
                    reader.ReadColumnIndex(g, leaf);
                    reader.ReadOffsetIndex(g, leaf);
                }
            }

            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private static void AssertOnlyFormatErrors(byte[] file, string what)
    {
        var error = ReadEverything(file);
        Assert.True(error is null or ParquetFormatException, $"{what}: {error?.GetType().Name}: {error}");
    }

    [Fact]
    public void TruncatedFile_AtEveryLength_RaisesParquetFormatException()
    {
        var file = SmallFile.Value;
        var step = Math.Max(1, file.Length / 1500);
        for (var length = 0; length < file.Length; length += step)
        {
            var error = ReadEverything(file[..length]);
            Assert.True(error is ParquetFormatException, $"truncated to {length} of {file.Length}: {error?.GetType().Name}: {error}");
        }
    }

    [Fact]
    public void RandomlyMutatedFiles_OnlyEverRaiseParquetFormatException()
    {
        var original = SmallFile.Value;
        var random = new Random(1234);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 3000; i++)
        {
            var file = (byte[])original.Clone();
            var mutations = 1 + random.Next(4);
            for (var m = 0; m < mutations; m++)
            {
                var position = random.Next(file.Length);
                file[position] = random.Next(3) switch
                {
                    0 => (byte)random.Next(256),
                    1 => (byte)(file[position] ^ (1 << random.Next(8))),
                    _ => (byte)(random.Next(2) == 0 ? 0xFF : 0x00),
                };
            }

            AssertOnlyFormatErrors(file, $"mutation {i}");
        }

        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"3000 damaged files took {clock.Elapsed}");
    }

    [Fact]
    public void DamagedFooter_NamesTheFileAndAnOffset()
    {
        using var directory = new TempDirectory();
        var path = directory.File("bad.parquet");
        var file = (byte[])SmallFile.Value.Clone();
        // Footer length pointing past the start of the file.
        file[^8] = 0xFF;
        file[^7] = 0xFF;
        file[^6] = 0xFF;
        file[^5] = 0x0F;
        File.WriteAllBytes(path, file);
        var error = Assert.Throws<ParquetFormatException>(() => ParquetReader.Open(path));
        Assert.Equal(path, error.FilePath);
        Assert.True(error.Offset >= 0);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NotParquet_IsReportedAsSuch()
    {
        var error = Assert.Throws<ParquetFormatException>(() => ParquetReader.Open("this is not a parquet file at all"u8.ToArray()));
        Assert.Contains("PAR1", error.Message, StringComparison.Ordinal);
    }
}

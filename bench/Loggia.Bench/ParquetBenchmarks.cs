using BenchmarkDotNet.Attributes;
using Loggia.Parquet.Data;
using Loggia.Parquet.Format;
using Loggia.Parquet.Reading;
using Loggia.Parquet.Writing;

namespace Loggia.Bench;

/// <summary>
/// Write and read throughput of Loggia.Parquet on a log-shaped table, single-threaded (so the
/// figures are per core). The MB/s column is line text per second; rows/s counts rows.
/// </summary>
[Config(typeof(ThroughputConfig))]
public class ParquetBenchmarks : IDisposable
{
    /// <summary>Rows in the benchmark table (~200 bytes of line each).</summary>
    public const int TableRows = 400_000;

    private LogTable _table = null!;
    private byte[] _file = null!;
    private RowBatch _batch = null!;
    private MemoryStream _output = null!;

    [Params(1, 3)]
    public int ZstdLevel { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _table = LogTable.Generate(TableRows);
        _output = new MemoryStream(capacity: 64 * 1024 * 1024);
        _file = WriteTable(_table, ZstdLevel, new MemoryStream()).ToArray();
        using var reader = ParquetReader.Open(_file);
        _batch = new RowBatch(reader.Schema, 8192);
    }

    internal static MemoryStream WriteTable(LogTable table, int zstdLevel, MemoryStream output, CompressionCodec codec = CompressionCodec.Zstd)
    {
        using var writer = new ParquetWriter(output, LogTable.Schema, new ParquetWriterOptions { Compression = codec, CompressionLevel = zstdLevel }, leaveOpen: true);
        foreach (var batch in table.Batches)
        {
            writer.Write(batch);
        }

        return output;
    }

    public void Dispose()
    {
        _output?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark]
    public long Write()
    {
        _output.SetLength(0);
        WriteTable(_table, ZstdLevel, _output);
        return _output.Length;
    }

    [Benchmark]
    public long Read()
    {
        using var reader = ParquetReader.Open(_file);
        long rows = 0;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            reader.ReadRowGroup(g, _batch);
            rows += _batch.RowCount;
        }

        return rows;
    }
}

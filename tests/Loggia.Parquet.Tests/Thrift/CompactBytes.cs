using System.Buffers;
using Loggia.Parquet.Thrift;

namespace Loggia.Parquet.Tests.Thrift;

/// <summary>Builds compact-protocol byte sequences in tests.</summary>
internal static class CompactBytes
{
    public delegate void WriteAction(ref ThriftCompactWriter writer);

    public static byte[] Write(WriteAction action)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new ThriftCompactWriter(buffer);
        action(ref writer);
        return buffer.WrittenSpan.ToArray();
    }
}

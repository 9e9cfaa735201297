using System.Text;
using Loggia.Core.Model;

namespace Loggia.Core.Tests.Model;

public class LogEntryTests
{
    [Fact]
    public void StructuredMetadataSize_CountsUtf8BytesOfNamesAndValues()
    {
        var entry = new LogEntry(1, Encoding.UTF8.GetBytes("line"), new[] { new LabelPair("trace_id", "abc"), new LabelPair("u", "é") });
        Assert.Equal(8 + 3 + 1 + 2, entry.StructuredMetadataSize);
        Assert.Equal(0, new LogEntry(1, ReadOnlyMemory<byte>.Empty).StructuredMetadataSize);
    }
}

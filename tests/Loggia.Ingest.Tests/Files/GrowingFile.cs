using System.Text;

namespace Loggia.Ingest.Tests.Files;

/// <summary>An in-memory file a writer appends to while a reader reads it from its own position, as a tailed log is.</summary>
internal sealed class GrowingFile : IDisposable
{
    public MemoryStream Stream { get; } = new();

    public void Append(string text) => Append(Encoding.UTF8.GetBytes(text));

    public void Append(byte[] bytes)
    {
        var readPosition = Stream.Position;
        Stream.Seek(0, SeekOrigin.End);
        Stream.Write(bytes);
        Stream.Position = readPosition;
    }

    public void Dispose() => Stream.Dispose();
}

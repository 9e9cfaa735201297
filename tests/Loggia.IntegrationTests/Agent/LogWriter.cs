using System.Text;

namespace Loggia.IntegrationTests.Agent;

/// <summary>An application's log file: held open for appends, shared so the agent and rotations are never blocked.</summary>
internal sealed class LogWriter : IDisposable
{
    private readonly FileStream _stream;

    public LogWriter(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
    }

    /// <summary>Appends <paramref name="text"/> in one write, visible to readers at once.</summary>
    public void Write(string text)
    {
        _stream.Write(Encoding.UTF8.GetBytes(text));
        _stream.Flush();
    }

    /// <summary>Appends each line with a newline, in one write.</summary>
    public void WriteLines(IEnumerable<string> lines) => Write(string.Concat(lines.Select(l => l + "\n")));

    /// <summary>Truncates the file to zero in place (the second half of logrotate's copytruncate); later writes start at 0.</summary>
    public void Truncate() => _stream.SetLength(0);

    public void Dispose() => _stream.Dispose();
}

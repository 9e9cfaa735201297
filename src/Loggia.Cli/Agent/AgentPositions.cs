using Loggia.Ingest.Files;

namespace Loggia.Cli.Agent;

/// <summary>
/// The acknowledged positions of the followed files, shared by the tailing and the shipping loops.
/// Only the shipper advances them, after the server acknowledged a batch; each advance is saved
/// before the next batch is read, so a crash repeats at most the unacknowledged lines.
/// </summary>
internal sealed class AgentPositions(string file, Dictionary<string, FilePosition> initial)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, FilePosition> _positions = initial;

    public string File { get; } = file;

    public FilePosition? Get(string path)
    {
        lock (_lock)
        {
            return _positions.TryGetValue(path, out var position) ? position : null;
        }
    }

    /// <summary>Records that everything up to each record's end offset reached the server (records in read order).</summary>
    public void Acknowledge(IReadOnlyList<AgentRecord> records)
    {
        lock (_lock)
        {
            foreach (var record in records)
            {
                _positions[record.Path] = new FilePosition(record.Path, record.Entry.Identity, record.Entry.EndOffset);
            }
        }
    }

    /// <summary>Forgets paths that are no longer there, so the file does not grow with every rotated name.</summary>
    public void Forget(string path)
    {
        lock (_lock)
        {
            _positions.Remove(path);
        }
    }

    public IReadOnlyCollection<string> Paths()
    {
        lock (_lock)
        {
            return [.. _positions.Keys];
        }
    }

    /// <summary>Writes the positions file atomically and durably.</summary>
    public void Save()
    {
        FilePosition[] snapshot;
        lock (_lock)
        {
            snapshot = [.. _positions.Values];
        }

        PositionsFile.Save(File, snapshot);
    }
}

using System.Buffers;
using Loggia.Cli.Commands;
using Loggia.Core.Model;

namespace Loggia.Cli.Agent;

/// <summary>The entries of one push, in read order; encoded grouped by stream.</summary>
internal sealed class AgentBatch
{
    private readonly List<AgentRecord> _records = [];
    private readonly Dictionary<Labels, List<(long, string)>> _streams = [];
    private readonly ArrayBufferWriter<byte> _body = new(64 * 1024);

    public IReadOnlyList<AgentRecord> Records => _records;

    public int Count => _records.Count;

    /// <summary>UTF-16 length of the lines as an estimate of their bytes (what <c>batch_size</c> compares with).</summary>
    public long Bytes { get; private set; }

    public void Add(AgentRecord record)
    {
        _records.Add(record);
        Bytes += record.Entry.Text.Length;
    }

    /// <summary>The JSON push body of the batch (valid until the next call or <see cref="Clear"/>).</summary>
    public ReadOnlyMemory<byte> Encode()
    {
        _streams.Clear();
        foreach (var record in _records)
        {
            if (!_streams.TryGetValue(record.Stream, out var values))
            {
                values = [];
                _streams[record.Stream] = values;
            }

            values.Add((record.Timestamp, record.Entry.Text));
        }

        _body.ResetWrittenCount();
        LokiPushJson.Write(_body, _streams.Select(static s => new LokiPushJson.Stream(s.Key, s.Value)));
        return _body.WrittenMemory;
    }

    public void Clear()
    {
        _records.Clear();
        _streams.Clear();
        Bytes = 0;
    }
}

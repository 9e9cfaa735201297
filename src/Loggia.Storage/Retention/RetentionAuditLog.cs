using System.Text.Json;
using System.Text.Json.Serialization;

namespace Loggia.Storage.Retention;

/// <summary>
/// The append-only audit log of retention (<c>&lt;data&gt;/retention/audit.jsonl</c>): one JSON object per block
/// dropped or rewritten, fsynced before the block's files are deleted, so an operator can always tell what was
/// deleted and why.
/// </summary>
public sealed class RetentionAuditLog
{
    /// <summary>Path of the log relative to the data directory.</summary>
    public const string RelativePath = "retention/audit.jsonl";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private readonly string _path;
    private readonly Lock _lock = new();

    public RetentionAuditLog(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        _path = Path.Combine(dataDirectory, RelativePath);
    }

    /// <summary>Appends <paramref name="record"/> and fsyncs.</summary>
    public void Append(RetentionRecord record)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(record, Json);
        lock (_lock)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            using var file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
            file.Write(line);
            file.WriteByte((byte)'\n');
            file.Flush(flushToDisk: true);
        }
    }

    /// <summary>Every record so far, oldest first (empty when nothing was ever deleted).</summary>
    public IReadOnlyList<RetentionRecord> ReadAll()
    {
        if (!File.Exists(_path))
        {
            return [];
        }
        var records = new List<RetentionRecord>();
        foreach (var line in File.ReadLines(_path))
        {
            if (line.Length > 0)
            {
                records.Add(JsonSerializer.Deserialize<RetentionRecord>(line, Json)
                    ?? throw new InvalidDataException($"{_path}: an empty record"));
            }
        }
        return records;
    }
}

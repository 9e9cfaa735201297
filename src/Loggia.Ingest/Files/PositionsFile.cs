using System.Text.Json;
using Loggia.Core.IO;

namespace Loggia.Ingest.Files;

/// <summary>
/// The agent's positions file: one JSON object, <c>{"version":1,"positions":[{"path","device","inode","offset"}]}</c>.
/// It is replaced atomically (temp file, fsync, rename, directory fsync), so a crash leaves either
/// the old or the new file, never a torn one; a file that does not parse anyway (edited by hand,
/// disk fault) is reported as corrupt and left for the caller to move aside.
/// </summary>
public static class PositionsFile
{
    private const int Version = 1;

    /// <summary>Reads <paramref name="path"/>: true with the positions (none when the file does not exist), false with a reason when it is corrupt.</summary>
    public static bool TryLoad(string path, out Dictionary<string, FilePosition> positions, out string? error)
    {
        positions = new Dictionary<string, FilePosition>(StringComparer.Ordinal);
        error = null;
        if (!File.Exists(path))
        {
            return true;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("version", out var version) || version.GetInt32() != Version
                || !root.TryGetProperty("positions", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                error = "not a version 1 positions file";
                return false;
            }

            foreach (var item in list.EnumerateArray())
            {
                var file = item.GetProperty("path").GetString();
                var offset = item.GetProperty("offset").GetInt64();
                if (string.IsNullOrEmpty(file) || offset < 0)
                {
                    error = "an entry has no path or a negative offset";
                    return false;
                }

                var identity = new FileIdentity(item.GetProperty("device").GetUInt64(), item.GetProperty("inode").GetUInt64());
                positions[file] = new FilePosition(file, identity, offset);
            }

            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            positions.Clear();
            error = e.Message;
            return false;
        }
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="positions"/>, durably.</summary>
    public static void Save(string path, IEnumerable<FilePosition> positions)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                json.WriteStartObject();
                json.WriteNumber("version", Version);
                json.WriteStartArray("positions");
                foreach (var position in positions)
                {
                    json.WriteStartObject();
                    json.WriteString("path", position.Path);
                    json.WriteNumber("device", position.Identity.Device);
                    json.WriteNumber("inode", position.Identity.Inode);
                    json.WriteNumber("offset", position.Offset);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        DirectorySync.Flush(directory);
    }
}

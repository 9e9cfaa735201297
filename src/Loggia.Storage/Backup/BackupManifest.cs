using System.Globalization;
using System.Text.Json;

namespace Loggia.Storage.Backup;

/// <summary>One block of a snapshot: its path (relative, '/' separated), the Parquet file's size and checksum.</summary>
public sealed record BackupBlock(string Path, long Bytes, string Checksum);

/// <summary>
/// What a snapshot holds (<c>manifest.json</c>): when it was taken, its blocks, its WAL segments and state files.
/// Restore copies exactly these blocks and checks each against its checksum.
/// </summary>
public sealed record BackupManifest(DateTimeOffset CreatedAt, IReadOnlyList<BackupBlock> Blocks, int WalSegments, int StateFiles)
{
    /// <summary>The manifest format written by this version.</summary>
    public const int FormatVersion = 1;

    /// <summary>Serializes the manifest as JSON.</summary>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("format", FormatVersion);
            json.WriteString("created_at", CreatedAt.ToString("O", CultureInfo.InvariantCulture));
            json.WriteNumber("wal_segments", WalSegments);
            json.WriteNumber("state_files", StateFiles);
            json.WriteStartArray("blocks");
            foreach (var block in Blocks)
            {
                json.WriteStartObject();
                json.WriteString("path", block.Path);
                json.WriteNumber("bytes", block.Bytes);
                json.WriteString("checksum", block.Checksum);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Reads a manifest; <see cref="InvalidDataException"/> names <paramref name="path"/> when it is not one.</summary>
    public static BackupManifest Read(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            var format = root.GetProperty("format").GetInt32();
            if (format != FormatVersion)
            {
                throw new InvalidDataException($"{path}: manifest format {format} is not supported (this version reads {FormatVersion})");
            }

            var blocks = new List<BackupBlock>();
            foreach (var block in root.GetProperty("blocks").EnumerateArray())
            {
                blocks.Add(new BackupBlock(
                    block.GetProperty("path").GetString() ?? throw new InvalidDataException($"{path}: a block has no path"),
                    block.GetProperty("bytes").GetInt64(),
                    block.GetProperty("checksum").GetString() ?? ""));
            }

            return new BackupManifest(
                DateTimeOffset.Parse(root.GetProperty("created_at").GetString() ?? "", CultureInfo.InvariantCulture),
                blocks,
                root.GetProperty("wal_segments").GetInt32(),
                root.GetProperty("state_files").GetInt32());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path}: not a backup manifest ({e.Message})", e);
        }
    }
}

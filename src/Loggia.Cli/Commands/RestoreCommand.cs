using System.Globalization;
using Loggia.Storage.Backup;

namespace Loggia.Cli.Commands;

/// <summary>
/// <c>loggia restore -from BACKUP -data DIR [-snapshot NAME]</c>: rebuilds a data directory (which must be new or
/// empty) from a snapshot, the newest by default; every block is checked against its checksum. <c>-list</c> prints
/// the snapshots instead.
/// </summary>
internal static class RestoreCommand
{
    private static readonly HashSet<string> Known = ["from", "data", "snapshot"];
    private static readonly HashSet<string> Booleans = ["list"];

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var flags = CliFlags.Parse(args, Known, Booleans);
        var from = flags.Get("from", "");
        var data = flags.Get("data", "");
        if (from.Length > 0 && flags.Has("list"))
        {
            foreach (var name in BackupLayout.Snapshots(from))
            {
                await stdout.WriteLineAsync(name);
            }

            return 0;
        }

        if (from.Length == 0 || data.Length == 0 || flags.Positional.Count > 0)
        {
            await stderr.WriteLineAsync("usage: loggia restore -from BACKUP_DIR -data NEW_DATA_DIR [-snapshot NAME] | loggia restore -from BACKUP_DIR -list");
            return 2;
        }

        var snapshot = flags.Get("snapshot", "") is { Length: > 0 } named ? named : null;
        var summary = await BackupRestorer.RestoreAsync(from, snapshot, data, CancellationToken.None);
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"restored snapshot {summary.Snapshot} into {Path.GetFullPath(data)}: {summary.Blocks} blocks ({summary.BytesCopied / 1e6:F1} MB, checksums verified), {summary.WalSegments} WAL segments, {summary.StateFiles} state files"));
        return 0;
    }
}

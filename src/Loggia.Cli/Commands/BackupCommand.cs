using System.Globalization;
using Loggia.Storage.Backup;

namespace Loggia.Cli.Commands;

/// <summary>
/// <c>loggia backup -data DIR -to BACKUP [-keep N]</c>: a consistent snapshot of a data directory (the server may be
/// running), incremental by block; <c>-keep</c> then deletes all but the newest N snapshots and the blocks only they held.
/// </summary>
internal static class BackupCommand
{
    private static readonly HashSet<string> Known = ["data", "to", "keep"];
    private static readonly HashSet<string> Booleans = [];

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var flags = CliFlags.Parse(args, Known, Booleans);
        var data = flags.Get("data", "");
        var to = flags.Get("to", "");
        if (data.Length == 0 || to.Length == 0 || flags.Positional.Count > 0)
        {
            await stderr.WriteLineAsync("usage: loggia backup -data DIR -to BACKUP_DIR [-keep N]");
            return 2;
        }

        var keep = 0;
        if (flags.Get("keep", "") is { Length: > 0 } keepText && (!int.TryParse(keepText, NumberStyles.None, CultureInfo.InvariantCulture, out keep) || keep < 1))
        {
            await stderr.WriteLineAsync($"invalid -keep '{keepText}': a number of snapshots, at least 1");
            return 2;
        }

        var summary = await BackupWriter.CreateAsync(data, to, TimeProvider.System, CancellationToken.None);
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"snapshot {summary.Snapshot}: {summary.Blocks} blocks ({summary.BlocksCopied} copied, {summary.Blocks - summary.BlocksCopied} already in the backup, {summary.BytesCopied / 1e6:F1} MB), {summary.WalSegments} WAL segments, {summary.StateFiles} state files"));
        if (keep > 0)
        {
            var pruned = BackupWriter.Prune(to, keep);
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"pruned {pruned} old snapshots (keeping {keep})"));
        }

        return 0;
    }
}

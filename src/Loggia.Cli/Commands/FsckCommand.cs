using System.Text.Json;
using Loggia.Storage.Catalog;
using Loggia.Storage.Integrity;
using Loggia.Storage.Wal;

namespace Loggia.Cli.Commands;

/// <summary>
/// <c>loggia fsck [-json] [-quarantine] [-data DIR | DIR]</c>: checks a stopped server's data directory (WAL, blocks,
/// sidecars, catalog; docs/integrity.md), prints one line per finding (or a JSON document), and with
/// <c>-quarantine</c> moves the damaged blocks to <c>&lt;data&gt;/quarantine/</c> and out of the catalog.
/// Exit 0: no problem; 1: problems found (quarantined or not); 2: not run (usage, directory in use, no catalog).
/// </summary>
internal static class FsckCommand
{
    private static readonly HashSet<string> Known = ["data", "common.path-prefix"];
    private static readonly HashSet<string> Booleans = ["json", "quarantine"];

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var flags = CliFlags.Parse(args, Known, Booleans);
        if (flags.Positional.Count > 1)
        {
            await stderr.WriteLineAsync("usage: loggia fsck [-json] [-quarantine] [-data DIR | DIR]");
            return 2;
        }

        var data = Path.GetFullPath(flags.Positional.Count == 1 ? flags.Positional[0] : flags.Get("data", flags.Get("common.path-prefix", "data")));
        var catalogPath = Path.Combine(data, "catalog.db");
        if (!File.Exists(catalogPath))
        {
            await stderr.WriteLineAsync($"fsck: {data} has no catalog.db: not a Loggia data directory");
            return 2;
        }

        // The server holds the WAL lock while it runs; holding it here also keeps a server from starting mid-check.
        if (!TryLock(data, out var held))
        {
            await stderr.WriteLineAsync($"fsck: {data} is in use (wal/{WriteAheadLog.LockFileName} is locked): stop the server first");
            return 2;
        }

        using var dataLock = held;
        SqliteBlockCatalog catalog;
        try
        {
            catalog = await SqliteBlockCatalog.OpenAsync(catalogPath, CancellationToken.None);
        }
        catch (CatalogException e)
        {
            await stdout.WriteLineAsync($"PROBLEM catalog catalog.db: {e.Message}");
            return 1; // without a catalog nothing else can be checked; restore it from a backup
        }

        await using var _ = catalog;
        var report = await DataDirectoryCheck.RunAsync(data, catalog, CancellationToken.None);
        IReadOnlyList<BlockInfo> quarantined = [];
        if (flags.Has("quarantine"))
        {
            quarantined = await BlockQuarantine.RunAsync(data, catalog, report.DamagedBlocks, CancellationToken.None);
        }

        if (flags.Has("json"))
        {
            WriteJson(stdout, data, report, quarantined);
        }
        else
        {
            await WriteTextAsync(stdout, data, report, quarantined);
        }

        return report.IsClean ? 0 : 1;
    }

    /// <summary>Takes the WAL's exclusive lock (flock); false when a running server holds it.</summary>
    private static bool TryLock(string data, out FileStream? held)
    {
        held = null;
        var directory = Path.Combine(data, "wal");
        if (!Directory.Exists(directory))
        {
            return true; // no WAL yet: no server has opened this directory
        }

        try
        {
            held = new FileStream(Path.Combine(directory, WriteAheadLog.LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task WriteTextAsync(TextWriter stdout, string data, FsckReport report, IReadOnlyList<BlockInfo> quarantined)
    {
        foreach (var finding in report.Findings)
        {
            var kind = finding.Severity == FsckSeverity.Problem ? "PROBLEM" : "note";
            await stdout.WriteLineAsync($"{kind} {finding.Area} {finding.Path}: {finding.Message}");
        }

        foreach (var block in quarantined)
        {
            await stdout.WriteLineAsync($"quarantined block {block.Id} ({block.Path}) to {BlockQuarantine.Directory}/");
        }

        var problems = report.Findings.Count(f => f.Severity == FsckSeverity.Problem);
        await stdout.WriteLineAsync(
            $"{data}: {report.WalSegments} WAL segments ({report.WalRecords} records), {report.Blocks} blocks ({report.Rows} rows), {report.TermSegments} term segments checked; " +
            (problems == 0 ? "no problems" : $"{problems} problems, {report.DamagedBlocks.Count} blocks damaged") +
            (quarantined.Count > 0 ? $", {quarantined.Count} blocks quarantined" : ""));
    }

    private static void WriteJson(TextWriter stdout, string data, FsckReport report, IReadOnlyList<BlockInfo> quarantined)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("data", data);
            writer.WriteBoolean("clean", report.IsClean);
            writer.WriteNumber("walSegments", report.WalSegments);
            writer.WriteNumber("walRecords", report.WalRecords);
            writer.WriteNumber("blocks", report.Blocks);
            writer.WriteNumber("rows", report.Rows);
            writer.WriteNumber("termSegments", report.TermSegments);
            writer.WriteStartArray("findings");
            foreach (var finding in report.Findings)
            {
                writer.WriteStartObject();
                writer.WriteString("severity", finding.Severity == FsckSeverity.Problem ? "problem" : "note");
                writer.WriteString("area", finding.Area);
                writer.WriteString("path", finding.Path);
                writer.WriteString("message", finding.Message);
                if (finding.BlockId is { } id)
                {
                    writer.WriteString("block", id);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("quarantined");
            foreach (var block in quarantined)
            {
                writer.WriteStringValue(block.Id);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        stdout.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}

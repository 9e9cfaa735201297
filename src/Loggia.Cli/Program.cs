using System.Collections;
using Loggia.Cli.Agent;
using Loggia.Cli.Commands;
using Loggia.Core;
using Loggia.Server;
using Loggia.Server.Configuration;

return args switch
{
    ["version", ..] or ["--version"] or ["-version"] => PrintVersion(),
    ["server", .. var rest] => await RunServerAsync(rest),
    ["push", .. var rest] => await RunCommandAsync(() => PushCommand.RunAsync(rest, Console.In, Console.Out, Console.Error)),
    ["collect", "journald", .. var rest] => await RunCommandAsync(() => CollectJournaldCommand.RunAsync(rest, Console.Out, Console.Error)),
    ["agent", .. var rest] => await RunCommandAsync(() => AgentCommand.RunAsync(rest, Console.Error)),
    ["query", .. var rest] => await RunCommandAsync(() => QueryCommand.RunAsync(rest, Console.Out, Console.Error)),
    ["terms", .. var rest] => await RunCommandAsync(() => TermsCommand.RunAsync(rest, Console.Out, Console.Error)),
    ["backup", .. var rest] => await RunCommandAsync(() => BackupCommand.RunAsync(rest, Console.Out, Console.Error)),
    ["restore", .. var rest] => await RunCommandAsync(() => RestoreCommand.RunAsync(rest, Console.Out, Console.Error)),
    ["fsck", .. var rest] => await RunCommandAsync(() => FsckCommand.RunAsync(rest, Console.Out, Console.Error)),
    _ => Usage(),
};

static int PrintVersion()
{
    Console.WriteLine($"loggia, version {BuildInfo.Version} (revision: {BuildInfo.Revision})");
    return 0;
}

static async Task<int> RunServerAsync(string[] args)
{
    ConfigLoadResult config;
    try
    {
        config = ConfigLoader.Load(args, ReadEnvironment());
    }
    catch (ConfigException e)
    {
        Console.Error.WriteLine(e.Message);
        return 1;
    }

    await using var app = await LoggiaServer.BuildAsync(config);
    await app.RunAsync();
    return 0;
}

static async Task<int> RunCommandAsync(Func<Task<int>> command)
{
    try
    {
        return await command();
    }
    catch (Exception e) when (e is ArgumentException or HttpRequestException or IOException or FormatException)
    {
        Console.Error.WriteLine(e.Message);
        return 1;
    }
}

static Dictionary<string, string> ReadEnvironment()
{
    var environment = new Dictionary<string, string>(StringComparer.Ordinal);
    foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
    {
        environment[(string)entry.Key] = entry.Value as string ?? "";
    }

    return environment;
}

static int Usage()
{
    Console.Error.WriteLine("usage: loggia <command> [flags]");
    Console.Error.WriteLine("  server    run the server (flags: -config.file, -server.http-listen-port, -common.path-prefix, …; see README)");
    Console.Error.WriteLine("  push      send lines from files or stdin: loggia push -labels '{app=\"x\"}' [files]");
    Console.Error.WriteLine("  query     run a LogQL query: loggia query [-limit 30] [-since 1h] [-o default|raw|jsonl] '<LogQL>'");
    Console.Error.WriteLine("  terms     which hours/days/weeks hold all the terms, and how often: loggia terms [-step 1h|1d|1w] [-since 7d] [-json] <term>...");
    Console.Error.WriteLine("  collect journald   ship a journal: loggia collect journald (--url http://host:3100 | --output DIR) [--file X | --directory D] [--no-follow]");
    Console.Error.WriteLine("  agent     follow files and ship them: loggia agent -config.file agent.yaml | -path '/var/log/*.log' -labels '{job=\"x\"}' -url http://host:3100");
    Console.Error.WriteLine("  backup    snapshot a data directory (online, incremental): loggia backup -data DIR -to BACKUP_DIR [-keep N]");
    Console.Error.WriteLine("  restore   rebuild a data directory from a snapshot: loggia restore -from BACKUP_DIR -data NEW_DIR [-snapshot NAME | -list]");
    Console.Error.WriteLine("  fsck      check a stopped server's data directory: loggia fsck [-json] [-quarantine] [DATA_DIR] (exit 1: problems found)");
    Console.Error.WriteLine("  version   print the version");
    return 2;
}

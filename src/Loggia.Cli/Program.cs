using System.Collections;
using Loggia.Core;
using Loggia.Server;
using Loggia.Server.Configuration;

return args switch
{
    ["version", ..] or ["--version"] or ["-version"] => PrintVersion(),
    ["server", .. var rest] => await RunServerAsync(rest),
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
    Console.Error.WriteLine("  version   print the version");
    return 2;
}

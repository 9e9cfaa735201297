using Loggia.Core;
using Loggia.Server;

return args switch
{
    ["version", ..] or ["--version"] => PrintVersion(),
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
    var app = LoggiaServer.Build("http://127.0.0.1:3100", args);
    await app.RunAsync();
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: loggia <server|version> [options]");
    return 2;
}

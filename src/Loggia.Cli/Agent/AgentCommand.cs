using System.Runtime.InteropServices;
using System.Threading.Channels;
using Loggia.Ingest.Files;
using Microsoft.Extensions.Logging;

namespace Loggia.Cli.Agent;

/// <summary>
/// <c>loggia agent -config.file agent.yaml</c> (or <c>-path '/var/log/*.log' -labels '{job="x"}' -url …</c>):
/// a Promtail-like shipper that follows files and pushes their lines to a Loki-compatible server,
/// resuming after a restart from positions saved only once the server acknowledged (docs/ingest/agent.md).
/// </summary>
internal static class AgentCommand
{
    // Entries read ahead of the shipper; bounds memory and how much a crash can repeat.
    private const int ChannelCapacity = 1000;

    public static async Task<int> RunAsync(string[] args, TextWriter stderr)
    {
        var warnings = new List<string>();
        AgentOptions options;
        try
        {
            options = AgentConfigLoader.Load(args, warnings);
        }
        catch (ArgumentException e)
        {
            await stderr.WriteLineAsync(e.Message);
            return 2;
        }

        using var loggerFactory = LoggerFactory.Create(builder => builder
            .SetMinimumLevel(options.LogLevel)
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                console.UseUtcTimestamp = true;
            }));
        var logger = loggerFactory.CreateLogger("Loggia.Agent");
        foreach (var warning in warnings)
        {
            AgentLog.ConfigWarning(logger, warning);
        }

        var positions = LoadPositions(options, logger, out var startAtEnd);
        using var stop = new CancellationTokenSource();
        using var giveUp = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Stop(context, stop));
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Stop(context, stop));
        // Retries end ShutdownTimeout after the stop signal; unacknowledged lines are then read again after the restart.
        using var afterStop = stop.Token.Register(() => giveUp.CancelAfter(options.ShutdownTimeout));

        using var client = new HttpClient { Timeout = options.Timeout };
        if (options.TenantId.Length > 0)
        {
            client.DefaultRequestHeaders.Add("X-Scope-OrgID", options.TenantId);
        }

        var counters = new AgentCounters();
        var time = TimeProvider.System;
        var channel = Channel.CreateBounded<AgentRecord>(new BoundedChannelOptions(ChannelCapacity) { SingleReader = true, SingleWriter = true });
        using var tailing = new FileTailLoop(options, positions, startAtEnd, counters, time, logger);
        var shipper = new BatchShipper(options, client, positions, counters, time, logger);
        // Only scheme, host and path: user info or a query in the URL could carry credentials.
        var url = new Uri(options.Url);
        var safeUrl = url.Scheme + "://" + url.Authority + url.AbsolutePath;
        AgentLog.Started(logger, safeUrl, options.ScrapeConfigs.Count, positions.File);

        var shipping = Task.Run(() => shipper.RunAsync(channel.Reader, giveUp.Token), CancellationToken.None);
        await tailing.RunAsync(channel.Writer, stop.Token);
        await shipping;
        try
        {
            positions.Save();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            AgentLog.PositionsNotSaved(logger, positions.File, e.Message);
        }

        AgentLog.Stopped(logger, counters.Sent, counters.Dropped, counters.Truncated, counters.Retries);
        return 0;
    }

    private static void Stop(PosixSignalContext context, CancellationTokenSource stop)
    {
        // Graceful: flush and save instead of the runtime's immediate exit.
        context.Cancel = true;
        stop.Cancel();
    }

    private static AgentPositions LoadPositions(AgentOptions options, ILogger logger, out bool startAtEnd)
    {
        startAtEnd = false;
        var file = Path.GetFullPath(options.PositionsFile);
        if (PositionsFile.TryLoad(file, out var loaded, out var error))
        {
            return new AgentPositions(file, loaded);
        }

        // Keep the bad file for a person to look at; start per positions.on_corrupt.
        var moved = file + ".corrupt";
        File.Move(file, moved, overwrite: true);
        startAtEnd = options.OnCorrupt == PositionsOnCorrupt.End;
        AgentLog.PositionsCorrupt(logger, file, error ?? "unreadable", moved, startAtEnd ? "end" : "beginning");
        return new AgentPositions(file, []);
    }
}

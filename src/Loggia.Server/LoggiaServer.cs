using System.Globalization;
using Loggia.Core;
using Loggia.Server.Configuration;
using Loggia.Server.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Loggia.Server;

/// <summary>
/// Composition root of the Loggia server: builds the web host with every endpoint from the loaded configuration.
/// </summary>
public static partial class LoggiaServer
{
    /// <summary>Builds the server host for <paramref name="config"/>.</summary>
    public static WebApplication Build(ConfigLoadResult config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var options = config.Options;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(options.LogLevel switch
        {
            "debug" => LogLevel.Debug,
            "warn" => LogLevel.Warning,
            "error" => LogLevel.Error,
            _ => LogLevel.Information,
        });
        builder.WebHost.UseUrls(string.Create(CultureInfo.InvariantCulture, $"http://{options.HttpListenAddress}:{options.HttpListenPort}"));
        builder.Services.AddSingleton(new PrometheusExporter());
        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Loggia.Server");
        foreach (var warning in config.Warnings)
        {
            LogUnsupportedOption(logger, warning);
        }

        app.MapGet("/ready", () => Results.Text("ready\n"));
        app.MapGet("/metrics", (PrometheusExporter exporter) => Results.Text(exporter.Render(), "text/plain; version=0.0.4; charset=utf-8"));
        app.MapGet("/loki/api/v1/status/buildinfo", () => Results.Json(new BuildInfoResponse(BuildInfo.Version, BuildInfo.Revision, "main", "loggia", "", BuildInfo.RuntimeVersion)));
        return app;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogUnsupportedOption(ILogger logger, string warning);

    private sealed record BuildInfoResponse(string version, string revision, string branch, string buildUser, string buildDate, string goVersion);
}

using Loggia.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace Loggia.Server;

/// <summary>
/// Composition root of the Loggia server: builds the web host with every endpoint.
/// </summary>
public static class LoggiaServer
{
    /// <summary>Builds the server host listening on <paramref name="listenUrl"/>.</summary>
    public static WebApplication Build(string listenUrl, string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.WebHost.UseUrls(listenUrl);
        var app = builder.Build();
        app.MapGet("/ready", () => Results.Text("ready\n"));
        app.MapGet("/loki/api/v1/status/buildinfo", () => Results.Json(new BuildInfoResponse(BuildInfo.Version, BuildInfo.Revision, "main", "loggia", "", BuildInfo.RuntimeVersion)));
        return app;
    }

    private sealed record BuildInfoResponse(string version, string revision, string branch, string buildUser, string buildDate, string goVersion);
}

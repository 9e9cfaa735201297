namespace Loggia.Cli.Commands;

/// <summary>The HTTP client of the CLI commands: server address (<c>-addr</c>, env <c>LOKI_ADDR</c>) and tenant (<c>-org-id</c>).</summary>
internal static class CliHttp
{
    public static HttpClient CreateClient(CliFlags flags)
    {
        var address = flags.Get("addr", flags.Get("url", Environment.GetEnvironmentVariable("LOKI_ADDR") ?? "http://127.0.0.1:3100"));
        var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(5) };
        var tenant = flags.Get("org-id", flags.Get("tenant", Environment.GetEnvironmentVariable("LOKI_ORG_ID") ?? ""));
        if (tenant.Length > 0)
        {
            client.DefaultRequestHeaders.Add("X-Scope-OrgID", tenant);
        }

        return client;
    }
}

using System.Globalization;

namespace Loggia.IntegrationTests.Agent;

/// <summary>Writes an agent YAML file with the short periods that keep the tests fast.</summary>
internal static class AgentConfig
{
    /// <summary>
    /// A config pushing to <paramref name="url"/>, positions in <paramref name="positionsFile"/>, with
    /// <paramref name="scrapeConfigs"/> as the YAML of the <c>scrape_configs</c> list (indented two spaces).
    /// </summary>
    public static string Write(string directory, string url, string positionsFile, string scrapeConfigs, string batchSize = "64KiB", string onCorrupt = "beginning", string maxLineSize = "256KiB")
    {
        var path = Path.Combine(directory, "agent-" + Guid.NewGuid().ToString("N")[..8] + ".yaml");
        var yaml = string.Create(CultureInfo.InvariantCulture, $$"""
            client:
              url: {{url}}
              batch_size: {{batchSize}}
              batch_wait: 100ms
              timeout: 5s
              shutdown_timeout: 5s
              backoff_config: { min_period: 50ms, max_period: 400ms }
            positions:
              filename: {{positionsFile}}
              on_corrupt: {{onCorrupt}}
            target_config:
              sync_period: 200ms
              poll_interval: 50ms
            limits_config:
              max_line_size: {{maxLineSize}}
            server:
              log_level: debug
            scrape_configs:
            {{scrapeConfigs}}
            """);
        File.WriteAllText(path, yaml);
        return path;
    }
}

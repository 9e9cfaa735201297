using Loggia.Core.Model;
using Loggia.Server.Configuration;
using Loggia.Server.Storage;

namespace Loggia.Server.Tests.Configuration;

/// <summary>Loki's retention settings in the YAML file: retention_stream rules and per-tenant overrides.</summary>
public sealed class RetentionConfigTests
{
    private static ConfigLoadResult Load(string yaml) =>
        ConfigLoader.Load(["-config.file=/etc/loki/config.yaml"], new Dictionary<string, string>(), _ => yaml);

    [Fact]
    public void StreamRulesAndOverrides_ResolveAsLoki()
    {
        var result = Load("""
            compactor:
              retention_enabled: true
              retention_delete_delay: 1h
            limits_config:
              retention_period: 744h
              retention_stream:
                - selector: '{namespace="dev"}'
                  priority: 1
                  period: 24h
                - selector: '{container="nginx", level="debug"}'
                  priority: 2
                  period: 48h
            overrides:
              acme:
                retention_period: 2160h
              globex:
                retention_stream:
                  - selector: '{app="audit"}'
                    period: 8760h
            """);

        Assert.True(result.Options.RetentionEnabled);
        Assert.Equal(TimeSpan.FromHours(1), result.Options.RetentionDeleteDelay);
        var policies = new RetentionPolicies(result.Options);
        Assert.Equal(TimeSpan.FromHours(24), policies.For("fake").For(Labels.Parse("{namespace=\"dev\"}")).Period);
        // Both rules match; priority 2 wins although its period is longer.
        Assert.Equal(TimeSpan.FromHours(48), policies.For("fake").For(Labels.Parse("{namespace=\"dev\", container=\"nginx\", level=\"debug\"}")).Period);
        Assert.Equal(TimeSpan.FromHours(744), policies.For("fake").For(Labels.Parse("{namespace=\"prod\"}")).Period);
        // acme overrides the period and keeps the default rules; globex replaces the rules and keeps the period.
        Assert.Equal(TimeSpan.FromHours(2160), policies.For("acme").For(Labels.Parse("{namespace=\"prod\"}")).Period);
        Assert.Equal(TimeSpan.FromHours(24), policies.For("acme").For(Labels.Parse("{namespace=\"dev\"}")).Period);
        Assert.Equal(TimeSpan.FromHours(744), policies.For("globex").For(Labels.Parse("{namespace=\"dev\"}")).Period);
        Assert.Equal(TimeSpan.FromHours(8760), policies.For("globex").For(Labels.Parse("{app=\"audit\"}")).Period);
    }

    [Theory]
    [InlineData("- selector: '{app=\"a\"'\n    period: 24h", "invalid selector")]
    [InlineData("- selector: '{app=\"a\"}'\n    period: soon", "is not a positive duration")]
    [InlineData("- selector: '{app=\"a\"}'\n    period: 24h\n    priority: high", "is not an integer")]
    [InlineData("- period: 24h", "needs a selector")]
    public void InvalidRules_AreConfigErrors(string rule, string message)
    {
        var e = Assert.Throws<ConfigException>(() => Load($"limits_config:\n  retention_stream:\n  {rule}\n"));
        Assert.Contains(e.Errors, error => error.StartsWith("limits_config.retention_stream", StringComparison.Ordinal) && error.Contains(message, StringComparison.Ordinal));
    }
}

using Loggia.Server.Configuration;

namespace Loggia.Server.Tests.Configuration;

public sealed class ConfigLoaderTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    private static ConfigLoadResult Load(string? yaml = null, string[]? args = null, Dictionary<string, string>? environment = null)
    {
        var arguments = new List<string>(args ?? []);
        if (yaml is not null)
        {
            arguments.Insert(0, "-config.file=/etc/loki/config.yaml");
        }

        return ConfigLoader.Load(arguments, environment ?? NoEnvironment, path => path == "/etc/loki/config.yaml" ? yaml! : throw new FileNotFoundException(path));
    }

    [Fact]
    public void NoConfiguration_GivesTheEmbeddedDefaults()
    {
        var result = Load();
        Assert.Equal("127.0.0.1", result.Options.HttpListenAddress);
        Assert.Equal(3100, result.Options.HttpListenPort);
        Assert.Equal("./data", result.Options.DataDirectory);
        Assert.False(result.Options.AuthEnabled);
        Assert.Equal("fsync", result.Options.WalSyncMode);
        Assert.Equal(256 * 1024, result.Options.Limits.MaxLineSizeBytes);
        Assert.Equal(TimeSpan.FromDays(7), result.Options.Limits.RejectOldSamplesMaxAge);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void LokiStyleYaml_IsApplied_AndUnsupportedOptionsAreReportedOnce()
    {
        const string yaml = """
            auth_enabled: true
            server:
              http_listen_address: 0.0.0.0
              http_listen_port: 3200
              grpc_listen_port: 9096
            common:
              path_prefix: /var/lib/loggia
              replication_factor: 1
            limits_config:
              max_line_size: 512KB
              reject_old_samples_max_age: 168h
              retention_period: 30d
            schema_config:
              configs:
                - from: 2020-10-24
                  store: tsdb
            """;
        var result = Load(yaml);
        Assert.True(result.Options.AuthEnabled);
        Assert.Equal("0.0.0.0", result.Options.HttpListenAddress);
        Assert.Equal(3200, result.Options.HttpListenPort);
        Assert.Equal("/var/lib/loggia", result.Options.DataDirectory);
        Assert.Equal(512 * 1024, result.Options.Limits.MaxLineSizeBytes);
        Assert.Equal(TimeSpan.FromHours(168), result.Options.Limits.RejectOldSamplesMaxAge);
        Assert.Equal(TimeSpan.FromDays(30), result.Options.Limits.RetentionPeriod);
        Assert.Equal(
            [
                "config: option 'server.grpc_listen_port' is not supported by Loggia and is ignored",
                "config: option 'common.replication_factor' is not supported by Loggia and is ignored",
                "config: section 'schema_config' is not supported by Loggia and is ignored",
            ],
            result.Warnings);
    }

    [Fact]
    public void Precedence_IsDefaultsThenYamlThenEnvironmentThenFlags()
    {
        const string yaml = """
            server:
              http_listen_port: 3200
            common:
              path_prefix: /from/yaml
            limits_config:
              max_label_names_per_series: 20
            """;
        var environment = new Dictionary<string, string>
        {
            ["LOGGIA_SERVER_HTTP_LISTEN_PORT"] = "3300",
            ["LOGGIA_COMMON_PATH_PREFIX"] = "/from/env",
        };
        var result = Load(yaml, ["-common.path-prefix", "/from/flag", "--wal.sync-mode=none", "-auth.enabled"], environment);
        Assert.Equal(3300, result.Options.HttpListenPort);
        Assert.Equal("/from/flag", result.Options.DataDirectory);
        Assert.Equal(20, result.Options.Limits.MaxLabelNamesPerSeries);
        Assert.Equal("none", result.Options.WalSyncMode);
        Assert.True(result.Options.AuthEnabled);
    }

    [Fact]
    public void ExpandEnv_ReplacesVariablesAndDefaults_OnlyWhenAsked()
    {
        const string yaml = """
            common:
              path_prefix: ${DATA_DIR}
            server:
              http_listen_port: ${PORT:-3999}
            """;
        var environment = new Dictionary<string, string> { ["DATA_DIR"] = "/srv/logs" };
        var expanded = Load(yaml, ["-config.expand-env=true"], environment);
        Assert.Equal("/srv/logs", expanded.Options.DataDirectory);
        Assert.Equal(3999, expanded.Options.HttpListenPort);

        var error = Assert.Throws<ConfigException>(() => Load(yaml, [], environment));
        Assert.Contains("server.http_listen_port", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidValues_AreAllReportedTogether_WithWhereTheyCameFrom()
    {
        const string yaml = """
            server:
              http_listen_port: 70000
            limits_config:
              max_line_size: lots
              query_timeout: soon
            """;
        var error = Assert.Throws<ConfigException>(() => Load(yaml, ["-wal.sync-mode=sometimes"]));
        Assert.Equal(4, error.Errors.Count);
        Assert.Contains(error.Errors, e => e.StartsWith("server.http_listen_port (from /etc/loki/config.yaml line 2)", StringComparison.Ordinal) && e.Contains("0 to 65535", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("limits_config.max_line_size", StringComparison.Ordinal) && e.Contains("'lots'", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("limits_config.query_timeout", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("wal.sync_mode (from flag -wal.sync-mode)", StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownFlag_IsAnError_AsInLoki()
    {
        var error = Assert.Throws<ConfigException>(() => Load(args: ["-ingester.no-such-thing=1"]));
        Assert.Contains("flag provided but not defined: -ingester.no-such-thing", error.Message, StringComparison.Ordinal);
        var missing = Assert.Throws<ConfigException>(() => Load(args: ["-server.http-listen-port"]));
        Assert.Contains("flag needs an argument: -server.http-listen-port", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BrokenYaml_ReportsLineAndColumn()
    {
        var error = Assert.Throws<ConfigException>(() => Load("server:\n  http_listen_port: [3100\n"));
        Assert.Contains("invalid YAML at line", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BloomFalsePositiveRate_DefaultsToOnePercent_IsSetByYamlOrFlag_AndMustBeBelowOne()
    {
        Assert.Equal(0.01, Load().Options.BloomFalsePositiveRate);
        Assert.Equal(0.05, Load("storage:\n  bloom_false_positive_rate: 0.05\n").Options.BloomFalsePositiveRate);
        Assert.Equal(0, Load(args: ["-storage.bloom-false-positive-rate=0"]).Options.BloomFalsePositiveRate);
        var error = Assert.Throws<ConfigException>(() => Load(args: ["-storage.bloom-false-positive-rate=1.5"]));
        Assert.Contains("'1.5' is not a rate in [0, 1)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingConfigFile_IsAClearError()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(["-config.file=/nonexistent/loggia.yaml"], NoEnvironment));
        Assert.Contains("cannot read config file /nonexistent/loggia.yaml", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Syslog_DefaultsYamlEnvironmentAndFlags()
    {
        var defaults = Load().Options.Syslog;
        Assert.Equal((1514, 1514, "fake", 64 * 1024L), (defaults.TcpListenPort, defaults.UdpListenPort, defaults.Tenant, defaults.MaxMessageBytes));

        var options = Load(
            yaml: "syslog:\n  tcp_listen_port: 6514\n  tenant: infra\n  max_message_size: 8KiB\n  tls_cert_file: /c.pem\n  tls_key_file: /k.pem\n",
            args: ["-syslog.udp-listen-port=-1"],
            environment: new Dictionary<string, string> { ["LOGGIA_SYSLOG_LISTEN_ADDRESS"] = "0.0.0.0" }).Options.Syslog;
        Assert.Equal((6514, -1, "infra", 8192L, "/c.pem", "/k.pem", "0.0.0.0"),
            (options.TcpListenPort, options.UdpListenPort, options.Tenant, options.MaxMessageBytes, options.TlsCertFile, options.TlsKeyFile, options.ListenAddress));

        var error = Assert.Throws<ConfigException>(() => Load(args: ["-syslog.tenant=a/b", "-syslog.tcp-listen-port=-2"]));
        Assert.Contains("syslog.tenant", error.Message, StringComparison.Ordinal);
        Assert.Contains("syslog.tcp_listen_port", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryOption_HasADistinctFlagAndPath_AndIsDocumentedInTheReadme()
    {
        var readme = File.ReadAllText(Path.Combine(RepoRoot(), "README.md"));
        var paths = new HashSet<string>();
        var flags = new HashSet<string>();
        foreach (var option in ConfigOptions.All)
        {
            Assert.True(paths.Add(option.YamlPath), option.YamlPath);
            Assert.True(flags.Add(option.Flag), option.Flag);
            Assert.Contains($"`{option.YamlPath}`", readme, StringComparison.Ordinal);
            Assert.Contains($"`-{option.Flag}`", readme, StringComparison.Ordinal);
        }
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Loggia.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found");
    }
}

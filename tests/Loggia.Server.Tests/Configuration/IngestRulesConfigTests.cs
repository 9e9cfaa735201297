using Loggia.Core.Model;
using Loggia.Server.Configuration;
using Loggia.Server.Ingest.Rules;

namespace Loggia.Server.Tests.Configuration;

/// <summary>The <c>ingest_rules</c> section of the YAML file and the file the runtime patterns persist in.</summary>
public sealed class IngestRulesConfigTests
{
    private static ConfigLoadResult Load(string yaml) =>
        ConfigLoader.Load(["-config.file=/etc/loggia/config.yaml"], new Dictionary<string, string>(), _ => yaml);

    [Fact]
    public void Rules_AreReadWithEveryField()
    {
        var result = Load("""
            limits_config:
              max_rule_label_values: 50
            ingest_rules:
              - name: nginx
                sources: [syslog, loki]
                selector: '{service_name="nginx"}'
                regex: '^(?P<ip>\S+) \S+ \S+ \[(?P<ts>[^\]]+)\] "(?P<method>\S+)'
                labels: [method]
                structured_metadata: [ip]
                timestamp:
                  source: ts
                  format: 02/Jan/2006:15:04:05 -0700
              - name: app-json
                pipeline: '| json | line_format "{{.msg}}"'
                labels: [level]
                replace_line: true
            """);

        Assert.Equal(50, result.Options.Limits.MaxRuleLabelValues);
        Assert.Equal(2, result.Options.IngestRules.Count);
        var nginx = result.Options.IngestRules[0];
        Assert.Equal([IngestSource.Syslog, IngestSource.Loki], nginx.Sources);
        Assert.Equal("{service_name=\"nginx\"}", nginx.Selector);
        Assert.Equal(@"| regexp `^(?P<ip>\S+) \S+ \S+ \[(?P<ts>[^\]]+)\] ""(?P<method>\S+)`", nginx.Pipeline);
        Assert.Equal(["method"], nginx.Labels);
        Assert.Equal(["ip"], nginx.StructuredMetadata);
        Assert.Equal("ts", nginx.TimestampSource);
        Assert.Equal("02/Jan/2006:15:04:05 -0700", nginx.TimestampFormat);
        Assert.False(nginx.ReplaceLine);
        Assert.True(result.Options.IngestRules[1].ReplaceLine);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void InvalidRules_AreAllReportedWithTheirLines()
    {
        var e = Assert.Throws<ConfigException>(() => Load("""
            ingest_rules:
              - name: a
                pipeline: '| json'
                labels: [level]
              - name: a
                pipeline: '| logfmt'
                labels: [level]
              - name: b
                sources: [carrier-pigeon]
                pipeline: '| json'
                labels: [level]
              - name: c
                pipeline: '| json'
                regex: '(?P<x>.)'
                labels: [x]
              - name: d
                pipeline: '| regexp "(?P<x"'
                labels: [x]
            """));

        Assert.Contains("ingest_rules (from /etc/loggia/config.yaml line 5): rule name 'a' is used twice", e.Message, StringComparison.Ordinal);
        Assert.Contains("line 8): unknown source 'carrier-pigeon'", e.Message, StringComparison.Ordinal);
        Assert.Contains("line 12): rule 'c': give either 'pipeline' or 'regex', not both", e.Message, StringComparison.Ordinal);
        Assert.Contains("line 16): rule 'd':", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PatternStore_PersistsPerTenant_AcrossReopen()
    {
        var data = Directory.CreateTempSubdirectory("loggia-patterns-").FullName;
        try
        {
            var store = IngestPatternStore.Open(data);
            var ann = TenantId.Create("ann");
            var rule = IngestRule.Compile(new IngestRuleDefinition { Name = "users", Pipeline = "| logfmt", Labels = ["user"], TimestampSource = "t", TimestampFormat = "UnixMs" });
            Assert.False(store.Put(ann, rule));
            Assert.True(store.Put(ann, IngestRule.Compile(rule.Definition with { Labels = ["user", "level"] })));
            store.Put(TenantId.Create("bob"), IngestRule.Compile(new IngestRuleDefinition { Name = "other", Pipeline = "| json", Labels = ["level"] }));
            Assert.True(store.Delete(TenantId.Create("bob"), "other"));
            Assert.False(store.Delete(TenantId.Create("bob"), "other"));

            var reopened = IngestPatternStore.Open(data);

            var kept = Assert.Single(reopened.For(ann));
            Assert.Equal(["user", "level"], kept.Definition.Labels);
            Assert.Equal("t", kept.Definition.TimestampSource);
            Assert.Equal("UnixMs", kept.Definition.TimestampFormat);
            Assert.Empty(reopened.For(TenantId.Create("bob")));
            Assert.False(File.Exists(store.Path + ".tmp"));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public void PatternStore_ThatCannotBeRead_FailsWithThePath()
    {
        var data = Directory.CreateTempSubdirectory("loggia-patterns-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(data, "ingest"));
            File.WriteAllText(Path.Combine(data, "ingest", "patterns.json"), "{\"tenants\":{\"a\":[{\"name\":\"x\"}]}}");
            var e = Assert.Throws<IngestRuleException>(() => IngestPatternStore.Open(data));
            Assert.Contains("patterns.json: cannot read the ingest patterns", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}

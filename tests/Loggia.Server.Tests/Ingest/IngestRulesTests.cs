using Loggia.Core.Model;
using Loggia.Server.Ingest.Rules;

namespace Loggia.Server.Tests.Ingest;

/// <summary>Which rules a tenant's pushes get: the config file's first, then its runtime patterns as they change.</summary>
public sealed class IngestRulesTests : IDisposable
{
    private static readonly TenantId Tenant = TenantId.Create("t1");
    private static readonly TenantId Other = TenantId.Create("t2");

    private readonly string _data = Directory.CreateTempSubdirectory("loggia-rules-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public void ConfiguredRulesComeFirst_AndPatternChangesApplyToTheNextPush()
    {
        var store = IngestPatternStore.Open(_data);
        var rules = new IngestRules([Rule("config-json", "| json")], store, new LabelCardinalityGuard(10));

        Assert.Equal(["config-json"], Names(rules.For(Tenant)));

        store.Put(Tenant, Rule("api-logfmt", "| logfmt"));
        Assert.Equal(["config-json", "api-logfmt"], Names(rules.For(Tenant)));
        Assert.Equal(["config-json", "api-logfmt"], Names(rules.For(Tenant)));
        Assert.Equal(["config-json"], Names(rules.For(Other)));

        store.Put(Tenant, Rule("api-regex", "| regexp \"(?P<level>[a-z]+)\""));
        Assert.Equal(["config-json", "api-logfmt", "api-regex"], Names(rules.For(Tenant)));

        store.Delete(Tenant, "api-logfmt");
        Assert.Equal(["config-json", "api-regex"], Names(rules.For(Tenant)));
    }

    [Fact]
    public void ConfiguredRules_AreFoundByName()
    {
        var rules = new IngestRules([Rule("a", "| json"), Rule("b", "| logfmt")], null, new LabelCardinalityGuard(10));

        Assert.Equal("b", rules.FindConfigured("b")?.Name);
        Assert.Null(rules.FindConfigured("B"));
        Assert.Null(rules.FindConfigured("missing"));
    }

    private static IngestRule Rule(string name, string pipeline) =>
        IngestRule.Compile(new IngestRuleDefinition { Name = name, Pipeline = pipeline, Labels = ["level"] });

    private static List<string> Names(IReadOnlyList<IngestRule> rules) => [.. rules.Select(r => r.Name)];
}

using System.Text.Json;
using Loggia.Core.IO;
using Loggia.Core.Model;

namespace Loggia.Server.Ingest.Rules;

/// <summary>
/// The extraction patterns managed at runtime over <c>/api/v1/patterns</c>, per tenant, persisted in one JSON file
/// (<c>&lt;data&gt;/ingest/patterns.json</c>) that is replaced atomically on every change, so a crash leaves the
/// previous or the new set. Readers get an immutable snapshot; writers are serialised.
/// </summary>
public sealed class IngestPatternStore
{
    private readonly string _path;
    private readonly Lock _writeLock = new();
    private volatile Dictionary<string, IReadOnlyList<IngestRule>> _byTenant;

    private IngestPatternStore(string path, Dictionary<string, IReadOnlyList<IngestRule>> byTenant)
    {
        _path = path;
        _byTenant = byTenant;
    }

    /// <summary>The file the patterns live in.</summary>
    public string Path => _path;

    /// <summary>Opens (or starts) the store in <paramref name="dataDirectory"/>.</summary>
    /// <exception cref="IngestRuleException">The file exists but cannot be read as patterns.</exception>
    public static IngestPatternStore Open(string dataDirectory)
    {
        var path = System.IO.Path.Combine(dataDirectory, "ingest", "patterns.json");
        var byTenant = new Dictionary<string, IReadOnlyList<IngestRule>>(StringComparer.Ordinal);
        if (File.Exists(path))
        {
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllBytes(path));
                foreach (var tenant in document.RootElement.GetProperty("tenants").EnumerateObject())
                {
                    var rules = new List<IngestRule>();
                    foreach (var rule in tenant.Value.EnumerateArray())
                    {
                        rules.Add(IngestRule.Compile(IngestRuleJson.Read(rule)));
                    }

                    byTenant[tenant.Name] = rules;
                }
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IngestRuleException)
            {
                throw new IngestRuleException($"{path}: cannot read the ingest patterns: {e.Message}", e);
            }
        }

        return new IngestPatternStore(path, byTenant);
    }

    /// <summary>The tenant's patterns in the order they were added.</summary>
    public IReadOnlyList<IngestRule> For(TenantId tenant) =>
        _byTenant.TryGetValue(tenant.Value, out var rules) ? rules : [];

    /// <summary>Adds or replaces (by name) a pattern of <paramref name="tenant"/>; true when it replaced one. Durable on return.</summary>
    public bool Put(TenantId tenant, IngestRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        lock (_writeLock)
        {
            var rules = new List<IngestRule>(For(tenant));
            var index = rules.FindIndex(r => r.Name == rule.Name);
            if (index >= 0)
            {
                rules[index] = rule;
            }
            else
            {
                rules.Add(rule);
            }

            Publish(tenant, rules);
            return index >= 0;
        }
    }

    /// <summary>Removes the pattern called <paramref name="name"/>; false when the tenant has none by that name. Durable on return.</summary>
    public bool Delete(TenantId tenant, string name)
    {
        lock (_writeLock)
        {
            var rules = new List<IngestRule>(For(tenant));
            if (rules.RemoveAll(r => r.Name == name) == 0)
            {
                return false;
            }

            Publish(tenant, rules);
            return true;
        }
    }

    private void Publish(TenantId tenant, List<IngestRule> rules)
    {
        var next = new Dictionary<string, IReadOnlyList<IngestRule>>(_byTenant, StringComparer.Ordinal);
        if (rules.Count == 0)
        {
            next.Remove(tenant.Value);
        }
        else
        {
            next[tenant.Value] = rules;
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", 1);
            writer.WriteStartObject("tenants");
            foreach (var (name, tenantRules) in next)
            {
                writer.WriteStartArray(name);
                foreach (var rule in tenantRules)
                {
                    IngestRuleJson.Write(writer, rule.Definition);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        // Durable first, visible second: a pattern that was acknowledged survives a crash.
        AtomicFile.WriteAllBytes(_path, buffer.WrittenSpan);
        _byTenant = next;
    }
}

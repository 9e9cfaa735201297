using System.Text;

namespace Loggia.Ingest.Otlp;

/// <summary>
/// Loki 3's naming rules for OpenTelemetry attributes: which resource attributes become stream labels, how
/// attribute names become label names, and how <c>service_name</c> is found.
/// </summary>
public static class OtlpLabelNames
{
    /// <summary>The stream label that names the service.</summary>
    public const string ServiceName = "service_name";

    /// <summary>The <c>service_name</c> value when a resource names no service (Loki's <c>ServiceUnknown</c>).</summary>
    public const string UnknownService = "unknown_service";

    /// <summary>The resource attribute that names the service.</summary>
    public const string ServiceNameAttribute = "service.name";

    /// <summary>
    /// Resource attributes stored as stream labels by default (Loki's <c>default_resource_attributes_as_index_labels</c>;
    /// both spellings of the deployment environment, the older one and the semantic conventions' current
    /// <c>deployment.environment.name</c>). Every other resource attribute is structured metadata.
    /// </summary>
    public static IReadOnlyList<string> DefaultIndexAttributes { get; } =
    [
        "service.name",
        "service.namespace",
        "service.instance.id",
        "deployment.environment",
        "deployment.environment.name",
        "cloud.region",
        "cloud.availability_zone",
        "k8s.cluster.name",
        "k8s.namespace.name",
        "k8s.pod.name",
        "k8s.container.name",
        "container.name",
        "k8s.replicaset.name",
        "k8s.deployment.name",
        "k8s.statefulset.name",
        "k8s.daemonset.name",
        "k8s.cronjob.name",
        "k8s.job.name",
    ];

    /// <summary>
    /// Labels that name the service when <c>service.name</c> is absent (Loki's <c>discover_service_name</c>
    /// default); the first index label, in resource order, whose name is listed here gives <c>service_name</c>.
    /// </summary>
    public static IReadOnlyList<string> ServiceNameDiscoveryLabels { get; } =
    [
        "service", "app", "application", "app_name", "name", "app_kubernetes_io_name", "container", "container_name",
        "k8s_container_name", "component", "workload", "job", "k8s_job_name",
    ];

    private static readonly HashSet<string> IndexSet = new(DefaultIndexAttributes, StringComparer.Ordinal);
    private static readonly HashSet<string> DiscoverySet = new(ServiceNameDiscoveryLabels, StringComparer.Ordinal);

    /// <summary>Whether a resource attribute (its name as sent) is a stream label by default.</summary>
    public static bool IsIndexAttribute(string attributeName) => IndexSet.Contains(attributeName);

    /// <summary>Whether a label may name the service when <c>service.name</c> is absent.</summary>
    public static bool IsServiceNameDiscoveryLabel(string labelName) => DiscoverySet.Contains(labelName);

    /// <summary>
    /// Turns an attribute name into a label name as Loki does (Prometheus' <c>NormalizeLabel</c>): every character
    /// other than ASCII letters, digits and <c>_</c> becomes <c>_</c>; a leading digit gets <c>key_</c> in front; a
    /// single leading <c>_</c> gets <c>key</c> in front (<c>__</c> is kept). <c>service.name</c> → <c>service_name</c>.
    /// </summary>
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            return name;
        }

        bool clean = true;
        foreach (char c in name)
        {
            if (!IsLabelChar(c))
            {
                clean = false;
                break;
            }
        }

        string sanitized = clean ? name : Sanitize(name);
        if (char.IsAsciiDigit(sanitized[0]))
        {
            return "key_" + sanitized;
        }

        if (sanitized[0] == '_' && (sanitized.Length == 1 || sanitized[1] != '_'))
        {
            return "key" + sanitized;
        }

        return sanitized;
    }

    /// <summary>Joins a flattened map attribute's prefix and key (Loki: <c>prefix_key</c>, normalized again).</summary>
    public static string Join(string prefix, string key) => prefix.Length == 0 ? Normalize(key) : Normalize(prefix + "_" + key);

    private static bool IsLabelChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static string Sanitize(string name)
    {
        // One '_' per Unicode scalar (a surrogate pair is one rune, as in Go's strings.Map).
        var builder = new StringBuilder(name.Length);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]))
            {
                i++;
                builder.Append('_');
                continue;
            }

            builder.Append(IsLabelChar(c) ? c : '_');
        }

        return builder.ToString();
    }
}

namespace Loggia.Server.Configuration;

/// <summary>
/// One setting: where it lives in the YAML file, its Loki-style flag and its environment variable,
/// and how a text value is applied. The table of all options (<see cref="ConfigOptions.All"/>) is the
/// single source for loading, validation and the configuration reference.
/// </summary>
/// <param name="YamlPath">Dotted path in the YAML file, e.g. <c>server.http_listen_port</c>.</param>
/// <param name="Flag">Flag name without the leading dash, e.g. <c>server.http-listen-port</c>.</param>
/// <param name="Help">One line for the reference.</param>
/// <param name="Apply">Parses and stores a value; returns an error message or null.</param>
/// <param name="Show">Renders the current value (for the reference and <c>loggia config</c>).</param>
public sealed record ConfigOption(string YamlPath, string Flag, string Help, Func<LoggiaOptions, string, string?> Apply, Func<LoggiaOptions, string> Show)
{
    /// <summary>The environment variable: <c>LOGGIA_</c> + the YAML path upper-cased with dots as underscores.</summary>
    public string EnvironmentVariable => "LOGGIA_" + YamlPath.Replace('.', '_').ToUpperInvariant();

    /// <summary>Whether the flag takes no value (<c>-auth.enabled</c> alone means true).</summary>
    public bool IsBoolean { get; init; }
}

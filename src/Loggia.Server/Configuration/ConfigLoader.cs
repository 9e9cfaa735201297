using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Loggia.Server.Configuration;

/// <summary>What loading produced: the options, and warnings to log once at start.</summary>
/// <param name="Options">The effective options.</param>
/// <param name="Warnings">Options present but not supported by Loggia (ignored), one message each.</param>
/// <param name="ConfigFile">The YAML file read, if any.</param>
public sealed record ConfigLoadResult(LoggiaOptions Options, IReadOnlyList<string> Warnings, string? ConfigFile);

/// <summary>
/// Loads <see cref="LoggiaOptions"/> the way a Loki user expects: embedded defaults, then the YAML
/// file of <c>-config.file</c> (Loki's structure; <c>-config.expand-env=true</c> expands
/// <c>${VAR}</c> and <c>${VAR:-default}</c>), then <c>LOGGIA_*</c> environment variables, then flags
/// (<c>-server.http-listen-port=3100</c> or <c>-server.http-listen-port 3100</c>). Every invalid
/// value is reported together; options Loggia does not support are reported once as warnings.
/// </summary>
public static partial class ConfigLoader
{
    private const string ConfigFileFlag = "config.file";
    private const string ExpandEnvFlag = "config.expand-env";

    /// <summary>Loads the configuration; throws <see cref="ConfigException"/> listing every problem.</summary>
    public static ConfigLoadResult Load(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment, Func<string, string>? readFile = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        readFile ??= File.ReadAllText;
        var errors = new List<string>();
        var warnings = new List<string>();
        var flags = ParseFlags(args, errors);
        var options = new LoggiaOptions();

        var configFile = flags.GetValueOrDefault(ConfigFileFlag) ?? environment.GetValueOrDefault("LOGGIA_CONFIG_FILE");
        if (configFile is not null)
        {
            var expand = flags.TryGetValue(ExpandEnvFlag, out var expandText) && expandText != "false";
            ApplyYaml(configFile, readFile, expand, environment, options, errors, warnings);
        }

        foreach (var option in ConfigOptions.All)
        {
            if (environment.TryGetValue(option.EnvironmentVariable, out var value))
            {
                Apply(option, value, $"environment variable {option.EnvironmentVariable}", options, errors);
            }
        }

        foreach (var (name, value) in flags)
        {
            if (name is ConfigFileFlag or ExpandEnvFlag)
            {
                continue;
            }

            var option = FindByFlag(name);
            if (option is not null)
            {
                Apply(option, value, $"flag -{name}", options, errors);
            }
        }

        if (errors.Count > 0)
        {
            throw new ConfigException(errors);
        }

        return new ConfigLoadResult(options, warnings, configFile);
    }

    private static ConfigOption? FindByFlag(string flag)
    {
        foreach (var option in ConfigOptions.All)
        {
            if (option.Flag == flag)
            {
                return option;
            }
        }

        return null;
    }

    private static void Apply(ConfigOption option, string value, string source, LoggiaOptions options, List<string> errors)
    {
        var error = option.Apply(options, value.Trim());
        if (error is not null)
        {
            errors.Add($"{option.YamlPath} (from {source}): {error}");
        }
    }

    /// <summary>Parses Go-style flags; unknown flags are errors, as in Loki.</summary>
    private static Dictionary<string, string> ParseFlags(IReadOnlyList<string> args, List<string> errors)
    {
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-') || arg is "-" or "--")
            {
                errors.Add($"unexpected argument '{arg}' (flags look like -server.http-listen-port=3100)");
                continue;
            }

            var body = arg.TrimStart('-');
            var equals = body.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? body : body[..equals];
            var option = FindByFlag(name);
            var isBoolean = option?.IsBoolean == true || name == ExpandEnvFlag;
            if (option is null && name is not (ConfigFileFlag or ExpandEnvFlag))
            {
                errors.Add($"flag provided but not defined: -{name}");
                continue;
            }

            string value;
            if (equals >= 0)
            {
                value = body[(equals + 1)..];
            }
            else if (isBoolean)
            {
                value = "true";
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                errors.Add($"flag needs an argument: -{name}");
                continue;
            }

            flags[name] = value;
        }

        return flags;
    }

    private static void ApplyYaml(
        string path, Func<string, string> readFile, bool expandEnvironment, IReadOnlyDictionary<string, string> environment,
        LoggiaOptions options, List<string> errors, List<string> warnings)
    {
        string text;
        try
        {
            text = readFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add($"cannot read config file {path}: {e.Message}");
            return;
        }

        if (expandEnvironment)
        {
            text = EnvironmentReference().Replace(text, match =>
                environment.TryGetValue(match.Groups["name"].Value, out var value) ? value
                : match.Groups["default"].Success ? match.Groups["default"].Value : "");
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            errors.Add($"config file {path}: invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}");
            return;
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return;
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            errors.Add($"config file {path}: the top level must be a mapping of sections");
            return;
        }

        var knownSections = new HashSet<string>(StringComparer.Ordinal);
        foreach (var option in ConfigOptions.All)
        {
            knownSections.Add(option.YamlPath.Split('.')[0]);
        }

        Walk(root, "", options, errors, warnings, knownSections, path);
    }

    private static void Walk(YamlMappingNode mapping, string prefix, LoggiaOptions options, List<string> errors, List<string> warnings, HashSet<string> knownSections, string file)
    {
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            var path = prefix.Length == 0 ? key : prefix + "." + key;
            if (prefix.Length == 0 && key == RetentionConfig.OverridesSection)
            {
                RetentionConfig.ParseOverrides(valueNode, options, file, errors, warnings);
                continue;
            }

            if (prefix.Length == 0 && key == IngestRulesConfig.Section)
            {
                options.IngestRules = IngestRulesConfig.Parse(valueNode, file, errors);
                continue;
            }

            if (prefix.Length == 0 && !knownSections.Contains(key))
            {
                warnings.Add($"config: section '{key}' is not supported by Loggia and is ignored");
                continue;
            }

            switch (valueNode)
            {
                case YamlMappingNode child:
                    Walk(child, path, options, errors, warnings, knownSections, file);
                    break;
                case YamlScalarNode scalar:
                    var option = FindByPath(path);
                    if (option is null)
                    {
                        warnings.Add($"config: option '{path}' is not supported by Loggia and is ignored");
                    }
                    else if (scalar.Value is { } value && !(scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && value is "~" or "null"))
                    {
                        Apply(option, value, $"{file} line {scalar.Start.Line}", options, errors);
                    }

                    break;
                case YamlSequenceNode list when path == "limits_config.retention_stream":
                    options.Limits.RetentionStream = RetentionConfig.ParseStreams(list, path, file, errors);
                    break;
                default:
                    warnings.Add($"config: option '{path}' is not supported by Loggia and is ignored");
                    break;
            }
        }
    }

    private static ConfigOption? FindByPath(string path)
    {
        foreach (var option in ConfigOptions.All)
        {
            if (option.YamlPath == path)
            {
                return option;
            }
        }

        return null;
    }

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?<default>[^}]*))?\}")]
    private static partial Regex EnvironmentReference();
}

using System.Globalization;
using Loggia.Cli.Commands;
using Loggia.Core.Model;
using Loggia.Core.Units;
using Loggia.Ingest.Files;
using Microsoft.Extensions.Logging;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Loggia.Cli.Agent;

/// <summary>
/// Reads <c>loggia agent</c>'s configuration: the YAML file of <c>-config.file</c> (docs/ingest/agent.md),
/// then the one-off flags (<c>-url</c>, <c>-path</c>, <c>-labels</c>, …), which win. Every problem is
/// collected and reported at once as an <see cref="ArgumentException"/>; unknown YAML keys are warnings.
/// </summary>
internal static class AgentConfigLoader
{
    private static readonly HashSet<string> Known = ["config.file", "url", "addr", "tenant", "org-id", "path", "exclude", "labels", "positions.file", "log.level", "batch-size", "batch-wait"];

    public static AgentOptions Load(IReadOnlyList<string> args, List<string> warnings)
    {
        var flags = CliFlags.Parse(args, Known, new HashSet<string>());
        var options = new AgentOptions();
        var errors = new List<string>();
        if (flags.Get("config.file", "") is { Length: > 0 } file)
        {
            LoadYaml(file, options, errors, warnings);
        }

        ApplyFlags(flags, options, errors);
        if (options.ScrapeConfigs.Count == 0)
        {
            errors.Add("no files to follow: give scrape_configs in -config.file or -path");
        }

        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            errors.Add($"client.url '{options.Url}' is not an http(s) URL");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid agent configuration:\n  " + string.Join("\n  ", errors));
        }

        return options;
    }

    private static void ApplyFlags(CliFlags flags, AgentOptions options, List<string> errors)
    {
        options.Url = flags.Get("url", flags.Get("addr", options.Url));
        options.TenantId = flags.Get("org-id", flags.Get("tenant", options.TenantId));
        options.PositionsFile = flags.Get("positions.file", options.PositionsFile);
        if (flags.Get("log.level", "") is { Length: > 0 } level)
        {
            options.LogLevel = ParseLevel(level, "-log.level", errors);
        }

        if (flags.Get("batch-size", "") is { Length: > 0 } size)
        {
            options.BatchSizeBytes = ParseSize(size, "-batch-size", errors);
        }

        if (flags.Get("batch-wait", "") is { Length: > 0 } wait)
        {
            options.BatchWait = ParseDuration(wait, "-batch-wait", errors);
        }

        if (flags.Get("path", "") is { Length: > 0 } paths)
        {
            var labelsText = flags.Get("labels", "{job=\"loggia-agent\"}");
            var labels = Labels.TryParse(labelsText, out var parsed, out var error) ? parsed.Pairs.ToArray() : [];
            if (error is not null)
            {
                errors.Add($"invalid -labels '{labelsText}': {error}");
            }

            options.ScrapeConfigs.Add(new ScrapeTarget("flags", Globs(paths.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), "-path", errors),
                Globs(flags.Get("exclude", "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), "-exclude", errors), labels, null));
        }
    }

    private static void LoadYaml(string file, AgentOptions options, List<string> errors, List<string> warnings)
    {
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            using (var reader = new StreamReader(file))
            {
                stream.Load(reader);
            }

            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode mapping)
            {
                errors.Add($"config file {file}: the top level must be a mapping of sections");
                return;
            }

            root = mapping;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or YamlException)
        {
            errors.Add($"config file {file}: {e.Message}");
            return;
        }

        foreach (var (key, value) in Entries(root, "", warnings))
        {
            switch (key)
            {
                case "client":
                    ReadClient(Mapping(value, key, errors), options, errors, warnings);
                    break;
                case "clients" when value is YamlSequenceNode { Children.Count: 1 } list:
                    // Promtail's list form; one client is supported.
                    ReadClient(Mapping(list.Children[0], key, errors), options, errors, warnings);
                    break;
                case "positions":
                    foreach (var (name, node) in Entries(Mapping(value, key, errors), "positions.", warnings))
                    {
                        switch (name)
                        {
                            case "filename":
                                options.PositionsFile = Scalar(node, "positions.filename", errors);
                                break;
                            case "on_corrupt":
                                options.OnCorrupt = Scalar(node, "positions.on_corrupt", errors) switch
                                {
                                    "beginning" => PositionsOnCorrupt.Beginning,
                                    "end" => PositionsOnCorrupt.End,
                                    var other => Invalid(errors, $"positions.on_corrupt '{other}' must be beginning or end", PositionsOnCorrupt.Beginning),
                                };
                                break;
                            default:
                                warnings.Add($"config: option 'positions.{name}' is not supported and is ignored");
                                break;
                        }
                    }

                    break;
                case "target_config":
                    foreach (var (name, node) in Entries(Mapping(value, key, errors), "target_config.", warnings))
                    {
                        if (name == "sync_period")
                        {
                            options.SyncPeriod = ParseDuration(Scalar(node, "target_config.sync_period", errors), "target_config.sync_period", errors);
                        }
                        else if (name == "poll_interval")
                        {
                            options.PollInterval = ParseDuration(Scalar(node, "target_config.poll_interval", errors), "target_config.poll_interval", errors);
                        }
                        else
                        {
                            Ignored(warnings, "target_config." + name);
                        }
                    }

                    break;
                case "limits_config":
                    foreach (var (name, node) in Entries(Mapping(value, key, errors), "limits_config.", warnings))
                    {
                        if (name == "max_line_size")
                        {
                            var bytes = ParseSize(Scalar(node, "limits_config.max_line_size", errors), "limits_config.max_line_size", errors);
                            options.MaxLineBytes = bytes is > 0 and <= int.MaxValue / 2 ? (int)bytes : Invalid(errors, "limits_config.max_line_size must be between 1 byte and 1GiB", options.MaxLineBytes);
                        }
                        else
                        {
                            Ignored(warnings, "limits_config." + name);
                        }
                    }

                    break;
                case "server":
                    if (Mapping(value, key, errors).Children.TryGetValue(new YamlScalarNode("log_level"), out var level))
                    {
                        options.LogLevel = ParseLevel(Scalar(level, "server.log_level", errors), "server.log_level", errors);
                    }

                    break;
                case "scrape_configs" when value is YamlSequenceNode scrapes:
                    for (var i = 0; i < scrapes.Children.Count; i++)
                    {
                        if (ReadScrape(Mapping(scrapes.Children[i], $"scrape_configs[{i}]", errors), i, errors, warnings) is { } target)
                        {
                            options.ScrapeConfigs.Add(target);
                        }
                    }

                    break;
                default:
                    Ignored(warnings, key);
                    break;
            }
        }
    }

    private static void ReadClient(YamlMappingNode client, AgentOptions options, List<string> errors, List<string> warnings)
    {
        foreach (var (name, node) in Entries(client, "client.", warnings))
        {
            var path = "client." + name;
            switch (name)
            {
                case "url":
                    options.Url = Scalar(node, path, errors);
                    break;
                case "tenant_id":
                    options.TenantId = Scalar(node, path, errors);
                    break;
                case "batch_size" or "batchsize":
                    options.BatchSizeBytes = ParseSize(Scalar(node, path, errors), path, errors);
                    break;
                case "batch_wait" or "batchwait":
                    options.BatchWait = ParseDuration(Scalar(node, path, errors), path, errors);
                    break;
                case "timeout":
                    options.Timeout = ParseDuration(Scalar(node, path, errors), path, errors);
                    break;
                case "shutdown_timeout":
                    options.ShutdownTimeout = ParseDuration(Scalar(node, path, errors), path, errors);
                    break;
                case "backoff_config":
                    foreach (var (backoffName, backoffNode) in Entries(Mapping(node, path, errors), "client.backoff_config.", warnings))
                    {
                        if (backoffName == "min_period")
                        {
                            options.MinBackoff = ParseDuration(Scalar(backoffNode, "client.backoff_config.min_period", errors), "client.backoff_config.min_period", errors);
                        }
                        else if (backoffName == "max_period")
                        {
                            options.MaxBackoff = ParseDuration(Scalar(backoffNode, "client.backoff_config.max_period", errors), "client.backoff_config.max_period", errors);
                        }
                        else
                        {
                            Ignored(warnings, "client.backoff_config." + backoffName);
                        }
                    }

                    break;
                default:
                    Ignored(warnings, path);
                    break;
            }
        }
    }

    private static ScrapeTarget? ReadScrape(YamlMappingNode scrape, int index, List<string> errors, List<string> warnings)
    {
        var where = $"scrape_configs[{index}]";
        var job = $"job{index}";
        List<FileGlob> paths = [], exclude = [];
        var labels = new List<LabelPair>();
        MultilineOptions? multiline = null;
        foreach (var (name, node) in Entries(scrape, where + ".", warnings))
        {
            switch (name)
            {
                case "job_name":
                    job = Scalar(node, where + ".job_name", errors);
                    break;
                case "paths":
                    paths.AddRange(Globs(Strings(node, where + ".paths", errors), where + ".paths", errors));
                    break;
                case "exclude":
                    exclude.AddRange(Globs(Strings(node, where + ".exclude", errors), where + ".exclude", errors));
                    break;
                case "labels":
                    foreach (var (labelName, labelValue) in Entries(Mapping(node, where + ".labels", errors), where + ".labels.", warnings))
                    {
                        labels.Add(new LabelPair(labelName, Scalar(labelValue, where + ".labels." + labelName, errors)));
                    }

                    break;
                case "multiline":
                    multiline = ReadMultiline(Mapping(node, where + ".multiline", errors), where + ".multiline", errors, warnings);
                    break;
                default:
                    Ignored(warnings, where + "." + name);
                    break;
            }
        }

        if (paths.Count == 0)
        {
            errors.Add($"{where}: paths is required");
            return null;
        }

        var probe = Labels.Create(labels.ToArray());
        if (probe.TryGetDuplicateName(out var duplicate))
        {
            errors.Add($"{where}.labels: duplicate label '{duplicate}'");
        }

        return new ScrapeTarget(job, paths, exclude, labels, multiline);
    }

    private static MultilineOptions? ReadMultiline(YamlMappingNode node, string where, List<string> errors, List<string> warnings)
    {
        string? firstLine = null;
        TimeSpan? wait = null;
        int? maxLines = null;
        foreach (var (name, value) in Entries(node, where + ".", warnings))
        {
            switch (name)
            {
                case "firstline":
                    firstLine = Scalar(value, where + ".firstline", errors);
                    break;
                case "max_wait_time":
                    wait = ParseDuration(Scalar(value, where + ".max_wait_time", errors), where + ".max_wait_time", errors);
                    break;
                case "max_lines":
                    maxLines = int.TryParse(Scalar(value, where + ".max_lines", errors), NumberStyles.None, CultureInfo.InvariantCulture, out var lines) && lines > 0
                        ? lines
                        : Invalid(errors, $"{where}.max_lines must be a positive integer", 0);
                    break;
                default:
                    Ignored(warnings, where + "." + name);
                    break;
            }
        }

        if (firstLine is null)
        {
            errors.Add($"{where}.firstline is required");
            return null;
        }

        try
        {
            return MultilineOptions.Create(firstLine, wait, maxLines);
        }
        catch (ArgumentException e)
        {
            errors.Add($"{where}.firstline: {e.Message}");
            return null;
        }
    }

    private static IEnumerable<(string Key, YamlNode Value)> Entries(YamlMappingNode mapping, string prefix, List<string> warnings)
    {
        foreach (var (key, value) in mapping.Children)
        {
            if (key is YamlScalarNode { Value: { } name })
            {
                yield return (name, value);
            }
            else
            {
                warnings.Add($"config: a key under '{prefix}' is not a plain name and is ignored");
            }
        }
    }

    private static YamlMappingNode Mapping(YamlNode node, string path, List<string> errors)
    {
        if (node is YamlMappingNode mapping)
        {
            return mapping;
        }

        errors.Add($"{path} must be a mapping (line {node.Start.Line})");
        return new YamlMappingNode();
    }

    private static string Scalar(YamlNode node, string path, List<string> errors)
    {
        if (node is YamlScalarNode { Value: { } value })
        {
            return value;
        }

        errors.Add($"{path} must be a single value (line {node.Start.Line})");
        return "";
    }

    private static List<string> Strings(YamlNode node, string path, List<string> errors)
    {
        if (node is YamlScalarNode)
        {
            return [Scalar(node, path, errors)];
        }

        if (node is YamlSequenceNode list)
        {
            return list.Children.Select(child => Scalar(child, path, errors)).ToList();
        }

        errors.Add($"{path} must be a list of globs (line {node.Start.Line})");
        return [];
    }

    private static List<FileGlob> Globs(IEnumerable<string> patterns, string path, List<string> errors)
    {
        var globs = new List<FileGlob>();
        foreach (var pattern in patterns)
        {
            if (string.IsNullOrWhiteSpace(pattern))
            {
                errors.Add($"{path}: an empty glob");
                continue;
            }

            globs.Add(FileGlob.Parse(pattern));
        }

        return globs;
    }

    private static TimeSpan ParseDuration(string text, string path, List<string> errors) =>
        DurationParser.TryParse(text, out var duration) && duration >= TimeSpan.Zero ? duration : Invalid(errors, $"{path} '{text}' is not a duration (e.g. 500ms, 10s, 5m)", TimeSpan.Zero);

    private static long ParseSize(string text, string path, List<string> errors) =>
        ByteSizeParser.TryParse(text, out var bytes) && bytes > 0 ? bytes : Invalid(errors, $"{path} '{text}' is not a size (e.g. 512KiB, 1MB)", 1L);

    private static LogLevel ParseLevel(string text, string path, List<string> errors) => text switch
    {
        "debug" => LogLevel.Debug,
        "info" => LogLevel.Information,
        "warn" => LogLevel.Warning,
        "error" => LogLevel.Error,
        _ => Invalid(errors, $"{path} '{text}' must be debug, info, warn or error", LogLevel.Information),
    };

    private static T Invalid<T>(List<string> errors, string message, T fallback)
    {
        errors.Add(message);
        return fallback;
    }

    private static void Ignored(List<string> warnings, string path) =>
        warnings.Add($"config: option '{path}' is not supported and is ignored");
}

using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Loggia.Core.Model;
using Loggia.Query.Execution;
using Loggia.Query.Execution.Pipeline;
using Loggia.Query.LogQL.Syntax;

namespace Loggia.Server.Ingest.Rules;

/// <summary>
/// An <see cref="IngestRuleDefinition"/> compiled: the stream matcher, the LogQL pipeline, and the field names it
/// promotes. Thread-safe; pipeline processors (which are not) are pooled so concurrent pushes each use their own.
/// </summary>
public sealed partial class IngestRule
{
    private readonly StreamMatcher _streams;
    private readonly LogPipeline _pipeline;
    private readonly bool _allSources;
    private readonly bool[] _sources;
    private readonly ConcurrentBag<PipelineProcessor> _processors = [];

    private IngestRule(IngestRuleDefinition definition, StreamMatcher streams, LogPipeline pipeline)
    {
        Definition = definition;
        _streams = streams;
        _pipeline = pipeline;
        _allSources = definition.Sources.Count == 0;
        _sources = new bool[Enum.GetValues<IngestSource>().Length];
        foreach (var source in definition.Sources)
        {
            _sources[(int)source] = true;
        }

        Labels = [.. definition.Labels];
        StructuredMetadata = [.. definition.StructuredMetadata];
    }

    /// <summary>The rule as written.</summary>
    public IngestRuleDefinition Definition { get; }

    /// <summary>The rule's name.</summary>
    public string Name => Definition.Name;

    /// <summary>Extracted fields promoted to stream labels.</summary>
    public string[] Labels { get; }

    /// <summary>Extracted fields kept as structured metadata.</summary>
    public string[] StructuredMetadata { get; }

    /// <summary>Validates and compiles <paramref name="definition"/>.</summary>
    /// <exception cref="IngestRuleException">A field is invalid; the message names it.</exception>
    public static IngestRule Compile(IngestRuleDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (!RuleName().IsMatch(definition.Name))
        {
            throw new IngestRuleException($"rule name '{definition.Name}' is invalid: use 1-64 letters, digits, '_', '-' or '.'");
        }

        var where = $"rule '{definition.Name}'";
        if (string.IsNullOrWhiteSpace(definition.Pipeline))
        {
            throw new IngestRuleException($"{where}: a pipeline is required (for example '| json' or '| regexp \"(?P<ip>\\\\S+)\"')");
        }

        CheckNames(where, "labels", definition.Labels);
        CheckNames(where, "structured_metadata", definition.StructuredMetadata);
        if (definition.Labels.Count + definition.StructuredMetadata.Count == 0 && definition.TimestampSource is null && !definition.ReplaceLine)
        {
            throw new IngestRuleException($"{where}: the rule changes nothing: name labels, structured_metadata, a timestamp source or replace the line");
        }

        if (definition.TimestampSource is { } source && !LabelName().IsMatch(source))
        {
            throw new IngestRuleException($"{where}: timestamp source '{source}' is not a valid field name");
        }

        var selector = string.IsNullOrWhiteSpace(definition.Selector) ? "{}" : definition.Selector.Trim();
        LogSelectorExpr expr;
        try
        {
            // Unvalidated: a rule may cover every stream ({}), which a query may not.
            if (LogQLParser.ParseLogSelector(selector, validate: false) is PipelineExpr)
            {
                throw new IngestRuleException($"{where}: the selector must be label matchers only; stages go in the pipeline");
            }

            expr = LogQLParser.ParseLogSelector(selector + " " + definition.Pipeline.Trim(), validate: false);
        }
        catch (LogQLParseException e)
        {
            throw new IngestRuleException($"{where}: {e.Message}", e);
        }

        try
        {
            return new IngestRule(definition, StreamMatcher.Compile(expr.Matchers), LogPipeline.Compile(expr));
        }
        catch (Exception e) when (e is LogQLParseException or NotSupportedException or ArgumentException)
        {
            throw new IngestRuleException($"{where}: {e.Message}", e);
        }
    }

    /// <summary>Whether the rule applies to a stream with <paramref name="labels"/> that arrived by <paramref name="source"/>.</summary>
    public bool AppliesTo(IngestSource source, Labels labels) =>
        (_allSources || _sources[(int)source]) && _streams.Matches(labels);

    /// <summary>Takes a processor for one thread's use; give it back with <see cref="Return"/>.</summary>
    public PipelineProcessor Rent() => _processors.TryTake(out var processor) ? processor : _pipeline.CreateProcessor();

    /// <summary>Returns a processor taken with <see cref="Rent"/>.</summary>
    public void Return(PipelineProcessor processor)
    {
        // A few per rule are enough: one per concurrently pushing thread.
        if (_processors.Count < Environment.ProcessorCount * 2)
        {
            _processors.Add(processor);
        }
    }

    private static void CheckNames(string where, string field, IReadOnlyList<string> names)
    {
        foreach (var name in names)
        {
            if (!LabelName().IsMatch(name))
            {
                throw new IngestRuleException($"{where}: {field} entry '{name}' is not a valid label name");
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex RuleName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex LabelName();
}

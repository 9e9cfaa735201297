using Loggia.Core.Model;

namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// A parser's cache of label names per key: the sanitised name and its <c>_extracted</c> variant, created once.
/// Which of the two applies depends on the entry's stream (one processor serves many streams), so both are kept.
/// </summary>
internal sealed class ParsedNameCache
{
    private readonly Utf8Cache<ParsedName?> _names = new();

    /// <summary>The name for <paramref name="key"/>, created by <paramref name="sanitize"/> on first sight (null: skip the key).</summary>
    public ParsedName? Get(ReadOnlySpan<byte> key, Func<ReadOnlySpan<byte>, string> sanitize)
    {
        if (_names.TryGet(key, out var name))
        {
            return name;
        }
        var sanitized = sanitize(key);
        name = sanitized.Length == 0 ? null : new ParsedName(sanitized);
        _names.Add(key, name);
        return name;
    }
}

/// <summary>A parsed label name and its variant for a stream that already has a label of that name.</summary>
internal sealed class ParsedName(string name)
{
    private string? _extracted;
    private Labels? _lastBase;
    private string _lastName = name;

    public string Name { get; } = name;

    /// <summary><see cref="Name"/> with Loki's <c>_extracted</c> suffix.</summary>
    public string Extracted => _extracted ??= Name + LabelNames.DuplicateSuffix;

    /// <summary>The name to set on an entry of the builder's stream.</summary>
    public string For(LabelsBuilder labels)
    {
        // A scan reads many entries of one stream in a row: remember the answer for the last stream's labels.
        var stream = labels.Base;
        if (!ReferenceEquals(stream, _lastBase))
        {
            _lastName = labels.BaseHas(Name) ? Extracted : Name;
            _lastBase = stream;
        }
        return _lastName;
    }
}

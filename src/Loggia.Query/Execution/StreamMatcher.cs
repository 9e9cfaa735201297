using Loggia.Core.Model;
using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Execution;

/// <summary>
/// A stream selector compiled into a predicate over <see cref="Labels"/>, with Prometheus/Loki semantics:
/// every matcher must hold; a missing label has the value <c>""</c> (so <c>{x=""}</c> selects streams without
/// <c>x</c> and <c>{x!=""}</c> those with it); regexes are fully anchored.
/// </summary>
public sealed class StreamMatcher
{
    private readonly string[] _names;
    private readonly LabelValueMatcher[] _matchers;

    private StreamMatcher(string[] names, LabelValueMatcher[] matchers)
    {
        _names = names;
        _matchers = matchers;
    }

    /// <summary>A matcher that accepts every stream.</summary>
    public static StreamMatcher All { get; } = new([], []);

    /// <summary>Compiles <paramref name="matchers"/>. Invalid regexes throw <see cref="LogQLParseException"/>.</summary>
    public static StreamMatcher Compile(IReadOnlyList<LabelMatcher> matchers)
    {
        ArgumentNullException.ThrowIfNull(matchers);
        var names = new string[matchers.Count];
        var compiled = new LabelValueMatcher[matchers.Count];
        for (var i = 0; i < matchers.Count; i++)
        {
            names[i] = matchers[i].Name;
            compiled[i] = LabelValueMatcher.Compile(matchers[i].Op, matchers[i].Value);
        }
        return new StreamMatcher(names, compiled);
    }

    /// <summary>Whether <paramref name="labels"/> satisfies every matcher.</summary>
    public bool Matches(Labels labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        for (var i = 0; i < _matchers.Length; i++)
        {
            // Labels never hold empty values, so "absent" and "empty" are the same here, as in Prometheus.
            if (!_matchers[i].Matches(labels.Get(_names[i]) ?? ""))
            {
                return false;
            }
        }
        return true;
    }
}

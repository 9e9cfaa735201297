using System.Text;
using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Execution;

/// <summary>
/// <c>|&gt; "&lt;_&gt; foo &lt;_&gt;"</c>: Loki's pattern line filter. The pattern is a sequence of literal runs and
/// <c>&lt;_&gt;</c> wildcards. Matching follows Loki's <c>pattern.Matcher.Test</c>: each literal is found at its first
/// occurrence after the previous one; a wildcard must capture at least one byte; a pattern that ends with a
/// literal must end the line, one that ends with a wildcard must leave something for it; an empty line matches
/// only an empty pattern. (Loki does not anchor a leading literal: <c>"foo &lt;_&gt;"</c> also matches
/// <c>"x foo y"</c>; this is reproduced.)
/// </summary>
internal sealed class PatternPredicate : LinePredicate
{
    // Literal runs in order; _startsWithLiteral/_endsWithCapture describe where wildcards sit.
    private readonly byte[][] _literals;
    private readonly bool _startsWithLiteral;
    private readonly bool _endsWithCapture;
    private readonly bool _empty;

    private PatternPredicate(byte[][] literals, bool startsWithLiteral, bool endsWithCapture, bool empty)
    {
        _literals = literals;
        _startsWithLiteral = startsWithLiteral;
        _endsWithCapture = endsWithCapture;
        _empty = empty;
    }

    public override int Cost => 2;

    /// <summary>Parses a line-filter pattern; named or consecutive captures are errors, as in Loki.</summary>
    public static PatternPredicate Create(string pattern)
    {
        var nodes = Parse(pattern);
        for (var i = 0; i < nodes.Count; i++)
        {
            if (nodes[i].IsCapture && i + 1 < nodes.Count && nodes[i + 1].IsCapture)
            {
                throw LogQLParseException.Plain(
                    $"found consecutive capture '<{nodes[i].Text}><{nodes[i + 1].Text}>': invalid expression");
            }
        }
        foreach (var n in nodes)
        {
            if (n.IsCapture && n.Text != "_")
            {
                throw LogQLParseException.Plain($"named captures are not allowed: found '<{n.Text}>'");
            }
        }
        var literals = new List<byte[]>();
        foreach (var n in nodes)
        {
            if (!n.IsCapture)
            {
                literals.Add(Encoding.UTF8.GetBytes(n.Text));
            }
        }
        return new PatternPredicate(
            [.. literals],
            nodes.Count > 0 && !nodes[0].IsCapture,
            nodes.Count > 0 && nodes[^1].IsCapture,
            nodes.Count == 0);
    }

    public override bool Matches(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty || _empty)
        {
            return line.IsEmpty && _empty;
        }
        var offset = 0;
        for (var i = 0; i < _literals.Length; i++)
        {
            var j = line[offset..].IndexOf(_literals[i]);
            if (j < 0)
            {
                return false;
            }
            // A literal right where the previous one ended leaves an empty capture between them.
            var isFirstNode = i == 0 && _startsWithLiteral;
            if (!isFirstNode && j == 0)
            {
                return false;
            }
            offset += j + _literals[i].Length;
        }
        var hasRemainder = offset != line.Length;
        return hasRemainder == _endsWithCapture;
    }

    private readonly record struct Node(string Text, bool IsCapture);

    /// <summary>Splits into literal runs and <c>&lt;name&gt;</c> captures (name: <c>[A-Za-z_][A-Za-z0-9_]*</c>).</summary>
    private static List<Node> Parse(string pattern)
    {
        var nodes = new List<Node>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < pattern.Length)
        {
            if (pattern[i] == '<' && TryReadCaptureName(pattern, i, out var name))
            {
                if (literal.Length > 0)
                {
                    nodes.Add(new Node(literal.ToString(), false));
                    literal.Clear();
                }
                nodes.Add(new Node(name, true));
                i += name.Length + 2;
                continue;
            }
            literal.Append(pattern[i]);
            i++;
        }
        if (literal.Length > 0)
        {
            nodes.Add(new Node(literal.ToString(), false));
        }
        return nodes;
    }

    private static bool TryReadCaptureName(string s, int open, out string name)
    {
        name = "";
        var i = open + 1;
        if (i >= s.Length || !(char.IsAsciiLetter(s[i]) || s[i] == '_'))
        {
            return false;
        }
        while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] == '_'))
        {
            i++;
        }
        if (i >= s.Length || s[i] != '>')
        {
            return false;
        }
        name = s[(open + 1)..i];
        return true;
    }
}

namespace Loggia.Query.Patterns;

/// <summary>
/// A Drain log-template miner (He et al., ICWS 2017), the algorithm behind Loki's patterns. Each line is split into
/// tokens at spaces; a fixed-depth prefix tree (token count, then the first <see cref="DrainOptions.PrefixTokens"/>
/// tokens, with tokens holding digits sharing one wildcard branch) leads to a short list of clusters; the line joins
/// the most similar cluster when enough positions hold equal tokens, turning the positions that differ into
/// <c>&lt;_&gt;</c>, or else starts a cluster. A placeholder keeps a <c>key=</c> prefix common to both tokens
/// (<c>duration=&lt;_&gt;</c>), as Loki's patterns read. Memory is bounded by <see cref="DrainOptions.MaxClusters"/>
/// (least recently matched clusters are forgotten) and the buckets of the caller's range. Not thread-safe.
/// </summary>
public sealed class DrainMiner
{
    /// <summary>Loki's placeholder for a variable token.</summary>
    public const string Placeholder = "<_>";

    private readonly DrainOptions _options;
    private readonly Dictionary<int, Node> _byLength = [];
    private readonly LinkedList<Cluster> _recent = new();

    /// <summary>Creates a miner.</summary>
    public DrainMiner(DrainOptions? options = null) => _options = options ?? new DrainOptions();

    /// <summary>Clusters currently held.</summary>
    public int ClusterCount => _recent.Count;

    /// <summary>Adds one line, counted in <paramref name="bucket"/> (e.g. its timestamp divided by the step).</summary>
    public void Train(string line, long bucket)
    {
        ArgumentNullException.ThrowIfNull(line);
        var tokens = Tokenize(line);
        if (tokens.Length == 0)
        {
            return;
        }

        var leaf = Descend(tokens);
        Cluster? best = null;
        var bestSimilarity = -1.0;
        foreach (var candidate in leaf.Clusters)
        {
            var similarity = Similarity(candidate.Tokens, tokens);
            if (similarity > bestSimilarity)
            {
                best = candidate;
                bestSimilarity = similarity;
            }
        }

        if (best is null || bestSimilarity < _options.SimilarityThreshold)
        {
            best = new Cluster(tokens, leaf);
            leaf.Clusters.Add(best);
            best.Recency = _recent.AddFirst(best);
            if (_recent.Count > _options.MaxClusters)
            {
                Forget(_recent.Last!.Value);
            }
        }
        else
        {
            Merge(best.Tokens, tokens);
            _recent.Remove(best.Recency!);
            _recent.AddFirst(best.Recency!);
        }

        best.Count++;
        best.Buckets[bucket] = best.Buckets.GetValueOrDefault(bucket) + 1;
    }

    /// <summary>The patterns found, most frequent first (ties by text).</summary>
    public List<MinedPattern> Patterns()
    {
        var result = new List<MinedPattern>(_recent.Count);
        foreach (var cluster in _recent)
        {
            var samples = new List<(long, long)>(cluster.Buckets.Count);
            foreach (var (bucket, count) in cluster.Buckets)
            {
                samples.Add((bucket, count));
            }

            samples.Sort(static (a, b) => a.Item1.CompareTo(b.Item1));
            result.Add(new MinedPattern(string.Join(' ', cluster.Tokens), cluster.Count, samples));
        }

        result.Sort(static (a, b) => a.Count != b.Count ? b.Count.CompareTo(a.Count) : string.CompareOrdinal(a.Pattern, b.Pattern));
        return result;
    }

    private string[] Tokenize(string line)
    {
        var tokens = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length <= _options.MaxTokens)
        {
            return tokens;
        }

        var kept = tokens[.._options.MaxTokens];
        kept[^1] = string.Join(' ', tokens[(_options.MaxTokens - 1)..]);
        return kept;
    }

    private Node Descend(string[] tokens)
    {
        if (!_byLength.TryGetValue(tokens.Length, out var node))
        {
            _byLength[tokens.Length] = node = new Node();
        }

        var depth = Math.Min(_options.PrefixTokens, tokens.Length);
        for (var i = 0; i < depth; i++)
        {
            var key = HasDigit(tokens[i]) ? Placeholder : tokens[i];
            if (!node.Children.TryGetValue(key, out var child))
            {
                if (node.Children.Count >= _options.MaxChildren && node.Children.TryGetValue(Placeholder, out var wildcard))
                {
                    child = wildcard;
                }
                else
                {
                    key = node.Children.Count >= _options.MaxChildren ? Placeholder : key;
                    node.Children[key] = child = new Node();
                }
            }

            node = child;
        }

        return node;
    }

    /// <summary>Share of positions where the template holds the same (non-placeholder) token as the line.</summary>
    private static double Similarity(string[] template, string[] tokens)
    {
        var same = 0;
        for (var i = 0; i < template.Length; i++)
        {
            if (string.Equals(template[i], tokens[i], StringComparison.Ordinal))
            {
                same++;
            }
        }

        return (double)same / template.Length;
    }

    private static void Merge(string[] template, string[] tokens)
    {
        for (var i = 0; i < template.Length; i++)
        {
            if (!string.Equals(template[i], tokens[i], StringComparison.Ordinal))
            {
                template[i] = Generalize(template[i], tokens[i]);
            }
        }
    }

    /// <summary>The placeholder for two differing tokens, keeping a shared <c>key=</c> prefix.</summary>
    private static string Generalize(string template, string token)
    {
        var equals = template.IndexOf('=', StringComparison.Ordinal);
        if (equals > 0 && token.Length > equals && token[equals] == '=' && template.AsSpan(0, equals).SequenceEqual(token.AsSpan(0, equals)))
        {
            return string.Concat(template.AsSpan(0, equals + 1), Placeholder);
        }

        return Placeholder;
    }

    private static bool HasDigit(string token)
    {
        foreach (var c in token)
        {
            if (char.IsAsciiDigit(c))
            {
                return true;
            }
        }

        return false;
    }

    private void Forget(Cluster cluster)
    {
        _recent.Remove(cluster.Recency!);
        cluster.Leaf.Clusters.Remove(cluster);
    }

    private sealed class Node
    {
        public Dictionary<string, Node> Children { get; } = new(StringComparer.Ordinal);

        public List<Cluster> Clusters { get; } = [];
    }

    private sealed class Cluster(string[] tokens, Node leaf)
    {
        public string[] Tokens { get; } = tokens;

        public Node Leaf { get; } = leaf;

        public long Count { get; set; }

        public Dictionary<long, long> Buckets { get; } = [];

        public LinkedListNode<Cluster>? Recency { get; set; }
    }
}

using Loggia.Core.Model;

namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// The labels of one entry after a pipeline, categorized as Loki does: what remains of the stream labels,
/// structured metadata, and labels the pipeline produced (parsers, <c>label_format</c>, <c>__error__</c>).
/// Instances are shared by every entry with the same label sets (cached per processor), so reference equality
/// is a cheap first check when grouping.
/// </summary>
public sealed class LabelsResult
{
    /// <summary>Creates a result from its three categories.</summary>
    public LabelsResult(Labels stream, Labels structuredMetadata, Labels parsed)
    {
        Stream = stream;
        StructuredMetadata = structuredMetadata;
        Parsed = parsed;
        All = structuredMetadata.Count == 0 && parsed.Count == 0 ? stream : Merge(stream, structuredMetadata, parsed);
    }

    /// <summary>Creates a result whose categories are already disjoint, with their union <paramref name="all"/>.</summary>
    internal LabelsResult(Labels stream, Labels structuredMetadata, Labels parsed, Labels all)
    {
        Stream = stream;
        StructuredMetadata = structuredMetadata;
        Parsed = parsed;
        All = all;
    }

    /// <summary>The stream labels left after the pipeline.</summary>
    public Labels Stream { get; }

    /// <summary>The entry's structured metadata (as labels).</summary>
    public Labels StructuredMetadata { get; }

    /// <summary>Labels produced by the pipeline, including <c>__error__</c> and <c>__error_details__</c>.</summary>
    public Labels Parsed { get; }

    /// <summary>One label set, as Loki returns it to clients that do not ask for categorized labels.</summary>
    public Labels All { get; }

    /// <summary>The structured metadata as an array (created once per result), for entries that carry it.</summary>
    internal ReadOnlyMemory<LabelPair> StructuredMetadataPairs =>
        StructuredMetadata.Count == 0 ? ReadOnlyMemory<LabelPair>.Empty : _metadataPairs ??= StructuredMetadata.Pairs.ToArray();

    private LabelPair[]? _metadataPairs;

    /// <summary>The value of <paramref name="name"/> in any category (parsed first, then metadata, then stream).</summary>
    public string? Get(string name) => Parsed.Get(name) ?? StructuredMetadata.Get(name) ?? Stream.Get(name);

    private static Labels Merge(Labels stream, Labels metadata, Labels parsed)
    {
        var pairs = new List<LabelPair>(stream.Count + metadata.Count + parsed.Count);
        foreach (var p in stream.Pairs)
        {
            pairs.Add(p);
        }
        Add(pairs, metadata, stream);
        Add(pairs, parsed, stream);
        return Labels.Create(pairs.ToArray());
    }

    private static void Add(List<LabelPair> pairs, Labels extra, Labels stream)
    {
        foreach (var p in extra.Pairs)
        {
            // A name clashing with a stream label gets Loki's "_extracted" suffix; a later category overrides an earlier one.
            var name = stream.Has(p.Name) ? p.Name + "_extracted" : p.Name;
            var replaced = false;
            for (var i = stream.Count; i < pairs.Count; i++)
            {
                if (pairs[i].Name == name)
                {
                    pairs[i] = new LabelPair(name, p.Value);
                    replaced = true;
                    break;
                }
            }
            if (!replaced)
            {
                pairs.Add(new LabelPair(name, p.Value));
            }
        }
    }
}

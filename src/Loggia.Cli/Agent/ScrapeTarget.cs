using Loggia.Core.Model;
using Loggia.Ingest.Files;

namespace Loggia.Cli.Agent;

/// <summary>One <c>scrape_configs</c> item: which files to follow, which to skip, the labels of their streams and how lines join.</summary>
internal sealed record ScrapeTarget(string JobName, IReadOnlyList<FileGlob> Paths, IReadOnlyList<FileGlob> Exclude, IReadOnlyList<LabelPair> Labels, MultilineOptions? Multiline)
{
    /// <summary>True when <paramref name="path"/> is one of this target's files.</summary>
    public bool Excludes(string path)
    {
        foreach (var glob in Exclude)
        {
            if (glob.IsMatch(path))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The stream labels of <paramref name="path"/>: the static labels plus <c>filename</c>, as Promtail sets it.</summary>
    public Labels LabelsFor(string path)
    {
        var pairs = new List<LabelPair>(Labels.Count + 1);
        foreach (var pair in Labels)
        {
            if (pair.Name != "filename")
            {
                pairs.Add(pair);
            }
        }

        pairs.Add(new LabelPair("filename", path));
        return Core.Model.Labels.Create(pairs.ToArray());
    }
}

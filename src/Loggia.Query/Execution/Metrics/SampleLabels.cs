using Loggia.Core.Model;

namespace Loggia.Query.Execution.Metrics;

/// <summary>
/// The labels of one sample while its <c>unwrap</c> post filters run: the entry's labels plus the error labels that
/// conversion or a filter may set (Loki's LabelsBuilder, reduced to what post filters need). Reused per sample.
/// </summary>
internal sealed class SampleLabels
{
    public Labels Base { get; private set; } = Labels.Empty;

    public string? Error { get; private set; }

    public string? ErrorDetails { get; private set; }

    public bool HasError => Error is not null;

    public void Reset(Labels labels)
    {
        Base = labels;
        Error = null;
        ErrorDetails = null;
    }

    public void SetError(string type, string details)
    {
        // As in Loki, the first error wins.
        if (Error is null)
        {
            Error = type;
            ErrorDetails = details;
        }
    }

    public string? Get(string name) => name switch
    {
        ErrorLabels.Error when Error is not null => Error,
        ErrorLabels.Details when ErrorDetails is not null => ErrorDetails,
        _ => Base.Get(name),
    };

    /// <summary>The full label set including error labels (allocates; only for entries that carry an error).</summary>
    public Labels WithErrors()
    {
        if (Error is null)
        {
            return Base;
        }
        var pairs = new List<LabelPair>(Base.Count + 2);
        foreach (var p in Base.Pairs)
        {
            if (p.Name is not (ErrorLabels.Error or ErrorLabels.Details))
            {
                pairs.Add(p);
            }
        }
        pairs.Add(new LabelPair(ErrorLabels.Error, Error));
        if (!string.IsNullOrEmpty(ErrorDetails))
        {
            pairs.Add(new LabelPair(ErrorLabels.Details, ErrorDetails));
        }
        return Labels.Create(pairs.ToArray());
    }
}

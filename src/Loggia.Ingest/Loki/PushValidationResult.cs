using System.Globalization;
using System.Text;

namespace Loggia.Ingest.Loki;

/// <summary>
/// The outcome of validating a push: the entries to keep, the rejections, and the HTTP answer. As in Loki, the
/// valid entries of a partly invalid push are kept (and acknowledged), and the response is still 400 with the
/// rejection messages so the client learns what was dropped.
/// </summary>
public sealed class PushValidationResult
{
    internal PushValidationResult(PushRequest accepted, IReadOnlyList<PushRejection> rejections)
    {
        Accepted = accepted;
        Rejections = rejections;
        int rejected = 0;
        foreach (PushRejection rejection in rejections)
        {
            rejected += rejection.EntryCount;
        }

        RejectedEntries = rejected;
    }

    /// <summary>The streams and entries that passed (streams left without entries are omitted).</summary>
    public PushRequest Accepted { get; }

    /// <summary>What was rejected and why, in request order.</summary>
    public IReadOnlyList<PushRejection> Rejections { get; }

    /// <summary>The number of entries kept.</summary>
    public int AcceptedEntries => Accepted.EntryCount;

    /// <summary>The number of entries rejected.</summary>
    public int RejectedEntries { get; }

    /// <summary>The HTTP status Loki answers with: 204 when all was accepted, 400 when anything was rejected.</summary>
    public int StatusCode => Rejections.Count == 0 ? 204 : 400;

    /// <summary>
    /// The response body for a 400, formatted like Loki's <c>util.GroupedErrors</c>: identical messages are
    /// grouped, each group prefixed with <c>N errors like: </c> unless there is exactly one message in total, and
    /// groups are joined with <c>"; "</c> (in first-seen order, where Go's map order is random).
    /// </summary>
    public string? ErrorMessage
    {
        get
        {
            if (Rejections.Count == 0)
            {
                return null;
            }

            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            var order = new List<string>();
            foreach (PushRejection rejection in Rejections)
            {
                // A stream-level rejection stands for each of its entries in Loki only once (one error per stream).
                if (counts.TryGetValue(rejection.Message, out int n))
                {
                    counts[rejection.Message] = n + 1;
                }
                else
                {
                    counts.Add(rejection.Message, 1);
                    order.Add(rejection.Message);
                }
            }

            var builder = new StringBuilder();
            foreach (string message in order)
            {
                if (builder.Length > 0)
                {
                    builder.Append("; ");
                }

                int n = counts[message];
                if (order.Count > 1 || n > 1)
                {
                    builder.Append(n.ToString(CultureInfo.InvariantCulture)).Append(" errors like: ");
                }

                builder.Append(message);
            }

            return builder.ToString();
        }
    }
}

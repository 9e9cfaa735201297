using System.Text;
using Loggia.Core.Model;
using Loggia.Query.Execution.Pipeline;
using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Tests.Execution.Pipeline;

/// <summary>Runs one entry through a compiled pipeline and renders the outcome for table-driven assertions.</summary>
internal static class PipelineRunner
{
    public const string Dropped = "<dropped>";

    public static PipelineProcessor Processor(string pipeline) =>
        LogPipeline.Compile(LogQLParser.ParseLogSelector("{app=\"a\"} " + pipeline)).CreateProcessor();

    /// <summary>The entry's labels (all categories, Loki's label string) or <see cref="Dropped"/>.</summary>
    public static string Labels(string pipeline, string line, string stream = "{app=\"a\"}", params LabelPair[] metadata)
    {
        var p = Processor(pipeline);
        return p.Process(1, Encoding.UTF8.GetBytes(line), Loggia.Core.Model.Labels.Parse(stream), metadata)
            ? p.Labels.All.ToString()
            : Dropped;
    }

    /// <summary>The entry's output line or <see cref="Dropped"/>.</summary>
    public static string Line(string pipeline, string line)
    {
        var p = Processor(pipeline);
        return p.Process(1, Encoding.UTF8.GetBytes(line), Loggia.Core.Model.Labels.Parse("{app=\"a\"}"), [])
            ? Encoding.UTF8.GetString(p.Line)
            : Dropped;
    }
}

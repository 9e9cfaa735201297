using System.Text;
using Loggia.Core.Model;
using Loggia.Query.Execution.Pipeline;

namespace Loggia.Query.Tests.Execution.Pipeline;

/// <summary>
/// <c>| json</c> keeps per-processor state across entries (key-order prediction, name caches, a fast path that
/// rewinds on malformed input): a processor that has seen other lines must give exactly what a fresh one gives.
/// </summary>
public class JsonParserReuseTests
{
    private static readonly string[] Shapes =
    [
        """{"o":{"x":1},"y":2}""",
        """{"o":{"x":1,"y":2}}""",
        """{"o":1,"x":2}""",
        """{"o":{"x":1}}""",
        """{"a":"1","a":"2"}""",
        """{"app":"x","o":{"app":"y"}}""",
        """{"o":{"x":"2","y":"3""",
        """{"a":"1","o":{"x":"2","y":tru},"b":"4"}""",
        """{"a":"1","o":{"x":[{"b":1}],"p":"q"}}""",
        """{"a":"1","o":{"x":[}],"p":"q"}}""",
        """{"k\u0041":"v\n","o":{"k\u0041":true,"n":null}}""",
        """  { "a" : "1" , "o" : { "x" : -1.5e3 } } trailing""",
        """{"a":1,}""",
        "not json",
        "",
    ];

    [Fact]
    public void ReusedProcessor_GivesTheLabelsOfAFreshOne()
    {
        var lines = new List<string>();
        // Every ordered pair of shapes, so each shape follows each other one.
        foreach (var first in Shapes)
        {
            foreach (var second in Shapes)
            {
                lines.Add(first);
                lines.Add(second);
            }
        }
        lines.AddRange(File.ReadLines(SharedData.File("elastic-examples/nginxplus_json_logs.jsonl")));
        lines.AddRange(File.ReadLines(SharedData.File("journald/journalctl-json-all.jsonl")));
        var reused = PipelineRunner.Processor("| json");
        var streams = new[] { Labels.Parse("{app=\"a\"}"), Labels.Parse("{app=\"a\", x=\"s\", o_x=\"s\"}") };
        for (var i = 0; i < lines.Count; i++)
        {
            // Alternate streams too: a parsed name clashing with a stream label gets _extracted.
            var stream = streams[(i / 3) % streams.Length];
            var bytes = Encoding.UTF8.GetBytes(lines[i]);
            var fresh = PipelineRunner.Processor("| json");
            Assert.True(fresh.Process(1, bytes, stream, []));
            Assert.True(reused.Process(1, bytes, stream, []));
            Assert.Equal(fresh.Labels.All.ToString(), reused.Labels.All.ToString());
        }
    }
}

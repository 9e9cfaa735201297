using System.Buffers;
using System.Text;
using Loggia.Core.Model;

namespace Loggia.Cli.Commands;

/// <summary>
/// <c>loggia push -labels '{app="x"}' [files…]</c>: sends lines from files (or standard input) to a
/// Loggia or Loki server in batches, each line stamped with the current time (strictly increasing).
/// </summary>
internal static class PushCommand
{
    private static readonly HashSet<string> Known = ["addr", "url", "tenant", "org-id", "labels", "batch"];

    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var flags = CliFlags.Parse(args, Known, new HashSet<string>());
        var labelsText = flags.Get("labels", "{job=\"loggia-push\"}");
        if (!Labels.TryParse(labelsText, out var labels, out var error) || labels.Count == 0)
        {
            await stderr.WriteLineAsync($"invalid -labels '{labelsText}': {error ?? "at least one label is required"}");
            return 2;
        }

        var batchSize = int.Parse(flags.Get("batch", "1000"), System.Globalization.CultureInfo.InvariantCulture);
        using var client = CliHttp.CreateClient(flags);
        var batch = new List<(long, string)>(batchSize);
        long sent = 0, last = 0;
        foreach (var reader in Inputs(flags.Positional, stdin))
        {
            using (reader)
            {
                while (await reader.ReadLineAsync() is { } line)
                {
                    var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
                    last = Math.Max(now, last + 1);
                    batch.Add((last, line));
                    if (batch.Count == batchSize)
                    {
                        if (!await SendAsync(client, labels, batch, stderr))
                        {
                            return 1;
                        }

                        sent += batch.Count;
                        batch.Clear();
                    }
                }
            }
        }

        if (batch.Count > 0)
        {
            if (!await SendAsync(client, labels, batch, stderr))
            {
                return 1;
            }

            sent += batch.Count;
        }

        await stdout.WriteLineAsync($"pushed {sent} lines to {labels}");
        return 0;
    }

    private static IEnumerable<TextReader> Inputs(List<string> files, TextReader stdin)
    {
        if (files.Count == 0 || files is ["-"])
        {
            yield return stdin;
            yield break;
        }

        foreach (var file in files)
        {
            yield return new StreamReader(file, Encoding.UTF8);
        }
    }

    private static async Task<bool> SendAsync(HttpClient client, Labels labels, List<(long Ts, string Line)> batch, TextWriter stderr)
    {
        var body = new ArrayBufferWriter<byte>();
        LokiPushJson.Write(body, [new LokiPushJson.Stream(labels, batch)]);
        var result = await LokiPushClient.PushAsync(client, LokiPushClient.PushUrl(client.BaseAddress!.ToString()), body.WrittenMemory, CancellationToken.None);
        if (result.Succeeded)
        {
            return true;
        }

        if (result.Status is null)
        {
            throw new HttpRequestException(result.Error);
        }

        await stderr.WriteLineAsync($"push failed: {(int)result.Status} {result.Error}");
        return false;
    }
}

namespace Loggia.Query.Tests.Patterns;

/// <summary>
/// Loghub samples from the shared corpus (<c>&lt;repo root&gt;/../shared/data/loghub</c>, found by walking up from the
/// test binaries): the raw lines and Loghub's ground-truth event of each line.
/// </summary>
internal static class LoghubData
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", "loghub");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"no 'shared/data/loghub' folder found above {AppContext.BaseDirectory}");
    });

    /// <summary>The lines of <c>&lt;system&gt;_2k.log</c>.</summary>
    public static string[] Lines(string system) => File.ReadAllLines(Path.Combine(Root.Value, system, system + "_2k.log"));

    /// <summary>The EventId of each line, from <c>&lt;system&gt;_2k.log_structured.csv</c> (EventId is the second-last column).</summary>
    public static string[] EventIds(string system) =>
        File.ReadLines(Path.Combine(Root.Value, system, system + "_2k.log_structured.csv")).Skip(1)
            .Select(row => row.Split(',')[^2]).ToArray();
}

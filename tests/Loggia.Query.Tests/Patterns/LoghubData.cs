namespace Loggia.Query.Tests.Patterns;

/// <summary>
/// Loghub samples from the shared corpus (<c>&lt;repo root&gt;/../shared/data/loghub</c>, found by walking up from the
/// test binaries): the raw lines and Loghub's ground-truth event of each line.
/// </summary>
internal static class LoghubData
{
    /// <summary>The lines of <c>&lt;system&gt;_2k.log</c>.</summary>
    public static string[] Lines(string system) => File.ReadAllLines(SharedData.File(Path.Combine("loghub", system, system + "_2k.log")));

    /// <summary>The EventId of each line, from <c>&lt;system&gt;_2k.log_structured.csv</c> (EventId is the second-last column).</summary>
    public static string[] EventIds(string system) =>
        File.ReadLines(SharedData.File(Path.Combine("loghub", system, system + "_2k.log_structured.csv"))).Skip(1)
            .Select(row => row.Split(',')[^2]).ToArray();
}

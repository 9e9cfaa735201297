namespace Loggia.Bench;

/// <summary>Finds the shared test data and the repository root from wherever the benchmark runs.</summary>
internal static class DataFiles
{
    public static string RepoRoot { get; } = FindUp(dir => File.Exists(Path.Combine(dir, "Loggia.slnx")))
        ?? throw new InvalidOperationException("cannot find the repository root (Loggia.slnx) above " + AppContext.BaseDirectory);

    public static string SharedData { get; } = FindSharedData();

    private static string FindSharedData()
    {
        var candidate = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data"));
        return Directory.Exists(candidate)
            ? candidate
            : throw new InvalidOperationException("the shared data folder is expected at " + candidate);
    }

    private static string? FindUp(Func<string, bool> predicate)
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            if (predicate(dir.FullName))
            {
                return dir.FullName;
            }
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (predicate(dir.FullName))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}

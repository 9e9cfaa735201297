namespace Loggia.Query.Tests;

/// <summary>The shared corpus of real logs (<c>&lt;repo root&gt;/../shared/data</c>), found by walking up from the test binaries.</summary>
internal static class SharedData
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"no 'shared/data' folder found above {AppContext.BaseDirectory}");
    });

    /// <summary>The path of <paramref name="relativePath"/> inside the corpus.</summary>
    public static string File(string relativePath) => Path.Combine(Root.Value, relativePath);
}

namespace Loggia.Core.Tests.Compression;

/// <summary>
/// Locates the shared test corpus. CI clones the repository with <c>shared/</c> beside it, so the data lives at
/// <c>&lt;repo root&gt;/../shared/data</c>; the lookup walks up from the test binaries until a folder holding
/// <c>shared/data</c> is found.
/// </summary>
internal static class TestData
{
    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>The <c>shared/data</c> folder.</summary>
    public static string DataDirectory => Root.Value;

    /// <summary>The full path of <paramref name="relativePath"/> under <c>shared/data</c>; throws when it does not exist.</summary>
    public static string Find(string relativePath)
    {
        string path = Path.Combine(Root.Value, relativePath);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new FileNotFoundException($"test data '{relativePath}' not found under {Root.Value}", path);
        }

        return path;
    }

    /// <summary>The contents of a loghub <c>*_2k.log</c> file, e.g. <c>ReadLog("HDFS")</c>.</summary>
    public static byte[] ReadLog(string system) => File.ReadAllBytes(Find(Path.Combine("loghub", system, system + "_2k.log")));

    /// <summary>All loghub <c>*_2k.log</c> files, in a stable order.</summary>
    public static IReadOnlyList<string> AllLogs()
    {
        string[] files = Directory.GetFiles(Find("loghub"), "*_2k.log", SearchOption.AllDirectories);
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            $"no 'shared/data' folder found above {AppContext.BaseDirectory}; the test corpus must sit beside the repository (<repo>/../shared/data)");
    }
}

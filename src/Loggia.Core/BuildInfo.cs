using System.Reflection;

namespace Loggia.Core;

/// <summary>Version facts of the running binary, reported by <c>loggia version</c> and the buildinfo endpoint.</summary>
public static class BuildInfo
{
    /// <summary>The informational version of Loggia (e.g. <c>0.1.0</c>).</summary>
    public static string Version { get; } =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    /// <summary>The git revision embedded at build time, or <c>unknown</c>.</summary>
    public static string Revision { get; } =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+') is [_, var rev, ..]
            ? rev
            : "unknown";

    /// <summary>The .NET runtime version the process runs on.</summary>
    public static string RuntimeVersion => Environment.Version.ToString();
}

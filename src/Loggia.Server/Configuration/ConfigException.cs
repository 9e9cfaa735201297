namespace Loggia.Server.Configuration;

/// <summary>The configuration is invalid; <see cref="Exception.Message"/> lists every problem, one per line.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(IReadOnlyList<string> errors)
        : base("invalid configuration:\n  " + string.Join("\n  ", errors))
    {
        Errors = errors;
    }

    public ConfigException()
        : this(["unknown error"])
    {
    }

    public ConfigException(string message)
        : this([message])
    {
    }

    public ConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    /// <summary>The individual problems.</summary>
    public IReadOnlyList<string> Errors { get; } = [];
}

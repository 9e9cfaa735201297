namespace Loggia.Server.Ingest.Rules;

/// <summary>An ingest rule is invalid; the message says which field and why.</summary>
public sealed class IngestRuleException : Exception
{
    public IngestRuleException()
    {
    }

    public IngestRuleException(string message)
        : base(message)
    {
    }

    public IngestRuleException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

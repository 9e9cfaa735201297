namespace Loggia.Query.LogQL.Syntax;

/// <summary>
/// A LogQL query could not be parsed or failed a parse-time check. <see cref="Exception.Message"/> is
/// exactly Loki's text (<c>parse error at line L, col C: ...</c>, or <c>parse error : ...</c> for
/// errors Loki reports without a position).
/// </summary>
public sealed class LogQLParseException : Exception
{
    /// <summary>Creates an exception with Loki's formatting of position and message.</summary>
    public LogQLParseException(string detail, int line, int column)
        : base(Format(detail, line, column))
    {
        Detail = detail;
        Line = line;
        Column = column;
    }

    public LogQLParseException()
        : this("unknown error", 0, 0)
    {
    }

    public LogQLParseException(string message)
        : this(message, 0, 0)
    {
    }

    public LogQLParseException(string message, Exception innerException)
        : base(message, innerException)
    {
        Detail = message;
    }

    private LogQLParseException(string message, bool plain)
        : base(message)
    {
        Detail = message;
        IsPlain = plain;
    }

    /// <summary>The message without the <c>parse error</c> prefix.</summary>
    public string Detail { get; } = "";

    /// <summary>
    /// Line as Loki reports it (1-based; 0 when Loki reports none, including Loki's quirk of line 0
    /// after multi-character tokens such as <c>|=</c>, durations and ranges).
    /// </summary>
    public int Line { get; }

    /// <summary>Column (1-based, in characters) as Loki reports it; 0 when none.</summary>
    public int Column { get; }

    /// <summary>True for errors Loki returns as plain errors, not parse errors (e.g. wrong query kind).</summary>
    public bool IsPlain { get; }

    internal static LogQLParseException Plain(string message) => new(message, true);

    private static string Format(string detail, int line, int column) =>
        line == 0 && column == 0
            ? "parse error : " + detail
            : $"parse error at line {line}, col {column}: {detail}";
}

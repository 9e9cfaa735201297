namespace Loggia.Ingest.Loki;

/// <summary>
/// A push body that cannot be decoded: malformed, unsupported, or too large. The only exception type the push
/// decoders throw for bad input; <see cref="StatusCode"/> is the HTTP status to answer with (400 or 413).
/// </summary>
public sealed class PushRequestException : Exception
{
    /// <summary>Creates a 400 error.</summary>
    public PushRequestException()
        : this(400, "bad push request")
    {
    }

    /// <summary>Creates a 400 error with <paramref name="message"/>.</summary>
    public PushRequestException(string message)
        : this(400, message)
    {
    }

    /// <summary>Creates a 400 error with <paramref name="message"/> and its cause.</summary>
    public PushRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
        StatusCode = 400;
    }

    /// <summary>Creates an error with an explicit status code.</summary>
    public PushRequestException(int statusCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
    }

    /// <summary>The HTTP status code: 400 (malformed or unsupported) or 413 (too large).</summary>
    public int StatusCode { get; }
}

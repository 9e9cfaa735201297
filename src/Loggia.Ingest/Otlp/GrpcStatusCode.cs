namespace Loggia.Ingest.Otlp;

/// <summary>The gRPC status codes Loggia answers with (values as in <c>google.rpc.Code</c>).</summary>
public enum GrpcStatusCode
{
    /// <summary>Success.</summary>
    Ok = 0,

    /// <summary>The request is malformed (not retryable).</summary>
    InvalidArgument = 3,

    /// <summary>A quota or size limit was exceeded.</summary>
    ResourceExhausted = 8,

    /// <summary>The method or compression is not supported.</summary>
    Unimplemented = 12,

    /// <summary>A protocol error (e.g. bad framing).</summary>
    Internal = 13,

    /// <summary>The server is overloaded for now; retry later.</summary>
    Unavailable = 14,

    /// <summary>No tenant was given while auth is on.</summary>
    Unauthenticated = 16,
}

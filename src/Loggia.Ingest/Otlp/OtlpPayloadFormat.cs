namespace Loggia.Ingest.Otlp;

/// <summary>The two OTLP/HTTP encodings: binary protobuf (<c>application/x-protobuf</c>) and JSON (<c>application/json</c>).</summary>
public enum OtlpPayloadFormat
{
    /// <summary><c>application/x-protobuf</c>.</summary>
    Protobuf,

    /// <summary><c>application/json</c>.</summary>
    Json,
}

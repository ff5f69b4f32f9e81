namespace Bourse.Payments.X402;

/// <summary>Why an x402 header could not be read.</summary>
internal enum HeaderDecodeError
{
    None,
    Missing,
    TooLong,
    NotBase64,
    NotJson,
    WrongShape,
    UnsupportedVersion,
}

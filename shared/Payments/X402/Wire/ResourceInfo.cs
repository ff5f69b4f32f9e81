namespace Bourse.Payments.X402;

/// <summary>The paid resource as v2 describes it (<c>resource</c> of the 402 envelope and of the payload).</summary>
public sealed record ResourceInfo(string Url, string? Description = null, string? MimeType = null);

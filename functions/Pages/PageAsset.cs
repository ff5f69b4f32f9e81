namespace Bourse.Functions.Pages;

/// <summary>A built script or stylesheet, with the hash that versions its URL.</summary>
public sealed record PageAsset(string Name, byte[] Content, string ContentType, string Hash);

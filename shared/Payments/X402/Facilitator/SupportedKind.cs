namespace Bourse.Payments.X402;

public sealed record SupportedKind(int X402Version, string Scheme, string Network, SvmExtra? Extra = null);

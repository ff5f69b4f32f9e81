namespace Bourse.Accounts;

public sealed record PostResult(long ChargedMicroUsdc, bool AlreadyPosted);

namespace Bourse.Quasar;

public sealed record IdlInstructionAccount(string Name, bool Writable, bool Signer, IdlAccountResolver Resolver);

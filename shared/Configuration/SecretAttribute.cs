namespace Bourse.Configuration;

/// <summary>
/// Marks an options property that holds a secret (API key, token, keypair). In Azure it must come
/// from a Key Vault reference, never a literal app setting; the Deployment tests check the Bicep.
/// Secrets are also never logged or echoed.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class SecretAttribute : Attribute;

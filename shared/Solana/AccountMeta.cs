namespace Bourse.Solana;

public sealed record AccountMeta(PublicKey Key, bool IsSigner, bool IsWritable)
{
    public static AccountMeta Writable(PublicKey key, bool isSigner = false) => new(key, isSigner, IsWritable: true);

    public static AccountMeta ReadOnly(PublicKey key, bool isSigner = false) => new(key, isSigner, IsWritable: false);
}

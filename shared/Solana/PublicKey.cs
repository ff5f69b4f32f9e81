using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using SimpleBase;

namespace Bourse.Solana;

/// <summary>A 32-byte Solana address (an ed25519 public key, or a program-derived address off the curve).</summary>
public readonly struct PublicKey : IEquatable<PublicKey>
{
    public const int Length = 32;
    public const int MaxSeeds = 16;
    public const int MaxSeedLength = 32;

    private static readonly byte[] PdaMarker = Encoding.ASCII.GetBytes("ProgramDerivedAddress");

    private readonly byte[] _bytes;

    public PublicKey(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException($"A public key is {Length} bytes, not {bytes.Length}.", nameof(bytes));
        }

        _bytes = bytes.ToArray();
    }

    public static PublicKey Default { get; } = new(new byte[Length]);

    public ReadOnlySpan<byte> Bytes => _bytes ?? Default._bytes;

    /// <summary>Whether the bytes decode to a point on ed25519, as the chain decides it (see <see cref="Ed25519Curve"/>).</summary>
    public bool IsOnCurve => Ed25519Curve.IsOnCurve(Bytes);

    public static PublicKey Parse(string base58) =>
        TryParse(base58, out var key) ? key : throw new FormatException($"'{base58}' is not a base58 public key.");

    public static bool TryParse([NotNullWhen(true)] string? base58, out PublicKey key)
    {
        key = default;
        if (string.IsNullOrEmpty(base58) || base58.Length > 44)
        {
            return false;
        }

        Span<byte> buffer = stackalloc byte[64];
        if (!Base58.Bitcoin.TryDecode(base58, buffer, out var written) || written != Length)
        {
            return false;
        }

        key = new PublicKey(buffer[..Length]);
        return true;
    }

    /// <summary>sha256(seeds ‖ program id ‖ "ProgramDerivedAddress"), which must be off the curve.</summary>
    public static bool TryCreateProgramAddress(IReadOnlyList<byte[]> seeds, PublicKey programId, out PublicKey address)
    {
        ValidateSeeds(seeds, extra: 0);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var seed in seeds)
        {
            sha.AppendData(seed);
        }

        sha.AppendData(programId.Bytes);
        sha.AppendData(PdaMarker);
        address = new PublicKey(sha.GetHashAndReset());
        return !address.IsOnCurve;
    }

    /// <summary>The canonical program-derived address: the first bump from 255 down whose address is off the curve.</summary>
    public static (PublicKey Address, byte Bump) FindProgramAddress(IReadOnlyList<byte[]> seeds, PublicKey programId)
    {
        ValidateSeeds(seeds, extra: 1);
        var withBump = new byte[seeds.Count + 1][];
        for (var i = 0; i < seeds.Count; i++)
        {
            withBump[i] = seeds[i];
        }

        for (var bump = 255; bump >= 0; bump--)
        {
            withBump[^1] = [(byte)bump];
            if (TryCreateProgramAddress(withBump, programId, out var address))
            {
                return (address, (byte)bump);
            }
        }

        throw new InvalidOperationException("No bump gives an address off the curve.");
    }

    /// <summary>The associated token account of <paramref name="owner"/> for <paramref name="mint"/> under Token or Token-2022.</summary>
    public static PublicKey FindAssociatedTokenAddress(PublicKey owner, PublicKey mint, PublicKey tokenProgramId) =>
        FindProgramAddress([owner.Bytes.ToArray(), tokenProgramId.Bytes.ToArray(), mint.Bytes.ToArray()], Programs.ProgramIds.AssociatedToken).Address;

    public override string ToString() => Base58.Bitcoin.Encode(Bytes);

    public bool Equals(PublicKey other) => Bytes.SequenceEqual(other.Bytes);

    public override bool Equals(object? obj) => obj is PublicKey other && Equals(other);

    public override int GetHashCode() => BinaryPrimitives.ReadInt32LittleEndian(Bytes);

    public static bool operator ==(PublicKey left, PublicKey right) => left.Equals(right);

    public static bool operator !=(PublicKey left, PublicKey right) => !left.Equals(right);

    private static void ValidateSeeds(IReadOnlyList<byte[]> seeds, int extra)
    {
        if (seeds.Count + extra > MaxSeeds)
        {
            throw new ArgumentException($"At most {MaxSeeds} seeds, bump included.", nameof(seeds));
        }

        if (seeds.Any(s => s.Length > MaxSeedLength))
        {
            throw new ArgumentException($"A seed is at most {MaxSeedLength} bytes.", nameof(seeds));
        }
    }
}

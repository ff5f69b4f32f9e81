using System.Text;
using Bourse.Solana;

namespace Bourse.Quasar;

/// <summary>
/// An instruction of the program. <see cref="Encode"/> gives its data (<c>disc ‖ args</c>); <see cref="Build"/> the
/// whole instruction, with the accounts in the IDL's order: the ones the caller names, constant addresses, and
/// PDAs derived from their seeds. For example:
/// <code>
/// var ix = idl.Instruction("burn").Build(
///     new Dictionary&lt;string, PublicKey&gt; { ["cranker"] = crank, ["listing"] = listing, ["vaultTokenAccount"] = ata, ["mint"] = mint, ["tokenProgram"] = program },
///     new Dictionary&lt;string, object?&gt; { ["amount"] = 1_000_000UL });
/// </code>
/// </summary>
public sealed class IdlInstruction(string name, byte[] discriminator, IReadOnlyList<IdlInstructionAccount> accounts, IdlStruct args, bool acceptsRemainingAccounts, PublicKey programId)
{
    public string Name { get; } = name;

    public ReadOnlyMemory<byte> Discriminator { get; } = discriminator;

    public IReadOnlyList<IdlInstructionAccount> Accounts { get; } = accounts;

    public IdlStruct Args { get; } = args;

    /// <summary>Whether extra accounts may follow the declared ones (e.g. a swap venue's).</summary>
    public bool AcceptsRemainingAccounts { get; } = acceptsRemainingAccounts;

    public PublicKey ProgramId { get; } = programId;

    /// <summary>The instruction data: discriminator, then the args in the IDL's layout.</summary>
    public byte[] Encode(IReadOnlyDictionary<string, object?> args)
    {
        var writer = new QuasarWriter();
        writer.Bytes(Discriminator.Span);
        Args.Write(writer, args);
        return writer.ToArray();
    }

    /// <summary>The args of this instruction's data; a wrong discriminator or length is a <see cref="FormatException"/>.</summary>
    public QuasarRecord DecodeArgs(ReadOnlySpan<byte> data)
    {
        if (!data.StartsWith(Discriminator.Span))
        {
            throw new FormatException($"Not a {Name} instruction.");
        }

        var reader = new QuasarReader(data[Discriminator.Length..]);
        var record = Args.Read(ref reader);
        return reader.Remaining == 0 ? record : throw new FormatException($"{Name}: {reader.Remaining} byte(s) after the args.");
    }

    /// <summary>The account metas in the IDL's order: named ones from <paramref name="accounts"/>, constants and PDAs resolved.</summary>
    public IReadOnlyList<AccountMeta> AccountMetas(IReadOnlyDictionary<string, PublicKey> accounts, IReadOnlyDictionary<string, object?>? args = null)
    {
        var resolved = new Dictionary<string, PublicKey>(accounts, StringComparer.Ordinal);
        var unknown = accounts.Keys.Where(k => Accounts.All(a => a.Name != k)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"{Name} has no account(s) {string.Join(", ", unknown)}.", nameof(accounts));
        }

        return [.. Accounts.Select(a => new AccountMeta(Resolve(a, resolved, args, depth: 0), a.Signer, a.Writable))];
    }

    /// <summary>The whole instruction; <paramref name="remainingAccounts"/> follow the declared ones.</summary>
    public TransactionInstruction Build(
        IReadOnlyDictionary<string, PublicKey> accounts, IReadOnlyDictionary<string, object?> args, IEnumerable<AccountMeta>? remainingAccounts = null)
    {
        var metas = AccountMetas(accounts, args).ToList();
        if (remainingAccounts is not null)
        {
            if (!AcceptsRemainingAccounts)
            {
                throw new ArgumentException($"{Name} takes no remaining accounts.", nameof(remainingAccounts));
            }

            metas.AddRange(remainingAccounts);
        }

        return new TransactionInstruction(ProgramId, metas, Encode(args));
    }

    private PublicKey Resolve(IdlInstructionAccount account, Dictionary<string, PublicKey> resolved, IReadOnlyDictionary<string, object?>? args, int depth)
    {
        if (resolved.TryGetValue(account.Name, out var known))
        {
            return known;
        }

        if (depth > Accounts.Count)
        {
            throw new InvalidOperationException($"{Name}: the seeds of '{account.Name}' refer to each other.");
        }

        var key = account.Resolver.Kind switch
        {
            "const" => PublicKey.Parse(account.Resolver.Address!),
            "pda" => PublicKey.FindProgramAddress([.. account.Resolver.Seeds.Select(s => Seed(s, resolved, args, depth))], ProgramId).Address,
            _ => throw new ArgumentException($"{Name} needs the account '{account.Name}'."),
        };
        resolved[account.Name] = key;
        return key;
    }

    private byte[] Seed(IdlSeed seed, Dictionary<string, PublicKey> resolved, IReadOnlyDictionary<string, object?>? args, int depth)
    {
        switch (seed.Kind)
        {
            case "const":
                return seed.Value!;
            case "account":
                var account = Accounts.FirstOrDefault(a => a.Name == seed.Path)
                    ?? throw new InvalidOperationException($"{Name}: a seed names the unknown account '{seed.Path}'.");
                return Resolve(account, resolved, args, depth + 1).Bytes.ToArray();
            case "arg":
                var field = Args.Fields.FirstOrDefault(f => f.Name == seed.Path)
                    ?? throw new InvalidOperationException($"{Name}: a seed names the unknown arg '{seed.Path}'.");
                if (args is null || !args.TryGetValue(field.Name, out var value))
                {
                    throw new ArgumentException($"{Name}: the arg '{field.Name}' is needed to derive an account.");
                }

                if (value is string text && field.Type is IdlType.Primitive { Name: "string" })
                {
                    return Encoding.UTF8.GetBytes(text);
                }

                var writer = new QuasarWriter();
                QuasarCodec.Write(writer, field.Type, value, $"{Name}.{field.Name}");
                return writer.ToArray();
            default:
                throw new InvalidOperationException($"{Name}: unknown seed kind '{seed.Kind}'.");
        }
    }

    public override string ToString() => Name;
}

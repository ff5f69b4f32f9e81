using System.Text.Json;
using Bourse.Solana;

namespace Bourse.Quasar;

/// <summary>
/// The program's interface, read from a <c>quasar-idl/1.0.0</c> JSON file at run time: account types, instructions
/// and events with their discriminators (explicit bytes at offset 0) and layouts (fields packed little-endian with
/// alignment 1; strings and vectors after the fixed fields, each with a length prefix: u8 for strings, u16 for
/// vectors unless a field's <c>codec</c> says otherwise). Nothing about the program is compiled in: a new field,
/// account or instruction in the file is decoded and encoded without a code change.
/// </summary>
public sealed class QuasarIdl
{
    /// <summary>The IDL shipped with the code: <c>shared/Quasar/quasar_ai_compute_market.idl.json</c>.</summary>
    public const string BundledFileName = "quasar_ai_compute_market.idl.json";

    private static readonly Lazy<QuasarIdl> Bundled = new(LoadBundled);

    private readonly Dictionary<string, IdlAccount> _accounts;
    private readonly Dictionary<string, IdlInstruction> _instructions;
    private readonly Dictionary<string, IdlEvent> _events;

    private QuasarIdl(string name, string spec, PublicKey address, IReadOnlyList<IdlAccount> accounts, IReadOnlyList<IdlInstruction> instructions, IReadOnlyList<IdlEvent> events, IReadOnlyDictionary<string, IdlTypeDefinition> types)
    {
        Name = name;
        Spec = spec;
        ProgramId = address;
        Accounts = accounts;
        Instructions = instructions;
        Events = events;
        Types = types;
        _accounts = accounts.ToDictionary(a => a.Name, StringComparer.Ordinal);
        _instructions = instructions.ToDictionary(i => i.Name, StringComparer.Ordinal);
        _events = events.ToDictionary(e => e.Name, StringComparer.Ordinal);
    }

    /// <summary>The IDL bundled with the code (embedded from <see cref="BundledFileName"/>).</summary>
    public static QuasarIdl Default => Bundled.Value;

    public string Name { get; }

    public string Spec { get; }

    /// <summary>The program's address as the IDL gives it (a deployment may override it).</summary>
    public PublicKey ProgramId { get; }

    public IReadOnlyList<IdlAccount> Accounts { get; }

    public IReadOnlyList<IdlInstruction> Instructions { get; }

    public IReadOnlyList<IdlEvent> Events { get; }

    public IReadOnlyDictionary<string, IdlTypeDefinition> Types { get; }

    public IdlAccount Account(string name) =>
        _accounts.TryGetValue(name, out var account) ? account : throw new KeyNotFoundException($"The IDL has no account type '{name}'.");

    public IdlInstruction Instruction(string name) =>
        _instructions.TryGetValue(name, out var instruction) ? instruction : throw new KeyNotFoundException($"The IDL has no instruction '{name}'.");

    public IdlEvent Event(string name) =>
        _events.TryGetValue(name, out var e) ? e : throw new KeyNotFoundException($"The IDL has no event '{name}'.");

    /// <summary>The account type whose discriminator <paramref name="data"/> starts with, or null.</summary>
    public IdlAccount? AccountTypeOf(ReadOnlySpan<byte> data)
    {
        foreach (var account in Accounts)
        {
            if (account.Matches(data))
            {
                return account;
            }
        }

        return null;
    }

    /// <summary>The instruction whose discriminator <paramref name="data"/> starts with, or null.</summary>
    public IdlInstruction? InstructionOf(ReadOnlySpan<byte> data)
    {
        foreach (var instruction in Instructions)
        {
            if (data.StartsWith(instruction.Discriminator.Span))
            {
                return instruction;
            }
        }

        return null;
    }

    /// <summary>An event from its bytes (<c>disc ‖ fields</c>), or null when no event of the IDL decodes from them.</summary>
    public QuasarRecord? DecodeEvent(ReadOnlySpan<byte> data)
    {
        foreach (var e in Events)
        {
            if (e.TryDecode(data, out var record))
            {
                return record;
            }
        }

        return null;
    }

    /// <summary>Same IDL, another program address (e.g. a local or devnet deployment).</summary>
    public QuasarIdl WithProgramId(PublicKey programId) => programId == ProgramId
        ? this
        : new QuasarIdl(Name, Spec, programId, Accounts,
            [.. Instructions.Select(i => new IdlInstruction(i.Name, i.Discriminator.ToArray(), i.Accounts, i.Args, i.AcceptsRemainingAccounts, programId))],
            Events, Types);

    public static QuasarIdl Load(string path) => Parse(File.ReadAllText(path));

    /// <summary>Reads an IDL; an unknown type name, a duplicate discriminator or a malformed entry is a <see cref="FormatException"/>.</summary>
    public static QuasarIdl Parse(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return QuasarIdlReader.Read(document.RootElement);
    }

    internal static QuasarIdl Create(string name, string spec, PublicKey address, IReadOnlyList<IdlAccount> accounts, IReadOnlyList<IdlInstruction> instructions, IReadOnlyList<IdlEvent> events, IReadOnlyDictionary<string, IdlTypeDefinition> types) =>
        new(name, spec, address, accounts, instructions, events, types);

    private static QuasarIdl LoadBundled()
    {
        using var stream = typeof(QuasarIdl).Assembly.GetManifestResourceStream(BundledFileName)
            ?? throw new InvalidOperationException($"The bundled IDL {BundledFileName} is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }
}

using System.Text.Json;
using Bourse.Solana;

namespace Bourse.Quasar;

/// <summary>Builds a <see cref="QuasarIdl"/> from its JSON (the <c>quasar-idl/1.0.0</c> shape; Anchor-style type names are accepted too).</summary>
internal static class QuasarIdlReader
{
    public static QuasarIdl Read(JsonElement root)
    {
        var spec = root.TryGetProperty("spec", out var s) ? s.GetString() ?? "" : "";
        if (!spec.StartsWith("quasar-idl/", StringComparison.Ordinal))
        {
            throw new FormatException($"Not a Quasar IDL: spec is '{spec}', not quasar-idl/….");
        }

        var name = Text(root, "name");
        var address = PublicKey.Parse(Text(root, "address"));

        // Types first (two passes: names, then fields), so fields can refer to any of them.
        var typeElements = Array(root, "types");
        var types = new Dictionary<string, IdlTypeDefinition>(StringComparer.Ordinal);
        var pending = new List<(JsonElement Element, string Name)>();
        foreach (var t in typeElements)
        {
            var typeName = Text(t, "name");
            var kind = t.TryGetProperty("kind", out var k) ? k.GetString()
                : t.TryGetProperty("type", out var inner) && inner.TryGetProperty("kind", out var ik) ? ik.GetString() : null;
            if (kind == "enum")
            {
                var variants = (t.TryGetProperty("variants", out var v) ? v : t.GetProperty("type").GetProperty("variants"))
                    .EnumerateArray().Select(x => Text(x, "name")).ToList();
                types.Add(typeName, new IdlEnum(typeName, variants));
            }
            else if (kind == "struct")
            {
                pending.Add((t, typeName));
            }
            else
            {
                throw new FormatException($"Type '{typeName}': kind '{kind}' is not supported (struct or enum).");
            }
        }

        var defined = new List<IdlType.Defined>();
        var structs = new Dictionary<string, IdlStruct>(StringComparer.Ordinal);
        foreach (var (element, typeName) in pending)
        {
            var fieldsElement = element.TryGetProperty("fields", out var f) ? f : element.GetProperty("type").GetProperty("fields");
            var tailNames = element.TryGetProperty("layout", out var layout) && layout.TryGetProperty("tailFields", out var tf)
                ? tf.EnumerateArray().Select(x => x.GetString()!).ToHashSet(StringComparer.Ordinal)
                : [];
            var structDef = new IdlStruct(typeName, Fields(fieldsElement, tailNames, defined, typeName));
            structs.Add(typeName, structDef);
            types.Add(typeName, structDef);
        }

        foreach (var d in defined)
        {
            d.Definition = types.TryGetValue(d.Name, out var def) ? def : throw new FormatException($"Unknown type '{d.Name}'.");
        }

        var accounts = Array(root, "accounts").Select(a =>
        {
            var accountName = Text(a, "name");
            return new IdlAccount(accountName, Discriminator(a, accountName), structs.TryGetValue(accountName, out var layout)
                ? layout : throw new FormatException($"Account '{accountName}' has no struct of that name in types."));
        }).ToList();
        var events = Array(root, "events").Select(e =>
        {
            var eventName = Text(e, "name");
            return new IdlEvent(eventName, Discriminator(e, eventName), structs.TryGetValue(eventName, out var layout)
                ? layout : throw new FormatException($"Event '{eventName}' has no struct of that name in types."));
        }).ToList();
        var instructions = Array(root, "instructions").Select(i =>
        {
            var ixName = Text(i, "name");
            var tailNames = i.TryGetProperty("layout", out var layout) && layout.TryGetProperty("tailFields", out var tf)
                ? tf.EnumerateArray().Select(x => x.GetString()!).ToHashSet(StringComparer.Ordinal)
                : [];
            var args = new IdlStruct(ixName, i.TryGetProperty("args", out var a) ? Fields(a, tailNames, defined, ixName) : []);
            var ixAccounts = i.TryGetProperty("accounts", out var accs) ? accs.EnumerateArray().Select(InstructionAccount).ToList() : [];
            return new IdlInstruction(ixName, Discriminator(i, ixName), ixAccounts, args, i.TryGetProperty("remainingAccounts", out _), address);
        }).ToList();

        foreach (var d in defined)
        {
            d.Definition ??= types.TryGetValue(d.Name, out var def) ? def : throw new FormatException($"Unknown type '{d.Name}'.");
        }

        Unique(accounts.Select(a => (a.Name, a.Discriminator)), "account");
        Unique(instructions.Select(i => (i.Name, i.Discriminator)), "instruction");
        Unique(events.Select(e => (e.Name, e.Discriminator)), "event");
        return QuasarIdl.Create(name, spec, address, accounts, instructions, events, types);
    }

    private static List<IdlField> Fields(JsonElement fields, HashSet<string> tailNames, List<IdlType.Defined> defined, string owner)
    {
        var result = new List<IdlField>();
        foreach (var f in fields.EnumerateArray())
        {
            var fieldName = Text(f, "name");
            var type = Type(f.GetProperty("type"), defined);
            var dynamic = type is IdlType.Vec or IdlType.Primitive { Name: "string" };
            int prefix = type is IdlType.Vec ? 2 : 1;
            int? max = null;
            var tail = dynamic && (tailNames.Count == 0 || tailNames.Contains(fieldName));
            if (f.TryGetProperty("codec", out var codec))
            {
                if (codec.TryGetProperty("prefix", out var p))
                {
                    prefix = (p.ValueKind == JsonValueKind.String ? p.GetString() : Text(p, "type")) switch
                    {
                        "u8" => 1,
                        "u16" => 2,
                        "u32" => 4,
                        var other => throw new FormatException($"{owner}.{fieldName}: length prefix '{other}' is not supported."),
                    };
                }

                tail = !codec.TryGetProperty("storage", out var storage) || storage.GetString() == "tail";
                max = codec.TryGetProperty("maxBytes", out var mb) ? mb.GetInt32() : codec.TryGetProperty("maxItems", out var mi) ? mi.GetInt32() : null;
            }

            if (tail && !dynamic)
            {
                throw new FormatException($"{owner}.{fieldName}: only strings and vectors can be stored after the fixed fields.");
            }

            result.Add(new IdlField(fieldName, type, tail, prefix, max));
        }

        return result;
    }

    private static IdlType Type(JsonElement element, List<IdlType.Defined> defined)
    {
        if (element.ValueKind == JsonValueKind.String)
        {
            var name = element.GetString()!;
            switch (name)
            {
                case "publicKey" or "address" or "Address":
                    return new IdlType.Primitive("pubkey", 32);
                case "bytes":
                    return new IdlType.Vec(new IdlType.Primitive("u8", 1));
            }

            if (IdlType.PrimitiveSizes.TryGetValue(name, out var size))
            {
                return new IdlType.Primitive(name, size);
            }

            var d = new IdlType.Defined(name);
            defined.Add(d);
            return d;
        }

        if (element.TryGetProperty("vec", out var vec))
        {
            return new IdlType.Vec(Type(vec, defined));
        }

        if (element.TryGetProperty("array", out var array))
        {
            return new IdlType.Array(Type(array[0], defined), array[1].GetInt32());
        }

        if (element.TryGetProperty("option", out var option))
        {
            return new IdlType.Option(Type(option, defined));
        }

        if (element.TryGetProperty("defined", out var def))
        {
            var d = new IdlType.Defined(def.ValueKind == JsonValueKind.String ? def.GetString()! : Text(def, "name"));
            defined.Add(d);
            return d;
        }

        throw new FormatException($"Unsupported type {element.GetRawText()}.");
    }

    private static IdlInstructionAccount InstructionAccount(JsonElement a)
    {
        var resolver = new IdlAccountResolver("input", null, []);
        if (a.TryGetProperty("resolver", out var r))
        {
            var seeds = r.TryGetProperty("seeds", out var s)
                ? s.EnumerateArray().Select(x => new IdlSeed(
                    Text(x, "kind"),
                    x.TryGetProperty("value", out var v) ? [.. v.EnumerateArray().Select(b => b.GetByte())] : null,
                    x.TryGetProperty("path", out var p) ? p.GetString() : null)).ToList()
                : [];
            if (r.TryGetProperty("program", out var program) && Text(program, "kind") != "programId")
            {
                throw new FormatException($"Account '{Text(a, "name")}': PDAs of other programs are not supported.");
            }

            resolver = new IdlAccountResolver(Text(r, "kind"), r.TryGetProperty("address", out var addr) ? addr.GetString() : null, seeds);
        }
        else if (a.TryGetProperty("address", out var address))
        {
            resolver = new IdlAccountResolver("const", address.GetString(), []);
        }

        return new IdlInstructionAccount(
            Text(a, "name"),
            Flag(a, "writable") || Flag(a, "isMut"),
            Flag(a, "signer") || Flag(a, "isSigner"),
            resolver);
    }

    private static bool Flag(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    private static byte[] Discriminator(JsonElement e, string owner)
    {
        var bytes = e.TryGetProperty("discriminator", out var d) ? d.EnumerateArray().Select(b => b.GetByte()).ToArray() : [];
        return bytes.Length == 0 || bytes.All(b => b == 0)
            ? throw new FormatException($"'{owner}' needs a non-zero discriminator.")
            : bytes;
    }

    private static void Unique(IEnumerable<(string Name, ReadOnlyMemory<byte> Disc)> items, string what)
    {
        var list = items.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            for (var j = i + 1; j < list.Count; j++)
            {
                var a = list[i].Disc.Span;
                var b = list[j].Disc.Span;
                if (a.StartsWith(b) || b.StartsWith(a))
                {
                    throw new FormatException($"The {what}s '{list[i].Name}' and '{list[j].Name}' have clashing discriminators.");
                }
            }
        }
    }

    private static List<JsonElement> Array(JsonElement root, string name) =>
        root.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array ? [.. array.EnumerateArray()] : [];

    private static string Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.GetString() is { Length: > 0 } s ? s : throw new FormatException($"An IDL entry lacks '{name}': {Short(e)}");

    private static string Short(JsonElement e)
    {
        var text = e.GetRawText();
        return text.Length > 120 ? text[..120] + "…" : text;
    }
}

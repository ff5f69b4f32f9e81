namespace Bourse.Quasar;

/// <summary>
/// A type in the IDL: a primitive (<c>u8</c>…<c>u64</c>, <c>i8</c>…<c>i64</c>, <c>bool</c>, <c>pubkey</c>,
/// <c>string</c>), <c>{"vec": T}</c>, <c>{"array": [T, n]}</c>, <c>{"option": T}</c> or a named type of the IDL's
/// <c>types</c> (<c>"Name"</c> or <c>{"defined": "Name"}</c>).
/// </summary>
public abstract record IdlType
{
    /// <summary>Bytes on the wire when the size does not depend on the value; null for strings and vectors.</summary>
    public abstract int? FixedSize { get; }

    public sealed record Primitive(string Name, int Size) : IdlType
    {
        public override int? FixedSize => Name == "string" ? null : Size;

        public override string ToString() => Name;
    }

    public sealed record Vec(IdlType Item) : IdlType
    {
        public override int? FixedSize => null;

        public override string ToString() => $"vec<{Item}>";
    }

    public sealed record Array(IdlType Item, int Length) : IdlType
    {
        public override int? FixedSize => Item.FixedSize * Length;

        public override string ToString() => $"[{Item}; {Length}]";
    }

    /// <summary>A one-byte tag (0 none, 1 some), then the value.</summary>
    public sealed record Option(IdlType Item) : IdlType
    {
        public override int? FixedSize => null;

        public override string ToString() => $"option<{Item}>";
    }

    /// <summary>A named struct or enum, resolved against the IDL's types when the IDL is loaded.</summary>
    public sealed record Defined(string Name) : IdlType
    {
        internal IdlTypeDefinition? Definition { get; set; }

        public override int? FixedSize => Definition?.FixedSize;

        public override string ToString() => Name;
    }

    internal static readonly IReadOnlyDictionary<string, int> PrimitiveSizes = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["u8"] = 1, ["i8"] = 1, ["bool"] = 1,
        ["u16"] = 2, ["i16"] = 2,
        ["u32"] = 4, ["i32"] = 4,
        ["u64"] = 8, ["i64"] = 8,
        ["pubkey"] = 32,
        ["string"] = 0,
    };
}

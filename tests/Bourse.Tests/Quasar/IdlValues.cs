using Bourse.Quasar;
using Bourse.Solana;

namespace Bourse.Tests.Quasar;

/// <summary>Values for any IDL struct, made from its field types: strings and vectors filled to their maximum, so every layout is exercised.</summary>
internal static class IdlValues
{
    public static Dictionary<string, object?> For(IdlStruct layout, Random random) =>
        layout.Fields.ToDictionary(f => f.Name, f => Value(f.Type, f.IsTail ? f.MaxLength : null, random));

    private static object? Value(IdlType type, int? max, Random random) => type switch
    {
        IdlType.Primitive { Name: "string" } => new string([.. Enumerable.Range(0, Math.Min(max ?? 12, 40)).Select(i => "aé/-Z9"[random.Next(6)])])[..Math.Min(max ?? 12, 40)],
        IdlType.Primitive { Name: "u8" } => (byte)random.Next(256),
        IdlType.Primitive { Name: "i8" } => (sbyte)random.Next(-128, 128),
        IdlType.Primitive { Name: "bool" } => random.Next(2) == 1,
        IdlType.Primitive { Name: "u16" } => (ushort)random.Next(65536),
        IdlType.Primitive { Name: "i16" } => (short)random.Next(-32768, 32768),
        IdlType.Primitive { Name: "u32" } => (uint)random.NextInt64(uint.MaxValue),
        IdlType.Primitive { Name: "i32" } => random.Next(int.MinValue, int.MaxValue),
        IdlType.Primitive { Name: "u64" } => (ulong)random.NextInt64() * 2 + 1,
        IdlType.Primitive { Name: "i64" } => -random.NextInt64(),
        IdlType.Primitive { Name: "pubkey" } => Keypair.Generate().PublicKey,
        IdlType.Vec { Item: IdlType.Primitive { Name: "u8" } } => RandomBytes(Math.Min(max ?? 8, 64), random),
        IdlType.Vec v => Enumerable.Range(0, Math.Min(max ?? 3, 5)).Select(_ => Value(v.Item, 10, random)).ToList(),
        IdlType.Array { Item: IdlType.Primitive { Name: "u8" } } a => RandomBytes(a.Length, random),
        IdlType.Array a => Enumerable.Range(0, a.Length).Select(_ => Value(a.Item, null, random)).ToList(),
        IdlType.Option o => random.Next(2) == 1 ? Value(o.Item, max, random) : null,
        IdlType.Defined { Definition: IdlStruct s } => For(s, random),
        IdlType.Defined { Definition: IdlEnum e } => e.Variants[random.Next(e.Variants.Count)],
        _ => throw new InvalidOperationException($"No value for {type}."),
    };

    private static byte[] RandomBytes(int n, Random random)
    {
        var bytes = new byte[n];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Decoded values compared with what was encoded (lists and records element by element).</summary>
    public static void AssertSame(object? expected, object? actual, string path)
    {
        switch (expected)
        {
            case null:
                Assert.Null(actual);
                break;
            case byte[] bytes:
                Assert.Equal(bytes, Assert.IsType<byte[]>(actual));
                break;
            case IDictionary<string, object?> fields:
                var record = Assert.IsType<QuasarRecord>(actual);
                Assert.Equal(fields.Keys.Order(), record.Fields.Select(f => f.Key).Order());
                foreach (var (name, value) in fields)
                {
                    AssertSame(value, record[name], $"{path}.{name}");
                }

                break;
            case System.Collections.IList list:
                var items = Assert.IsAssignableFrom<IReadOnlyList<object?>>(actual);
                Assert.Equal(list.Count, items.Count);
                for (var i = 0; i < list.Count; i++)
                {
                    AssertSame(list[i], items[i], $"{path}[{i}]");
                }

                break;
            default:
                Assert.True(Equals(expected, actual), $"{path}: expected {expected} ({expected.GetType().Name}), got {actual} ({actual?.GetType().Name})");
                break;
        }
    }
}

using System.Globalization;
using Bourse.Solana;

namespace Bourse.Quasar;

/// <summary>
/// A decoded struct (an account, an event, instruction args): field name → value, in the IDL's order.
/// Values: <c>byte</c>…<c>ulong</c>, <c>sbyte</c>…<c>long</c>, <c>bool</c>, <see cref="PublicKey"/>, <c>string</c>,
/// <c>byte[]</c> (u8 vectors and arrays), <c>IReadOnlyList&lt;object?&gt;</c> (other vectors and arrays), a nested
/// <see cref="QuasarRecord"/>, an enum variant's name (<c>string</c>), or null (an empty option).
/// </summary>
public sealed class QuasarRecord(string typeName, IReadOnlyList<KeyValuePair<string, object?>> fields)
{
    private Dictionary<string, object?>? _byName;

    /// <summary>The IDL type it was decoded as, e.g. <c>ModelListing</c>.</summary>
    public string TypeName { get; } = typeName;

    public IReadOnlyList<KeyValuePair<string, object?>> Fields { get; } = fields;

    public object? this[string name] => TryGet(name, out var value)
        ? value
        : throw new KeyNotFoundException($"{TypeName} has no field '{name}'.");

    public bool TryGet(string name, out object? value)
    {
        _byName ??= Fields.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
        return _byName.TryGetValue(name, out value);
    }

    public PublicKey GetPublicKey(string name) => (PublicKey)this[name]!;

    public string GetString(string name) => (string)this[name]!;

    /// <summary>An unsigned integer field of any width.</summary>
    public ulong GetUInt64(string name) => Convert.ToUInt64(this[name], CultureInfo.InvariantCulture);

    /// <summary>A signed integer field of any width.</summary>
    public long GetInt64(string name) => Convert.ToInt64(this[name], CultureInfo.InvariantCulture);

    public bool GetBoolean(string name) => (bool)this[name]!;

    public override string ToString() => $"{TypeName} {{ {string.Join(", ", Fields.Select(f => $"{f.Key} = {Show(f.Value)}"))} }}";

    private static string Show(object? value) => value switch
    {
        null => "null",
        byte[] bytes => Convert.ToHexString(bytes),
        IReadOnlyList<object?> list => $"[{string.Join(", ", list.Select(Show))}]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}

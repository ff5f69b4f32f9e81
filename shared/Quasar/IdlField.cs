namespace Bourse.Quasar;

/// <summary>
/// A field of a struct, an instruction's args or an event. <see cref="IsTail"/>: a dynamic field stored after
/// the fixed ones (compact layout), with a little-endian length prefix of <see cref="PrefixSize"/> bytes
/// (u8 for strings, u16 for vectors unless the IDL says otherwise) and at most <see cref="MaxLength"/>
/// bytes (strings) or items (vectors).
/// </summary>
public sealed record IdlField(string Name, IdlType Type, bool IsTail, int PrefixSize, int? MaxLength);

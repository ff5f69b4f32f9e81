namespace Bourse.Quasar;

/// <summary>An entry of the IDL's <c>types</c>: a struct (<see cref="IdlStruct"/>) or an enum (<see cref="IdlEnum"/>).</summary>
public abstract class IdlTypeDefinition(string name)
{
    public string Name { get; } = name;

    /// <summary>Bytes on the wire when they do not depend on the value.</summary>
    public abstract int? FixedSize { get; }
}

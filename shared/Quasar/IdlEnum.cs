namespace Bourse.Quasar;

/// <summary>An enum of unit variants, a one-byte tag on the wire; decoded as the variant's name.</summary>
public sealed class IdlEnum(string name, IReadOnlyList<string> variants) : IdlTypeDefinition(name)
{
    public IReadOnlyList<string> Variants { get; } = variants;

    public override int? FixedSize => 1;
}

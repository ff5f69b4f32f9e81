namespace Bourse.Storage;

/// <summary>
/// Caller-chosen ids that become part of a table key (account ids, deposit ids): 1 to
/// <see cref="MaxIdLength"/> characters, none of the characters Azure Tables forbids in keys
/// (<c>/ \ # ?</c> and control characters). Checked at the edge, so storage never sees one it refuses.
/// </summary>
public static class TableKey
{
    public const int MaxIdLength = 256;

    public static bool IsValidId(string? id) =>
        id is { Length: > 0 and <= MaxIdLength } && !id.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
}

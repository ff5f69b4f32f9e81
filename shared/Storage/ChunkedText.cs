using System.Globalization;
using System.Text;
using Azure.Data.Tables;

namespace Bourse.Storage;

/// <summary>
/// Text longer than one table property holds (64 KiB, 32K UTF-16 characters), spread over properties
/// <c>prefix0</c>, <c>prefix1</c>… of at most <see cref="MaxChars"/> each, never split inside a surrogate pair.
/// An entity (≤ 1 MiB) holds about a dozen of them.
/// </summary>
public static class ChunkedText
{
    public const int MaxChars = 30_000;

    public static void Write(TableEntity entity, string prefix, string text)
    {
        for (int start = 0, n = 0; start < text.Length; n++)
        {
            var length = Math.Min(MaxChars, text.Length - start);
            if (start + length < text.Length && char.IsHighSurrogate(text[start + length - 1]))
            {
                length--;
            }

            entity[prefix + n.ToString(CultureInfo.InvariantCulture)] = text.Substring(start, length);
            start += length;
        }
    }

    /// <summary>The text the entity's <paramref name="prefix"/> properties hold; empty when there are none.</summary>
    public static string Read(TableEntity entity, string prefix)
    {
        var text = new StringBuilder();
        for (var n = 0; entity.GetString(prefix + n.ToString(CultureInfo.InvariantCulture)) is { } chunk; n++)
        {
            text.Append(chunk);
        }

        return text.ToString();
    }
}

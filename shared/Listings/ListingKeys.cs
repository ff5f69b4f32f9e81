using System.Text;

namespace Bourse.Listings;

/// <summary>
/// Table keys of a listing. Model ids contain '/', which a table key may not (nor '\', '#', '?' or
/// control characters), so the row key escapes them as <c>%XX</c> ('%' itself too): reversible and
/// readable. Rows spread over 16 partitions by a stable hash so a large registry loads in parallel.
/// </summary>
public static class ListingKeys
{
    public const int Partitions = 16;

    public static string RowKey(string modelId)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        var key = new StringBuilder(modelId.Length + 8);
        foreach (var c in modelId)
        {
            if (c is '/' or '\\' or '#' or '?' or '%' || char.IsControl(c))
            {
                key.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                key.Append(c);
            }
        }

        return key.ToString();
    }

    public static string ModelId(string rowKey)
    {
        var id = new StringBuilder(rowKey.Length);
        for (var i = 0; i < rowKey.Length; i++)
        {
            if (rowKey[i] == '%' && i + 2 < rowKey.Length && int.TryParse(rowKey.AsSpan(i + 1, 2), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var code))
            {
                id.Append((char)code);
                i += 2;
            }
            else
            {
                id.Append(rowKey[i]);
            }
        }

        return id.ToString();
    }

    public static string PartitionKey(string modelId)
    {
        // FNV-1a over UTF-16 code units: stable across processes, unlike string.GetHashCode.
        var hash = 2166136261u;
        foreach (var c in modelId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return "p" + (hash % Partitions).ToString("x", System.Globalization.CultureInfo.InvariantCulture);
    }

    public static IEnumerable<string> AllPartitionKeys() => Enumerable.Range(0, Partitions).Select(i => "p" + i.ToString("x", System.Globalization.CultureInfo.InvariantCulture));
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bourse.Buyback;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BuybackMessage))]
internal sealed partial class BuybackJsonContext : JsonSerializerContext;

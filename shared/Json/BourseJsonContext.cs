using System.Text.Json;
using System.Text.Json.Serialization;
using Bourse.Health;

namespace Bourse.Json;

/// <summary>Source-generated JSON for every shape the apps write.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(Bourse.Usage.UsageEvent))]
[JsonSerializable(typeof(Bourse.Demo.X402DemoReceipt))]
[JsonSerializable(typeof(Bourse.Market.MarketOverview))]
[JsonSerializable(typeof(Bourse.Market.MarketDetail))]
[JsonSerializable(typeof(List<Bourse.Usage.UsageEvent>))]
public sealed partial class BourseJsonContext : JsonSerializerContext;

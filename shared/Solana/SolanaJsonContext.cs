using System.Text.Json.Serialization;

namespace Bourse.Solana;

[JsonSerializable(typeof(int[]), TypeInfoPropertyName = "ByteArrayAsNumbers")]
internal sealed partial class SolanaJsonContext : JsonSerializerContext;

using System.Text.Json;
using System.Text.Json.Serialization;
using Bourse.Solana.Rpc.Models;

namespace Bourse.Solana.Rpc;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(ContextValue<LatestBlockhash>))]
[JsonSerializable(typeof(ContextValue<AccountInfo?>))]
[JsonSerializable(typeof(ContextValue<AccountInfo?[]>))]
[JsonSerializable(typeof(ContextValue<KeyedAccount[]>))]
[JsonSerializable(typeof(KeyedAccount[]))]
[JsonSerializable(typeof(ContextValue<ulong>))]
[JsonSerializable(typeof(ContextValue<TokenAmount>))]
[JsonSerializable(typeof(ContextValue<SimulationResult>))]
[JsonSerializable(typeof(ContextValue<SignatureStatus?[]>))]
[JsonSerializable(typeof(SignatureInfo[]))]
[JsonSerializable(typeof(TransactionDetails))]
[JsonSerializable(typeof(ulong))]
[JsonSerializable(typeof(string))]
internal sealed partial class SolanaRpcJsonContext : JsonSerializerContext;

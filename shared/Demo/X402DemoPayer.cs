using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bourse.Payments.X402;
using Bourse.Settlement;
using Bourse.Solana;
using Bourse.Solana.Programs;
using Bourse.Solana.Rpc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bourse.Demo;

/// <summary>
/// Pays one x402 call the way an agent does, over HTTP against the rail: the unpaid request gets the
/// 402, the demo wallet signs the exact-scheme USDC transfer the quote asks for (the facilitator is the
/// fee payer and co-signs), the paid retry carries it in <c>PAYMENT-SIGNATURE</c>, and the answer comes
/// back with the settled transaction in <c>PAYMENT-RESPONSE</c>.
/// </summary>
public sealed partial class X402DemoPayer(
    HttpClient http,
    SolanaRpcClient rpc,
    IOptions<X402DemoOptions> demoOptions,
    IOptions<X402Options> x402Options,
    TimeProvider time,
    ILogger<X402DemoPayer> logger)
{
    private const int UsdcDecimals = 6;
    private readonly Keypair? _payer = TreasuryOptions.ParseKeypair(demoOptions.Value.PayerKeypair);

    public bool IsEnabled => _payer is not null;

    public async Task<X402DemoOutcome> PayAsync(Uri railUrl, string model, CancellationToken cancellationToken)
    {
        var payer = _payer ?? throw new InvalidOperationException("The x402 demo has no payer (X402Demo:PayerKeypair).");
        var options = demoOptions.Value;
        var started = time.GetTimestamp();
        var body = new JsonObject
        {
            ["model"] = model,
            ["max_tokens"] = options.MaxTokens,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = options.Prompt }),
        }.ToJsonString();

        using var challenge = await http.SendAsync(Request(railUrl, body, payment: null), cancellationToken);
        if (challenge.StatusCode != HttpStatusCode.PaymentRequired)
        {
            return X402DemoOutcome.Failed(X402DemoStatus.NoPayableQuote, $"the rail answered {(int)challenge.StatusCode} instead of 402: {await Describe(challenge, cancellationToken)}");
        }

        var required = HeaderCodec.DecodePaymentRequired(Header(challenge, X402Headers.PaymentRequired));
        if (required.Value is not { } envelope)
        {
            return X402DemoOutcome.Failed(X402DemoStatus.NoPayableQuote, $"the 402 has no readable PAYMENT-REQUIRED header ({required.Reason})");
        }

        var x402 = x402Options.Value;
        var quote = envelope.Accepts.FirstOrDefault(a => a.Scheme == "exact" && a.Network == x402.Network && a.Asset == x402.UsdcMint && a.Extra is not null);
        if (quote is null || !ulong.TryParse(quote.Amount, out var amount))
        {
            return X402DemoOutcome.Failed(X402DemoStatus.NoPayableQuote, $"the 402 offers no exact USDC payment on {x402.Network}");
        }

        if (amount > (ulong)options.MaxPricePerCall)
        {
            return X402DemoOutcome.Failed(X402DemoStatus.NoPayableQuote, $"the quote ({amount} micro-USDC) is above the demo's limit of {options.MaxPricePerCall}");
        }

        var blockhash = quote.Extra!.RecentBlockhash;
        if (string.IsNullOrEmpty(blockhash))
        {
            var latest = await rpc.GetLatestBlockhashAsync(cancellationToken);
            if (!latest.IsSuccess)
            {
                return X402DemoOutcome.Failed(X402DemoStatus.PaymentFailed, "the Solana RPC node did not give a recent blockhash");
            }

            blockhash = latest.Value!.Value.Blockhash;
        }

        var mint = PublicKey.Parse(quote.Asset);
        var payTo = PublicKey.Parse(quote.PayTo);
        var destination = PublicKey.FindAssociatedTokenAddress(payTo, mint, ProgramIds.Token);
        var transaction = new Transaction(Message.Compile(
            PublicKey.Parse(quote.Extra.FeePayer),
            blockhash,
            [
                ComputeBudgetProgram.SetComputeUnitLimit(20_000),
                ComputeBudgetProgram.SetComputeUnitPrice(1),
                TokenProgram.TransferChecked(
                    PublicKey.FindAssociatedTokenAddress(payer.PublicKey, mint, ProgramIds.Token), mint, destination, payer.PublicKey, amount, UsdcDecimals),
                MemoProgram.Memo(quote.Extra.Memo ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))),
            ],
            lookupTables: [])).Sign(payer);
        var payment = HeaderCodec.EncodePayment(new PaymentPayloadV2(2, new SvmPayload(Convert.ToBase64String(transaction.Serialize())), quote, envelope.Resource));

        using var paid = await http.SendAsync(Request(railUrl, body, payment), cancellationToken);
        var settled = HeaderCodec.DecodeSettleResponse(Header(paid, X402Headers.PaymentResponse) ?? Header(paid, X402Headers.XPaymentResponse)).Value;
        var text = await paid.Content.ReadAsStringAsync(cancellationToken);
        if (paid.StatusCode != HttpStatusCode.OK || settled is not { Success: true, Transaction.Length: > 0 })
        {
            Log.Failed(logger, model, (int)paid.StatusCode, settled?.ErrorReason);
            var reason = settled?.ErrorReason ?? DescribeJson(text) ?? $"HTTP {(int)paid.StatusCode}";
            return X402DemoOutcome.Failed(X402DemoStatus.PaymentFailed, $"the paid call was not completed: {reason}");
        }

        var answer = ReadAnswer(text);
        var elapsed = time.GetElapsedTime(started);
        Log.Paid(logger, model, amount, settled.Transaction, elapsed.TotalMilliseconds);
        return new X402DemoOutcome(X402DemoStatus.Paid, Receipt: new X402DemoReceipt(
            model,
            answer,
            quote.Amount,
            quote.PayTo,
            destination.ToString(),
            settled.Transaction,
            settled.Network,
            settled.Payer ?? payer.PublicKey.ToString(),
            (long)elapsed.TotalMilliseconds,
            Header(paid, "X-Bourse-Model-Id")));
    }

    private static HttpRequestMessage Request(Uri url, string body, string? payment)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (payment is not null)
        {
            request.Headers.TryAddWithoutValidation(X402Headers.PaymentSignature, payment);
        }

        return request;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static async Task<string> Describe(HttpResponseMessage response, CancellationToken cancellationToken) =>
        DescribeJson(await response.Content.ReadAsStringAsync(cancellationToken)) ?? response.ReasonPhrase ?? "no detail";

    /// <summary>The message of an OpenAI error envelope, problem details or x402 body, if the text is one.</summary>
    private static string? DescribeJson(string text)
    {
        try
        {
            var node = JsonNode.Parse(text);
            return (string?)node?["error"]?["message"] ?? (node?["error"] is JsonValue v ? (string?)v : null) ?? (string?)node?["detail"] ?? (string?)node?["title"];
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static string ReadAnswer(string text)
    {
        try
        {
            return (string?)JsonNode.Parse(text)?["choices"]?[0]?["message"]?["content"] ?? "";
        }
        catch (JsonException)
        {
            return "";
        }
    }

    private static partial class Log
    {
        [LoggerMessage(4100, LogLevel.Information, "x402 demo: paid {Amount} micro-USDC for {Model} in {ElapsedMs:0} ms ({Signature})")]
        public static partial void Paid(ILogger logger, string model, ulong amount, string signature, double elapsedMs);

        [LoggerMessage(4101, LogLevel.Warning, "x402 demo: the paid call for {Model} failed ({Status}, {Reason})")]
        public static partial void Failed(ILogger logger, string model, int status, string? reason);
    }
}

using System.Security.Cryptography;
using Bourse.Payments.X402;
using Microsoft.Extensions.Options;
using SimpleBase;

namespace Bourse.Tests.Payments.X402;

/// <summary>Fixed inputs for the x402 tests (the same ones the golden 402 fixture was built from).</summary>
internal static class X402TestData
{
    public const string FeePayer = "2wKupLR9q6wXYppw8Gr2NvWxKBUqm4PPJKkQfoxHDBg4";
    public const string Treasury = "BcdwLA62UPEAvRn7AWauMUXKtYMXxdLzTPaSQg5tNaFc";
    public const string GemmaPayTo = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM";
    public const string Gemma = "google/gemma-3-27b-it";
    public const string UsdcDevnet = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU";

    public static readonly Uri Resource = new("https://api.bourse.example/api/x402/v1/chat/completions");

    public static X402Options Options(string network = X402Networks.SolanaDevnet) => new()
    {
        Network = network,
        UsdcMint = UsdcDevnet,
        TreasuryAddress = Treasury,
        MinimumPrice = 1_000,
        DefaultPrice = 10_000,
        MaxTimeoutSeconds = 300,
    };

    public static RequirementBuilder Builder(X402Options? options = null)
    {
        return new RequirementBuilder(Microsoft.Extensions.Options.Options.Create(options ?? Options()));
    }

    /// <summary>A challenge as the rail makes it: Gemma (a listed model) is paid into its vault, anything else to the treasury.</summary>
    public static PaymentChallenge Challenge(long? amount = 2_500, string? model = Gemma, string feePayer = FeePayer) =>
        Builder().Build(new X402Quote(Resource, model, amount, model == Gemma ? GemmaPayTo : null), feePayer);

    /// <summary>
    /// A v0 transaction shaped like the x402 client's: 2 signatures (fee payer slot empty, payer signed),
    /// header, keys [feePayer, payer, …], a blockhash and an instruction-ish tail. Not executable; only read.
    /// </summary>
    public static (string Base64, byte[] Message) Transaction(string feePayer = FeePayer, byte seed = 7)
    {
        var payer = RandomNumberGenerator.GetBytes(32);
        var message = new List<byte> { 0x80, 2, 0, 3, 4 };
        message.AddRange(Base58.Bitcoin.Decode(feePayer));
        message.AddRange(payer);
        for (var i = 0; i < 2; i++)
        {
            message.AddRange(Enumerable.Repeat((byte)(seed + i), 32));
        }

        message.AddRange(Enumerable.Repeat(seed, 32)); // blockhash
        message.AddRange([1, 3, 2, 0, 1, 4, 12, 0, 0, 0, 0]); // one instruction, no lookups
        var bytes = new List<byte> { 2 };
        bytes.AddRange(new byte[64]);
        bytes.AddRange(Enumerable.Repeat((byte)0xAB, 64));
        bytes.AddRange(message);
        return (Convert.ToBase64String([.. bytes]), [.. message]);
    }

    public static PaymentPayloadV2 PayloadV2(PaymentChallenge challenge, string transaction, Func<PaymentRequirementsV2, PaymentRequirementsV2>? tamper = null) =>
        new(2, new SvmPayload(transaction), (tamper ?? (r => r))(challenge.Requirement), challenge.V2.Resource);

    public static PaymentHeader Decode(PaymentPayloadV2 payload) => HeaderCodec.DecodePayment(HeaderCodec.EncodePayment(payload), null).Value!;

    public static PaymentHeader Decode(PaymentPayloadV1 payload) => HeaderCodec.DecodePayment(null, HeaderCodec.EncodePayment(payload)).Value!;

    public static IOptions<X402Options> Wrap(X402Options options) => Microsoft.Extensions.Options.Options.Create(options);
}

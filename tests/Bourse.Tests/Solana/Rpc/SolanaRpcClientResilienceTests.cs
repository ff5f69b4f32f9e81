using System.Net;
using System.Text.Json.Nodes;
using Bourse.Solana.Rpc;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bourse.Tests.Solana.Rpc;

public sealed class SolanaRpcClientResilienceTests
{
    private static readonly byte[] SignedTransaction = [1, .. Enumerable.Range(1, 64).Select(i => (byte)i), 9, 9, 9];

    [Fact]
    public async Task Read_RateLimitedWithRetryAfter_RetriesOnTheNextUrl()
    {
        var handler = new FakeRpcHandler((host, _, _) => host == "a.test"
            ? FakeRpcHandler.Status(HttpStatusCode.TooManyRequests, TimeSpan.FromMilliseconds(1))
            : FakeRpcHandler.Result(42));
        var rpc = Client(handler, "http://a.test", "http://b.test");

        var slot = await rpc.GetSlotAsync();

        Assert.Equal(42UL, slot.GetValueOrThrow());
        Assert.Equal([("a.test", "getSlot"), ("b.test", "getSlot")], handler.Calls);
    }

    [Fact]
    public async Task Read_EveryUrlRateLimits_RateLimitedAfterMaxRetries()
    {
        var handler = new FakeRpcHandler((_, _, _) => FakeRpcHandler.Status(HttpStatusCode.TooManyRequests, TimeSpan.FromMilliseconds(1)));
        var rpc = Client(handler, "http://a.test", "http://b.test");

        var slot = await rpc.GetSlotAsync();

        Assert.Equal(RpcErrorKind.RateLimited, slot.Error?.Kind);
        Assert.Equal(1 + 3, handler.Calls.Count);
    }

    [Fact]
    public async Task Read_ServerError_FailsOverAndSticksToTheHealthyUrl()
    {
        var handler = new FakeRpcHandler((host, _, _) => host == "a.test"
            ? FakeRpcHandler.Status(HttpStatusCode.BadGateway)
            : FakeRpcHandler.Result(7));
        var rpc = Client(handler, "http://a.test", "http://b.test");

        await rpc.GetSlotAsync();
        await rpc.GetSlotAsync();

        Assert.Equal(["a.test", "b.test", "b.test"], handler.Calls.Select(c => c.Host));
    }

    [Fact]
    public async Task Send_ServerError_IsNotResentBlindly()
    {
        var handler = new FakeRpcHandler((_, _, _) => FakeRpcHandler.Status(HttpStatusCode.InternalServerError));
        var rpc = Client(handler, "http://a.test", "http://b.test");

        var sent = await rpc.SendTransactionAsync(SignedTransaction);

        Assert.Equal(RpcErrorKind.Unavailable, sent.Error?.Kind);
        Assert.Single(handler.Calls);
    }

    [Fact]
    public async Task Send_RateLimited_IsRetriedBecauseItNeverReachedTheNode()
    {
        var handler = new FakeRpcHandler((_, _, n) => n == 1
            ? FakeRpcHandler.Status(HttpStatusCode.TooManyRequests, TimeSpan.FromMilliseconds(1))
            : FakeRpcHandler.Result("sig"));
        var rpc = Client(handler, "http://a.test");

        var sent = await rpc.SendTransactionAsync(SignedTransaction);

        Assert.Equal("sig", sent.GetValueOrThrow());
        Assert.Equal(2, handler.Calls.Count);
    }

    [Theory]
    [InlineData("BlockhashNotFound", RpcErrorKind.BlockhashNotFound)]
    [InlineData("AlreadyProcessed", RpcErrorKind.AlreadyProcessed)]
    public async Task Send_NamedPreflightError_MapsToItsKind(string err, RpcErrorKind expected)
    {
        var handler = new FakeRpcHandler((_, _, _) => FakeRpcHandler.Error(-32002, "Transaction simulation failed", new JsonObject { ["err"] = err, ["logs"] = new JsonArray() }));

        var sent = await Client(handler, "http://a.test").SendTransactionAsync(SignedTransaction);

        Assert.Equal(expected, sent.Error?.Kind);
    }

    [Fact]
    public async Task Send_InstructionErrorInPreflight_IsPreflightFailedWithLogs()
    {
        var data = JsonNode.Parse("""{"err":{"InstructionError":[0,{"Custom":1}]},"logs":["Program log: Error: insufficient funds"]}""");
        var handler = new FakeRpcHandler((_, _, _) => FakeRpcHandler.Error(-32002, "Transaction simulation failed: Error processing Instruction 0", data));

        var sent = await Client(handler, "http://a.test").SendTransactionAsync(SignedTransaction);

        Assert.Equal(RpcErrorKind.PreflightFailed, sent.Error?.Kind);
        Assert.Equal(["Program log: Error: insufficient funds"], sent.Error!.Logs);
        Assert.Equal(1, sent.Error.TransactionError!.Value.GetProperty("InstructionError")[1].GetProperty("Custom").GetInt32());
    }

    [Fact]
    public async Task SendAndConfirm_AlreadyLanded_DoesNotSendAgain()
    {
        var handler = new FakeRpcHandler((_, method, _) => method switch
        {
            "getBlockHeight" => FakeRpcHandler.Result(100),
            "getSignatureStatuses" => FakeRpcHandler.Result(JsonNode.Parse("""{"context":{"slot":5},"value":[{"slot":5,"confirmations":null,"err":null,"confirmationStatus":"finalized"}]}""")),
            _ => FakeRpcHandler.Result("unexpected"),
        });
        var sender = Sender(handler);

        var outcome = await sender.SendAndConfirmAsync(SignedTransaction, lastValidBlockHeight: 200);

        Assert.Equal(SendStatus.Confirmed, outcome.Status);
        Assert.DoesNotContain(handler.Calls, c => c.Method == "sendTransaction");
    }

    [Fact]
    public async Task SendAndConfirm_UnseenPastLastValidBlockHeight_IsExpired()
    {
        var handler = new FakeRpcHandler((_, method, n) => method switch
        {
            "getBlockHeight" => FakeRpcHandler.Result(n == 1 ? 100 : 300),
            "getSignatureStatuses" => FakeRpcHandler.Result(JsonNode.Parse("""{"context":{"slot":5},"value":[null]}""")),
            "sendTransaction" => FakeRpcHandler.Status(HttpStatusCode.ServiceUnavailable),
            _ => FakeRpcHandler.Result(null),
        });

        var outcome = await Sender(handler).SendAndConfirmAsync(SignedTransaction, lastValidBlockHeight: 200);

        Assert.Equal(SendStatus.Expired, outcome.Status);
        Assert.Equal(1, handler.Calls.Count(c => c.Method == "sendTransaction"));
    }

    private static SolanaRpcClient Client(FakeRpcHandler handler, params string[] urls) => new(
        new HttpClient(handler),
        Microsoft.Extensions.Options.Options.Create(RpcOptions(urls)),
        TimeProvider.System,
        NullLogger<SolanaRpcClient>.Instance);

    private static TransactionSender Sender(FakeRpcHandler handler)
    {
        var options = RpcOptions("http://a.test");
        return new TransactionSender(Client(handler, "http://a.test"), Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System, NullLogger<TransactionSender>.Instance);
    }

    private static SolanaRpcOptions RpcOptions(params string[] urls) => new()
    {
        RpcUrls = [.. urls.Select(u => new Uri(u))],
        MaxRetries = 3,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        ConfirmationPollInterval = TimeSpan.FromMilliseconds(10),
    };
}

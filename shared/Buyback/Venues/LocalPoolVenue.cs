using Bourse.Solana;
using Bourse.Solana.Accounts;
using Bourse.Solana.Programs;
using Bourse.Solana.Rpc;

namespace Bourse.Buyback.Venues;

/// <summary>
/// The local chain's venue: a constant-product pool whose reserves are the market maker's USDC account
/// and its account for the model's token (both ATAs). A swap is one transaction signed by both sides:
/// the taker's USDC in, the pool's tokens out, at x·y = k less <see cref="BuybackOptions.LocalPoolFeeBps"/>.
/// Every pool shares the market maker's USDC account as its USDC reserve.
/// </summary>
public sealed class LocalPoolVenue(SolanaRpcClient rpc, Keypair marketMaker, int feeBps) : SwapVenue
{
    private const byte UsdcDecimals = 6;

    public override string Name => "local";

    public override async Task<VenueResult<SwapQuote>> QuoteAsync(SwapRequest request, CancellationToken cancellationToken)
    {
        var pool = await PoolAsync(request, cancellationToken);
        if (pool.Error is not null)
        {
            return pool.Error;
        }

        var (usdcReserve, tokenReserve, transferFee) = pool.Value!;
        if (usdcReserve == 0 || tokenReserve == 0)
        {
            return new VenueError(VenueErrorKind.NoRoute, $"The local pool for {request.OutputMint} is empty.");
        }

        var gross = GrossOut(request.AmountIn, usdcReserve, tokenReserve);
        var net = gross - (long)(transferFee is null ? 0 : TransferFeeExtension.FeeFor((ulong)gross, transferFee.BasisPoints, transferFee.MaximumFee));
        if (net <= 0)
        {
            return new VenueError(VenueErrorKind.NoRoute, "The swap is too small to buy anything.");
        }

        // Price impact: the constant-product output without fees against the spot price's.
        var spot = (UInt128)(ulong)request.AmountIn * (ulong)tokenReserve / (ulong)usdcReserve;
        var withoutFee = (UInt128)(ulong)tokenReserve * (ulong)request.AmountIn / ((ulong)usdcReserve + (ulong)request.AmountIn);
        var impact = spot == 0 ? 10_000 : (int)(((spot - withoutFee) * 10_000 + spot - 1) / spot);
        return new SwapQuote(Name, request, net, SwapQuote.MinimumFor(net, request.SlippageBps), impact);
    }

    public override async Task<VenueResult<SwapBuild>> BuildAsync(SwapQuote quote, SwapTaker taker, bool burnInSwap, CancellationToken cancellationToken)
    {
        var request = quote.Request;
        var fresh = await QuoteAsync(request, cancellationToken);
        if (!fresh.IsSuccess)
        {
            return fresh.Error!;
        }

        if (fresh.Value!.OutAmount < quote.MinimumOut)
        {
            return new VenueError(VenueErrorKind.QuoteMoved, $"The pool now gives {fresh.Value.OutAmount}, below the minimum out {quote.MinimumOut}.");
        }

        var pool = await PoolAsync(request, cancellationToken);
        var gross = GrossOut(request.AmountIn, pool.Value!.UsdcReserve, pool.Value.TokenReserve);
        var latest = await rpc.GetLatestBlockhashAsync(cancellationToken);
        if (!latest.IsSuccess)
        {
            return new VenueError(VenueErrorKind.Unavailable, "No blockhash from the RPC.");
        }

        var blockhash = latest.Value!.Value;
        var crank = taker.Signer.PublicKey;
        var transaction = new Transaction(Message.Compile(crank, blockhash.Blockhash,
        [
            AssociatedTokenProgram.CreateIdempotent(crank, crank, request.OutputMint, request.OutputTokenProgram),
            TokenProgram.TransferChecked(taker.Source, request.UsdcMint, UsdcReserve(request), crank, (ulong)request.AmountIn, UsdcDecimals),
            TokenProgram.TransferChecked(TokenReserve(request), request.OutputMint, taker.Destination, marketMaker.PublicKey, (ulong)gross, taker.Decimals, request.OutputTokenProgram),
        ])).Sign(taker.Signer, marketMaker);
        return new SwapBuild(transaction.Serialize(), transaction.Id, blockhash.LastValidBlockHeight, 0);
    }

    private long GrossOut(long amountIn, long usdcReserve, long tokenReserve)
    {
        var afterFee = (UInt128)(ulong)amountIn * (ulong)(10_000 - feeBps) / 10_000;
        return (long)((ulong)tokenReserve * afterFee / ((ulong)usdcReserve + afterFee));
    }

    private PublicKey UsdcReserve(SwapRequest request) => PublicKey.FindAssociatedTokenAddress(marketMaker.PublicKey, request.UsdcMint, ProgramIds.Token);

    private PublicKey TokenReserve(SwapRequest request) => PublicKey.FindAssociatedTokenAddress(marketMaker.PublicKey, request.OutputMint, request.OutputTokenProgram);

    private async Task<VenueResult<Pool>> PoolAsync(SwapRequest request, CancellationToken cancellationToken)
    {
        var accounts = await rpc.GetMultipleAccountsAsync([UsdcReserve(request).ToString(), TokenReserve(request).ToString(), request.OutputMint.ToString()], cancellationToken: cancellationToken);
        if (!accounts.IsSuccess)
        {
            return new VenueError(VenueErrorKind.Unavailable, "The RPC did not answer for the pool's accounts.");
        }

        var (usdc, token, mint) = (accounts.Value!.Value[0], accounts.Value.Value[1], accounts.Value.Value[2]);
        if (usdc is null || token is null || mint is null)
        {
            return new VenueError(VenueErrorKind.NoRoute, $"No local pool for {request.OutputMint}.");
        }

        var fee = mint.Data.Length > MintAccount.Layout.Length ? Token2022Extensions.Read(mint.Data).TransferFeeConfig : null;
        var transferFee = fee is null ? null : (fee.NewerFee.BasisPoints >= fee.OlderFee.BasisPoints ? fee.NewerFee : fee.OlderFee);
        return new Pool((long)TokenAccount.Deserialize(usdc.Data).Amount, (long)TokenAccount.Deserialize(token.Data).Amount, transferFee);
    }

    private sealed record Pool(long UsdcReserve, long TokenReserve, TransferFee? TransferFee);
}

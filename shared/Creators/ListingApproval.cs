using System.Security.Cryptography;
using System.Text;
using Bourse.Listings;
using Bourse.Payments.X402;
using Bourse.Settlement;
using Bourse.Solana;
using Bourse.Solana.Programs;
using Bourse.Solana.Rpc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bourse.Creators;

/// <summary>
/// Turns an approved application into a listing, idempotently: the application is marked
/// <see cref="ApplicationStatus.Approving"/> first; then, each step checking the chain before it acts,
/// the Track A token is minted when asked (a Token-2022 mint with a transfer fee, its keypair derived from
/// the treasury key and the application id, so a retry finds the same mint), the vault's USDC account (the
/// ATA of the program's vault-authority PDA) is created so payments can land, the listing is written into
/// the registry, and the application is marked approved. Approving again returns the same listing.
/// </summary>
public sealed partial class ListingApproval(
    CreatorApplications applications,
    ListingStore listings,
    ListingRegistry registry,
    SolanaRpcClient rpc,
    TransactionSender sender,
    IOptions<CreatorOptions> options,
    IOptions<TreasuryOptions> treasury,
    IOptions<X402Options> x402,
    TimeProvider time,
    ILogger<ListingApproval> logger)
{
    private const int TransferFeeMintSize = 278;

    public async Task<ApprovalResult> ApproveAsync(string id, string decidedBy, CancellationToken cancellationToken)
    {
        if (await applications.FindAsync(id, cancellationToken) is not var (application, etag))
        {
            return new ApprovalResult(ApprovalOutcome.NotFound);
        }

        switch (application.Status)
        {
            case ApplicationStatus.Rejected:
                return new ApprovalResult(ApprovalOutcome.AlreadyRejected, application);
            case ApplicationStatus.Approved:
                return new ApprovalResult(ApprovalOutcome.AlreadyApproved, application, await listings.FindAsync(application.ModelId, cancellationToken));
        }

        using var payer = TreasuryOptions.ParseKeypair(treasury.Value.Keypair);
        if (payer is null)
        {
            return new ApprovalResult(ApprovalOutcome.NoTreasury, application, Detail: "No treasury keypair (Treasury:Keypair) to pay for the vault account.");
        }

        var mint = application.ListingMint ?? application.Mint ?? (application.Track == ListingTrack.A && options.Value.MintTrackATokens ? TrackAMint(payer, id).ToString() : null);
        if (mint is null)
        {
            return new ApprovalResult(ApprovalOutcome.NoMint, application, Detail: "A Track A application needs its Token-2022 mint here: minting is off (Creators:MintTrackATokens).");
        }

        if (await listings.FindAsync(application.ModelId, cancellationToken) is { } existing && existing.Mint != mint && existing.Status == ListingStatus.Approved)
        {
            return new ApprovalResult(ApprovalOutcome.ModelListedElsewhere, application, existing, $"{application.ModelId} is already listed with mint {existing.Mint}.");
        }

        if (application.Status == ApplicationStatus.Pending)
        {
            var approving = application with { Status = ApplicationStatus.Approving, ListingMint = mint, DecidedBy = decidedBy };
            if (!await applications.SaveAsync(approving, etag, cancellationToken))
            {
                return await ApproveAsync(id, decidedBy, cancellationToken); // decided meanwhile: answer from what is stored now
            }

            (application, etag) = (await applications.FindAsync(id, cancellationToken))!.Value;
        }

        var mintKey = PublicKey.Parse(mint);
        if (application.Mint is null && application.Track == ListingTrack.A)
        {
            if (await EnsureTrackAMintAsync(payer, id, cancellationToken) is { } failed)
            {
                return failed with { Application = application };
            }
        }

        var mintAccount = await rpc.GetAccountInfoAsync(mint, cancellationToken: cancellationToken);
        if (!mintAccount.IsSuccess)
        {
            return new ApprovalResult(ApprovalOutcome.ChainUnavailable, application, Detail: "The Solana RPC did not answer; approve again.");
        }

        if (mintAccount.Value!.Value is not { } info || !PublicKey.TryParse(info.Owner, out var tokenProgram)
            || (tokenProgram != ProgramIds.Token && tokenProgram != ProgramIds.Token2022) || info.Data is not { Length: >= TokenProgram.MintSize })
        {
            return new ApprovalResult(ApprovalOutcome.MintNotFound, application, Detail: $"{mint} is not a token mint on this chain.");
        }

        if (application.Track == ListingTrack.A && tokenProgram != ProgramIds.Token2022)
        {
            return new ApprovalResult(ApprovalOutcome.MintNotFound, application, Detail: $"Track A lists a Token-2022 mint; {mint} belongs to the classic Token program.");
        }

        var programId = PublicKey.Parse(options.Value.ProgramId);
        var (listingAccount, _) = PublicKey.FindProgramAddress([Encoding.UTF8.GetBytes("listing"), mintKey.Bytes.ToArray()], programId);
        var (vaultAuthority, _) = PublicKey.FindProgramAddress([Encoding.UTF8.GetBytes("vault_authority"), listingAccount.Bytes.ToArray()], programId);
        var usdc = PublicKey.Parse(x402.Value.UsdcMint);
        var vaultUsdc = PublicKey.FindAssociatedTokenAddress(vaultAuthority, usdc, ProgramIds.Token);
        if (await EnsureAccountAsync(payer, vaultUsdc, [AssociatedTokenProgram.CreateIdempotent(payer.PublicKey, vaultAuthority, usdc)], [], cancellationToken) is { } notCreated)
        {
            return notCreated with { Application = application };
        }

        var listing = new Listing(application.ModelId, mint, tokenProgram.ToString(), application.Track, application.ModelFeeBps,
            vaultAuthority.ToString(), vaultUsdc.ToString(), ListingStatus.Approved, 0, ListingSource.Admin);
        await listings.UpsertAsync([listing], cancellationToken);
        var approved = application with
        {
            Status = ApplicationStatus.Approved, DecidedAt = time.GetUtcNow(), DecidedBy = decidedBy, ListingMint = mint,
            VaultAuthority = vaultAuthority.ToString(), VaultUsdcAccount = vaultUsdc.ToString(),
        };
        if (!await applications.SaveAsync(approved, etag, cancellationToken))
        {
            return await ApproveAsync(id, decidedBy, cancellationToken);
        }

        await registry.RefreshAsync(cancellationToken);
        Log.Approved(logger, id, application.ModelId, mint, vaultUsdc.ToString());
        return new ApprovalResult(ApprovalOutcome.Approved, approved, listing);
    }

    public async Task<ApprovalResult> RejectAsync(string id, string decidedBy, string reason, CancellationToken cancellationToken)
    {
        if (await applications.FindAsync(id, cancellationToken) is not var (application, etag))
        {
            return new ApprovalResult(ApprovalOutcome.NotFound);
        }

        if (application.Status is ApplicationStatus.Approved or ApplicationStatus.Approving)
        {
            return new ApprovalResult(ApprovalOutcome.AlreadyApproved, application);
        }

        if (application.Status == ApplicationStatus.Rejected)
        {
            return new ApprovalResult(ApprovalOutcome.AlreadyRejected, application);
        }

        var rejected = application with { Status = ApplicationStatus.Rejected, DecidedAt = time.GetUtcNow(), DecidedBy = decidedBy, Reason = reason };
        return await applications.SaveAsync(rejected, etag, cancellationToken)
            ? new ApprovalResult(ApprovalOutcome.Approved, rejected)
            : await RejectAsync(id, decidedBy, reason, cancellationToken);
    }

    /// <summary>The Track A mint of an application: a keypair derived from the treasury key and the id, never stored.</summary>
    private static PublicKey TrackAMint(Keypair treasuryKey, string applicationId)
    {
        using var mint = TrackAMintKeypair(treasuryKey, applicationId);
        return mint.PublicKey;
    }

    private static Keypair TrackAMintKeypair(Keypair treasuryKey, string applicationId)
    {
        var secret = treasuryKey.ExportSecretKey();
        try
        {
            return Keypair.FromSeed(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes("bourse:track-a-mint:" + applicationId)));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    private async Task<ApprovalResult?> EnsureTrackAMintAsync(Keypair payer, string applicationId, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var rent = await rpc.GetMinimumBalanceForRentExemptionAsync(TransferFeeMintSize, cancellationToken);
        if (!rent.IsSuccess)
        {
            return new ApprovalResult(ApprovalOutcome.ChainUnavailable, Detail: "The Solana RPC did not answer; approve again.");
        }

        using var mintKey = TrackAMintKeypair(payer, applicationId);
        var mint = mintKey.PublicKey;
        return await EnsureAccountAsync(payer, mint,
        [
            SystemProgram.CreateAccount(payer.PublicKey, mint, rent.Value, TransferFeeMintSize, ProgramIds.Token2022),
            TransferFeeExtension.InitializeTransferFeeConfig(mint, payer.PublicKey, payer.PublicKey, (ushort)o.TrackATransferFeeBps, (ulong)o.TrackAMaximumFee),
            TokenProgram.InitializeMint2(mint, (byte)o.TrackADecimals, payer.PublicKey, null, ProgramIds.Token2022),
        ], [mintKey], cancellationToken);
    }

    /// <summary>Creates <paramref name="account"/> with <paramref name="instructions"/> unless the chain already has it; null once it exists.</summary>
    private async Task<ApprovalResult?> EnsureAccountAsync(
        Keypair payer, PublicKey account, IReadOnlyList<TransactionInstruction> instructions, IReadOnlyList<Keypair> signers, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var found = await rpc.GetAccountInfoAsync(account.ToString(), cancellationToken: cancellationToken);
            if (!found.IsSuccess)
            {
                return new ApprovalResult(ApprovalOutcome.ChainUnavailable, Detail: "The Solana RPC did not answer; approve again.");
            }

            if (found.Value!.Value is not null)
            {
                return null;
            }

            var latest = await rpc.GetLatestBlockhashAsync(cancellationToken);
            if (!latest.IsSuccess)
            {
                return new ApprovalResult(ApprovalOutcome.ChainUnavailable, Detail: "The Solana RPC did not answer; approve again.");
            }

            var blockhash = latest.Value!.Value;
            var transaction = new Transaction(Message.Compile(payer.PublicKey, blockhash.Blockhash, instructions)).Sign([payer, .. signers]);
            var outcome = await sender.SendAndConfirmAsync(transaction.Serialize(), blockhash.LastValidBlockHeight, cancellationToken);
            Log.Sent(logger, account.ToString(), transaction.Id, outcome.Status);
        }

        return new ApprovalResult(ApprovalOutcome.ChainUnavailable, Detail: $"Could not create {account} on chain; approve again.");
    }

    private static partial class Log
    {
        [LoggerMessage(4200, LogLevel.Information, "Application {ApplicationId} approved: {ModelId} listed with mint {Mint}, vault USDC account {VaultUsdc}")]
        public static partial void Approved(ILogger logger, string applicationId, string modelId, string mint, string vaultUsdc);

        [LoggerMessage(4201, LogLevel.Information, "Listing approval: sent {Signature} to create {Account} ({Status})")]
        public static partial void Sent(ILogger logger, string account, string signature, SendStatus status);
    }
}

using System.Net;
using System.Text.Json.Nodes;
using Bourse.Buyback;
using Bourse.Buyback.Venues;
using Bourse.Solana;
using Bourse.Solana.Programs;

namespace Bourse.Tests.Buyback;

/// <summary>
/// A vault the program owns: the crank plans it, routes the swap through Jupiter for the vault's PDA and
/// sends the program's buyback with that route. The program cannot run on the local chain, so the chain
/// refuses it: the job fails with the chain's reason, nothing moved, and the transaction it recorded is the
/// program's instruction byte for byte.
/// </summary>
public sealed class ProgramVaultBuybackTests
{
    [Fact]
    public async Task Run_ProgramOwnedVault_SendsTheProgramsBuybackWithTheVenuesRouteAndTheVaultPdaUnsigned()
    {
        using var world = await BuybackWorld.CreateAsync();
        var program = new ProgramVaultInstructions();
        var listing = Keypair.Generate().PublicKey;
        var authority = program.VaultAuthority(listing);
        var vault = new BuybackVault(world.Model, world.MintKey.PublicKey, ProgramIds.Token, authority,
            PublicKey.FindAssociatedTokenAddress(authority, BuybackWorld.Usdc, ProgramIds.Token), listing);
        var (gross, creator, _) = await world.PayIntoVaultAsync(20, seed: 31, vault: vault);
        var route = new byte[] { 0xE5, 0x17, 0xCB, 0x97, 9, 9, 9 };
        var pool = Keypair.Generate().PublicKey;
        var api = new RecordedVenue()
            .On("/swap/v1/quote", HttpStatusCode.OK, $$"""
                {"inputMint":"{{BuybackWorld.Usdc}}","inAmount":"{{creator}}","outputMint":"{{world.MintKey.PublicKey}}","outAmount":"5000000","otherAmountThreshold":"4975000",
                 "swapMode":"ExactIn","slippageBps":50,"priceImpactPct":"0.0004","routePlan":[],"contextSlot":1,"timeTaken":0.01}
                """)
            .On("/swap/v1/swap-instructions", HttpStatusCode.OK, new JsonObject
            {
                ["computeBudgetInstructions"] = new JsonArray(),
                ["setupInstructions"] = new JsonArray(),
                ["swapInstruction"] = new JsonObject
                {
                    ["programId"] = "JUP6LkbZbjS1jKKwapdHNy74zcZ3tLUZoi5QNyVTaV4",
                    ["accounts"] = new JsonArray(
                        new JsonObject { ["pubkey"] = authority.ToString(), ["isSigner"] = true, ["isWritable"] = false },
                        new JsonObject { ["pubkey"] = vault.VaultUsdcAccount.ToString(), ["isSigner"] = false, ["isWritable"] = true },
                        new JsonObject { ["pubkey"] = pool.ToString(), ["isSigner"] = false, ["isWritable"] = true }),
                    ["data"] = Convert.ToBase64String(route),
                },
                ["cleanupInstruction"] = null,
                ["otherInstructions"] = new JsonArray(),
                ["addressLookupTableAddresses"] = new JsonArray(),
                ["simulationError"] = null,
            }.ToJsonString());
        var jupiter = new JupiterVenue(new HttpClient(api), world.Chain.Rpc, RecordedVenue.Options);

        var planned = Assert.Single(await world.Planner().PlanAsync([vault], CancellationToken.None));
        var job = (await world.Runner(venue: jupiter).RunAsync(world.Model, planned.Id, CancellationToken.None)).Job!;

        Assert.Equal((VaultCustody.Program, creator, 0L), (planned.Custody, job.AmountIn, job.Collected));
        Assert.Equal(BuybackState.Failed, job.State);
        Assert.Contains("the swap failed on chain", job.Error, StringComparison.Ordinal);
        Assert.Equal(gross, await world.TokensAsync(vault.VaultUsdcAccount));
        var sent = Transaction.Deserialize(job.SwapTransaction!);
        Assert.Equal(job.SwapSignature, sent.Id);
        Assert.DoesNotContain(authority, sent.Message.AccountKeys.Take(sent.Message.Header.RequiredSignatures));
        var buyback = Assert.Single(sent.Message.Instructions, i => sent.Message.AccountKeys[i.ProgramIdIndex] == program.ProgramId);
        var expected = program.Buyback(world.Crank.PublicKey, listing, vault.VaultUsdcAccount, world.MintKey.PublicKey, ProgramIds.Token, BuybackWorld.Usdc,
            new TransactionInstruction(PublicKey.Parse("JUP6LkbZbjS1jKKwapdHNy74zcZ3tLUZoi5QNyVTaV4"), [], route), (ulong)creator, 4_975_000);
        Assert.Equal(expected.Data, buyback.Data);
        Assert.Equal(0, (await world.Jobs.TotalsAsync(world.Model, CancellationToken.None)).Bought); // released: nothing was spent
    }
}

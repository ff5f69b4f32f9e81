// Builds the initial chain state from seed.json. Mints with a keypair, ATAs, token
// balances and SOL are created by executing real instructions (so they are valid for
// the Token/Token-2022 programs and show up in the history); mints at a fixed address
// (devnet USDC) and raw `accounts` are written with setAccount.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Keypair, PublicKey, SystemProgram } from '@solana/web3.js';
import {
  ExtensionType, getMintLen, getAssociatedTokenAddressSync,
  createAssociatedTokenAccountIdempotentInstruction, createInitializeMint2Instruction,
  createInitializeTransferFeeConfigInstruction, createMintToCheckedInstruction,
} from '@solana/spl-token';
import { submit } from './txbuild.mjs';
import { fromBase64 } from './wire.mjs';
import { SYSTEM_PROGRAM, TOKEN_PROGRAM, TOKEN_2022_PROGRAM } from './tokens.mjs';
import { loadIdl, encodeAccount } from './idl.mjs';

const LAMPORTS_PER_SOL = 1_000_000_000n;
const FAUCET_LAMPORTS = 1_000_000n * LAMPORTS_PER_SOL; // < 2^53, so JSON clients read it exactly
const MINT_LEN = 82;

const PROGRAMS = { token: TOKEN_PROGRAM, 'token-2022': TOKEN_2022_PROGRAM };

export function loadSeedFile(path) {
  return { seed: JSON.parse(readFileSync(path, 'utf8')), baseDir: dirname(resolve(path)) };
}

/** A keypair: generated, or read from a Solana keypair file (JSON array of 64 numbers). */
function loadKeypair(spec, baseDir) {
  if (spec === null || spec === undefined) return Keypair.generate();
  if (typeof spec === 'object' && typeof spec.path === 'string') {
    const bytes = JSON.parse(readFileSync(resolve(baseDir, spec.path), 'utf8'));
    return Keypair.fromSecretKey(Uint8Array.from(bytes));
  }
  throw new Error(`seed: a keypair is null (generate) or {"path": "..."}, got ${JSON.stringify(spec)}`);
}

/** Mint data in the classic 82-byte layout (COption tags are 4 bytes in account state). */
function mintData({ mintAuthority, decimals, freezeAuthority }) {
  const data = Buffer.alloc(MINT_LEN);
  if (mintAuthority) { data.writeUInt32LE(1, 0); mintAuthority.toBuffer().copy(data, 4); }
  data.writeBigUInt64LE(0n, 36); // supply grows through MintTo
  data[44] = decimals;
  data[45] = 1; // isInitialized
  if (freezeAuthority) { data.writeUInt32LE(1, 46); freezeAuthority.toBuffer().copy(data, 50); }
  return new Uint8Array(data);
}

/**
 * Applies the seed. Returns { faucet, keypairs: {name: Keypair}, addresses: {name: base58},
 * models: [...] } for the ready file.
 */
export function applySeed(chain, seed, baseDir) {
  const faucet = Keypair.generate();
  chain.setAccount(faucet.publicKey.toBase58(), { lamports: FAUCET_LAMPORTS, owner: SYSTEM_PROGRAM });

  const keypairs = {};
  for (const [name, spec] of Object.entries(seed.keypairs ?? {})) keypairs[name] = loadKeypair(spec, baseDir);
  const addresses = Object.fromEntries(Object.entries(keypairs).map(([n, kp]) => [n, kp.publicKey.toBase58()]));
  const mints = {}; // name → {address, programId, decimals}

  const pk = (ref) => {
    if (addresses[ref]) return new PublicKey(addresses[ref]);
    try { return new PublicKey(ref); } catch { throw new Error(`seed: unknown name or address "${ref}"`); }
  };
  const signer = (ref) => {
    if (!keypairs[ref]) throw new Error(`seed: "${ref}" must name a keypair (it has to sign)`);
    return keypairs[ref];
  };

  for (const [name, sol] of Object.entries(seed.sol ?? {})) {
    const lamports = BigInt(Math.round(Number(sol) * 1e9));
    submit(chain, faucet, [SystemProgram.transfer({ fromPubkey: faucet.publicKey, toPubkey: pk(name), lamports })]);
  }

  for (const m of seed.mints ?? []) {
    const programId = PROGRAMS[m.program ?? 'token'];
    if (!programId) throw new Error(`seed: mint ${m.name}: program must be "token" or "token-2022"`);
    const mintAuthority = pk(m.mintAuthority);
    const freezeAuthority = m.freezeAuthority ? pk(m.freezeAuthority) : null;
    let address;
    if (m.address) {
      // No keypair for a real-world address (e.g. devnet USDC): write the account directly.
      if (m.transferFee) throw new Error(`seed: mint ${m.name}: extensions need a keypair mint`);
      address = m.address;
      chain.setAccount(address, { lamports: chain.rentExempt(MINT_LEN), owner: programId, data: mintData({ mintAuthority, decimals: m.decimals, freezeAuthority }) });
    } else {
      const mintKp = signer(m.keypair ?? m.name);
      address = mintKp.publicKey.toBase58();
      createMintWithInstructions(chain, faucet, mintKp, { ...m, programId, mintAuthority, freezeAuthority, pk });
    }
    addresses[m.name] = address;
    mints[m.name] = { address, programId, decimals: m.decimals, mintAuthority: m.mintAuthority, transferFee: m.transferFee ?? null };
  }

  for (const t of seed.tokenAccounts ?? []) {
    const mint = mints[t.mint];
    if (!mint) throw new Error(`seed: token account ${t.name}: unknown mint ${t.mint}`);
    const owner = pk(t.owner);
    const mintPk = new PublicKey(mint.address);
    const programPk = new PublicKey(mint.programId);
    // allowOwnerOffCurve: vault authorities may be PDAs.
    const ata = getAssociatedTokenAddressSync(mintPk, owner, true, programPk);
    const ixs = [createAssociatedTokenAccountIdempotentInstruction(faucet.publicKey, ata, owner, mintPk, programPk)];
    const amount = BigInt(t.amount ?? 0);
    if (amount > 0n) ixs.push(createMintToCheckedInstruction(mintPk, ata, pk(mint.mintAuthority), amount, mint.decimals, [], programPk));
    submit(chain, faucet, ixs, amount > 0n ? [signer(mint.mintAuthority)] : []);
    addresses[t.name] = ata.toBase58();
  }

  for (const a of seed.accounts ?? []) {
    chain.setAccount(a.address, {
      lamports: BigInt(a.lamports ?? chain.rentExempt(a.data ? fromBase64(a.data).length : 0)),
      owner: pk(a.owner).toBase58(),
      data: a.data ? fromBase64(a.data) : new Uint8Array(0),
      executable: a.executable === true,
    });
    if (a.name) addresses[a.name] = a.address;
  }

  const models = (seed.models ?? []).map((m) => {
    const mint = mints[m.mint];
    if (!mint) throw new Error(`seed: model ${m.id}: unknown mint ${m.mint}`);
    return {
      id: m.id,
      mint: mint.address,
      tokenProgram: mint.programId,
      decimals: mint.decimals,
      mintAuthority: addresses[mint.mintAuthority],
      payTo: addresses[m.vaultAuthority],
      vaultAuthority: addresses[m.vaultAuthority],
      vaultAuthorityKeypair: keypairs[m.vaultAuthority] ? Array.from(keypairs[m.vaultAuthority].secretKey) : undefined,
      vaultUsdcAccount: addresses[m.vaultUsdcAccount],
      transferFee: mint.transferFee ? { basisPoints: mint.transferFee.basisPoints, maximumFee: String(mint.transferFee.maximumFee) } : null,
    };
  });

  const program = seed.program ? seedProgram(chain, seed.program, baseDir, models, pk) : null;
  if (program) addresses.programId = program.id;
  return { faucet, keypairs, addresses, models, program };
}

/**
 * The Quasar program's accounts, written in the IDL's layout (owner = the program id) at their PDAs:
 * the protocol config ["config"], a ModelListing ["listing", mint] and RevenueVault ["revenue_vault", listing]
 * per listed model, and any offers ["offer", listing, provider] and orders ["order", buyer, nonce].
 * Adds listing, track, modelFeeBps and status to each listed model of the ready file.
 */
function seedProgram(chain, spec, baseDir, models, pk) {
  const idl = loadIdl(resolve(baseDir, spec.idl));
  const programId = new PublicKey(spec.id ?? idl.address);
  const pda = (...seeds) => PublicKey.findProgramAddressSync(seeds.map((x) => (typeof x === 'string' ? Buffer.from(x) : x)), programId);
  const write = (address, type, fields) => {
    const data = encodeAccount(idl, type, fields);
    chain.setAccount(address.toBase58(), { lamports: chain.rentExempt(data.length), owner: programId.toBase58(), data });
    return address.toBase58();
  };
  const u64le = (n) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(n)); return b; };
  const now = Math.floor(Date.now() / 1000);
  const info = { id: programId.toBase58(), listings: {}, offers: [], orders: [] };

  if (spec.config) {
    const [config, bump] = pda('config');
    info.config = write(config, 'ProtocolConfig', {
      admin: pk(spec.config.admin).toBase58(), treasury: pk(spec.config.treasury).toBase58(), usdc_mint: pk(spec.config.usdcMint).toBase58(),
      protocol_fee_bps: spec.config.protocolFeeBps ?? 100, paused: false, bump,
    });
  }
  for (const [id, l] of Object.entries(spec.listings ?? {})) {
    const model = models.find((m) => m.id === id);
    if (!model) throw new Error(`seed: program listing ${id}: no such model`);
    const [listing, bump] = pda('listing', new PublicKey(model.mint).toBuffer());
    write(listing, 'ModelListing', {
      creator: pk(l.creator).toBase58(), mint: model.mint, token_program: model.tokenProgram, vault_authority: model.vaultAuthority,
      vault_usdc: model.vaultUsdcAccount, track: l.track, model_fee_bps: l.modelFeeBps, status: l.status ?? 'Approved',
      registered_at: now, bump, model_id: id, metadata_uri: l.metadataUri ?? '',
    });
    const [vault, vaultBump] = pda('revenue_vault', listing.toBuffer());
    write(vault, 'RevenueVault', {
      listing: listing.toBase58(), vault_usdc: model.vaultUsdcAccount, total_deposited: 0, total_bought_back: 0, total_burned: 0,
      last_buyback_slot: 0, bump: vaultBump, recent_buybacks: [],
    });
    Object.assign(model, { listing: listing.toBase58(), revenueVault: vault.toBase58(), track: l.track, modelFeeBps: l.modelFeeBps, status: l.status ?? 'Approved' });
    info.listings[id] = listing.toBase58();
  }
  for (const o of spec.offers ?? []) {
    const listing = new PublicKey(info.listings[o.model] ?? (() => { throw new Error(`seed: offer for unlisted ${o.model}`); })());
    const provider = pk(o.provider);
    const [offer, bump] = pda('offer', listing.toBuffer(), provider.toBuffer());
    info.offers.push(write(offer, 'ProviderOffer', {
      provider: provider.toBase58(), listing: listing.toBase58(), input_price: o.inputPrice, output_price: o.outputPrice,
      max_context: o.maxContext, active: true, bump, offer_id: o.offerId, endpoint: o.endpoint, regions: o.regions ?? [],
    }));
  }
  for (const o of spec.orders ?? []) {
    const listing = new PublicKey(info.listings[o.model]);
    const buyer = pk(o.buyer);
    const [order, bump] = pda('order', buyer.toBuffer(), u64le(o.nonce));
    info.orders.push(write(order, 'Order', {
      buyer: buyer.toBase58(), offer: info.offers[o.offer ?? 0], listing: listing.toBase58(), nonce: o.nonce, max_amount: o.maxAmount,
      amount: o.amount ?? 0, input_tokens: o.inputTokens ?? 0, output_tokens: o.outputTokens ?? 0, status: o.status ?? 'Open',
      created_at: now, settled_at: o.status === 'Settled' ? now : 0, request_hash: Array(32).fill(7), bump,
    }));
  }
  return info;
}

/** CreateAccount, then (Token-2022) InitializeTransferFeeConfig, then InitializeMint2. */
function createMintWithInstructions(chain, faucet, mintKp, m) {
  const extensions = m.transferFee ? [ExtensionType.TransferFeeConfig] : [];
  if (extensions.length && m.programId !== TOKEN_2022_PROGRAM) throw new Error(`seed: mint ${m.name}: transferFee needs program "token-2022"`);
  const space = extensions.length ? getMintLen(extensions) : MINT_LEN;
  const programPk = new PublicKey(m.programId);
  const ixs = [SystemProgram.createAccount({
    fromPubkey: faucet.publicKey, newAccountPubkey: mintKp.publicKey, space,
    lamports: Number(chain.rentExempt(space)), programId: programPk,
  })];
  if (m.transferFee) {
    const authority = m.pk(m.transferFee.authority ?? m.mintAuthority);
    ixs.push(createInitializeTransferFeeConfigInstruction(mintKp.publicKey, authority, authority,
      m.transferFee.basisPoints, BigInt(m.transferFee.maximumFee), programPk));
  }
  ixs.push(createInitializeMint2Instruction(mintKp.publicKey, m.decimals, m.mintAuthority, m.freezeAuthority, programPk));
  submit(chain, faucet, ixs, [mintKp]);
}

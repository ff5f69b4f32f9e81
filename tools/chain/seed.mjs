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

  return { faucet, keypairs, addresses, models };
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

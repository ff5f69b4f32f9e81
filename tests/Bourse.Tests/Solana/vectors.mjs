// Golden vectors for the C# Solana layer, produced by the reference JS libraries (pinned in tools/).
// Usage: node vectors.mjs [seed]  → JSON on stdout. Deterministic for a given seed.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../../tools/package.json'));
const web3 = require('@solana/web3.js');
const spl = require('@solana/spl-token');
const bs58 = require('bs58');
const { PublicKey, Keypair, SystemProgram, ComputeBudgetProgram, TransactionMessage, VersionedTransaction, AddressLookupTableAccount, TransactionInstruction } = web3;

let state = Number(process.argv[2] ?? 1) >>> 0 || 1;
const next = () => { state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0; return state; };
const bytes = (n) => Uint8Array.from({ length: n }, () => next() & 0xff);
const int = (max) => next() % max;
const key = () => new PublicKey(bytes(32));
const keypair = () => { const seed = bytes(32); return { seed: Buffer.from(seed).toString('base64'), kp: Keypair.fromSeed(seed) }; };
const b64 = (u8) => Buffer.from(u8).toString('base64');
const ix = (i) => ({ programId: i.programId.toBase58(), keys: i.keys.map(k => ({ pubkey: k.pubkey.toBase58(), isSigner: k.isSigner, isWritable: k.isWritable })), data: b64(i.data) });

const base58 = Array.from({ length: 200 }, (_, i) => {
  const raw = bytes(1 + int(40));
  for (let z = 0; z < i % 4; z++) raw[z] = 0;
  return { bytes: b64(raw), text: bs58.default ? bs58.default.encode(raw) : bs58.encode(raw) };
});

const onCurve = Array.from({ length: 1000 }, () => { const raw = bytes(32); return { key: b64(raw), onCurve: PublicKey.isOnCurve(raw) }; });

const pdas = Array.from({ length: 1000 }, () => {
  const seeds = Array.from({ length: int(4) }, () => bytes(int(33)));
  const programId = key();
  const [address, bump] = PublicKey.findProgramAddressSync(seeds, programId);
  return { seeds: seeds.map(b64), programId: programId.toBase58(), address: address.toBase58(), bump };
});

const atas = Array.from({ length: 1000 }, (_, i) => {
  const owner = i % 2 ? Keypair.fromSeed(bytes(32)).publicKey : key();
  const mint = key();
  const programId = i % 3 ? spl.TOKEN_PROGRAM_ID : spl.TOKEN_2022_PROGRAM_ID;
  return { owner: owner.toBase58(), mint: mint.toBase58(), programId: programId.toBase58(), address: spl.getAssociatedTokenAddressSync(mint, owner, true, programId).toBase58() };
});

// Builders: the same parameters through the official JS builders.
const [a, b, c, d, e] = [key(), key(), key(), key(), key()];
const amount = 1_234_567_890_123n;
const builders = [
  { name: 'SystemTransfer', args: { from: a, to: b, lamports: 5_000_000_000n }, ix: SystemProgram.transfer({ fromPubkey: a, toPubkey: b, lamports: 5_000_000_000n }) },
  { name: 'SystemCreateAccount', args: { from: a, newAccount: b, lamports: 2_039_280n, space: 165n, owner: spl.TOKEN_PROGRAM_ID }, ix: SystemProgram.createAccount({ fromPubkey: a, newAccountPubkey: b, lamports: 2_039_280, space: 165, programId: spl.TOKEN_PROGRAM_ID }) },
  { name: 'TransferChecked', args: { source: a, mint: b, destination: c, owner: d, amount, decimals: 6 }, ix: spl.createTransferCheckedInstruction(a, b, c, d, amount, 6) },
  { name: 'TransferChecked2022', args: { source: a, mint: b, destination: c, owner: d, amount, decimals: 9 }, ix: spl.createTransferCheckedInstruction(a, b, c, d, amount, 9, [], spl.TOKEN_2022_PROGRAM_ID) },
  { name: 'Burn', args: { account: a, mint: b, owner: c, amount }, ix: spl.createBurnInstruction(a, b, c, amount) },
  { name: 'BurnChecked', args: { account: a, mint: b, owner: c, amount, decimals: 6 }, ix: spl.createBurnCheckedInstruction(a, b, c, amount, 6) },
  { name: 'MintTo', args: { mint: a, destination: b, authority: c, amount }, ix: spl.createMintToInstruction(a, b, c, amount) },
  { name: 'InitializeMint2', args: { mint: a, decimals: 6, mintAuthority: b, freezeAuthority: c }, ix: spl.createInitializeMint2Instruction(a, 6, b, c) },
  { name: 'InitializeMint2NoFreeze', args: { mint: a, decimals: 9, mintAuthority: b }, ix: spl.createInitializeMint2Instruction(a, 9, b, null, spl.TOKEN_2022_PROGRAM_ID) },
  { name: 'InitializeAccount3', args: { account: a, mint: b, owner: c }, ix: spl.createInitializeAccount3Instruction(a, b, c) },
  { name: 'CloseAccount', args: { account: a, destination: b, owner: c }, ix: spl.createCloseAccountInstruction(a, b, c) },
  { name: 'AtaCreate', args: { payer: a, owner: b, mint: c }, ix: spl.createAssociatedTokenAccountInstruction(a, spl.getAssociatedTokenAddressSync(c, b, true), b, c) },
  { name: 'AtaCreateIdempotent2022', args: { payer: a, owner: b, mint: c }, ix: spl.createAssociatedTokenAccountIdempotentInstruction(a, spl.getAssociatedTokenAddressSync(c, b, true, spl.TOKEN_2022_PROGRAM_ID), b, c, spl.TOKEN_2022_PROGRAM_ID) },
  { name: 'InitializeTransferFeeConfig', args: { mint: a, configAuthority: b, withdrawAuthority: c, basisPoints: 50, maximumFee: 5_000_000n }, ix: spl.createInitializeTransferFeeConfigInstruction(a, b, c, 50, 5_000_000n) },
  { name: 'TransferCheckedWithFee', args: { source: a, mint: b, destination: c, owner: d, amount, decimals: 6, fee: 61_729n }, ix: spl.createTransferCheckedWithFeeInstruction(a, b, c, d, amount, 6, 61_729n) },
  { name: 'WithdrawWithheldTokensFromMint', args: { mint: a, destination: b, withdrawAuthority: c }, ix: spl.createWithdrawWithheldTokensFromMintInstruction(a, b, c) },
  { name: 'WithdrawWithheldTokensFromAccounts', args: { mint: a, destination: b, withdrawAuthority: c, sources: [d, e] }, ix: spl.createWithdrawWithheldTokensFromAccountsInstruction(a, b, c, [], [d, e]) },
  { name: 'HarvestWithheldTokensToMint', args: { mint: a, sources: [d, e] }, ix: spl.createHarvestWithheldTokensToMintInstruction(a, [d, e]) },
  { name: 'SetComputeUnitLimit', args: { units: 200_000 }, ix: ComputeBudgetProgram.setComputeUnitLimit({ units: 200_000 }) },
  { name: 'SetComputeUnitPrice', args: { microLamports: 1_000n }, ix: ComputeBudgetProgram.setComputeUnitPrice({ microLamports: 1_000n }) },
  { name: 'Memo', args: { text: 'bourse ✓ 42', signers: [a] }, ix: new TransactionInstruction({ programId: new PublicKey('MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr'), keys: [{ pubkey: a, isSigner: true, isWritable: false }], data: Buffer.from('bourse ✓ 42', 'utf8') }) },
].map(v => ({ name: v.name, args: JSON.parse(JSON.stringify(v.args, (k, x) => typeof x === 'bigint' ? x.toString() : x instanceof PublicKey ? x.toBase58() : x)), ...ix(v.ix) }));

// Transactions: the same instructions compiled, signed and serialised by web3.js.
const transactions = Array.from({ length: 40 }, (_, i) => {
  const payer = keypair();
  const other = keypair();
  const mint = key(), src = key(), dst = key(), vault = key(), extra = key();
  const instructions = [
    ComputeBudgetProgram.setComputeUnitLimit({ units: 20_000 + i }),
    SystemProgram.transfer({ fromPubkey: payer.kp.publicKey, toPubkey: vault, lamports: 1_000 + i }),
    spl.createTransferCheckedInstruction(src, mint, dst, other.kp.publicKey, BigInt(1 + i), 6),
    new TransactionInstruction({ programId: new PublicKey('MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr'), keys: [{ pubkey: extra, isSigner: false, isWritable: i % 2 === 0 }], data: Buffer.from(`memo ${i}`) }),
  ];
  const blockhash = bs58.default ? bs58.default.encode(bytes(32)) : bs58.encode(bytes(32));
  const versioned = i % 2 === 1;
  const table = versioned ? new AddressLookupTableAccount({ key: key(), state: { deactivationSlot: 2n ** 64n - 1n, lastExtendedSlot: 0, lastExtendedSlotStartIndex: 0, authority: undefined, addresses: [key(), dst, mint, extra, vault] } }) : null;
  const message = new TransactionMessage({ payerKey: payer.kp.publicKey, recentBlockhash: blockhash, instructions });
  const compiled = versioned ? message.compileToV0Message([table]) : message.compileToLegacyMessage();
  const tx = new VersionedTransaction(compiled);
  tx.sign([payer.kp, other.kp]);
  return {
    payerSeed: payer.seed, otherSeed: other.seed, blockhash,
    table: table && { key: table.key.toBase58(), addresses: table.state.addresses.map(x => x.toBase58()) },
    instructions: instructions.map(ix), bytes: b64(tx.serialize()),
  };
});

process.stdout.write(JSON.stringify({ base58, onCurve, pdas, atas, builders, transactions }));

// End-to-end tests: start server.mjs on port 0 with seed.json, then use it through
// @solana/web3.js Connection and @solana/spl-token like the real clients do.
//   node --test tools/chain/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Connection, Keypair, PublicKey, Transaction, TransactionMessage, VersionedTransaction,
  SystemProgram, TransactionInstruction, SendTransactionError, AddressLookupTableProgram, LAMPORTS_PER_SOL,
} from '@solana/web3.js';
import { getBase58Decoder } from '@solana/kit';
import {
  TOKEN_PROGRAM_ID, TOKEN_2022_PROGRAM_ID, getAccount, getMint, getTransferFeeAmount,
  getAssociatedTokenAddressSync, createAssociatedTokenAccountIdempotentInstruction,
  createTransferCheckedInstruction,
} from '@solana/spl-token';

const here = dirname(fileURLToPath(import.meta.url));
const MEMO_PROGRAM = new PublicKey('MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr');
const USDC = '4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU';

let proc;
let tmp;
let ready;
let conn;
const kp = (name) => Keypair.fromSecretKey(Uint8Array.from(ready[`${name}Keypair`]));
const pk = (name) => new PublicKey(ready[name]);

/** Raw JSON-RPC call, to check exact result and error shapes. */
async function rpc(method, params = []) {
  const res = await fetch(ready.rpc, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  assert.equal(res.status, 200);
  return res.json();
}

/** Polls getSignatureStatuses (no websocket needed). */
async function confirm(signature) {
  for (let i = 0; i < 100; i++) {
    const { value } = await conn.getSignatureStatuses([signature]);
    if (value[0]) {
      assert.equal(value[0].err, null, `tx ${signature} failed: ${JSON.stringify(value[0].err)}`);
      return value[0];
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`tx ${signature} not confirmed`);
}

async function signLegacy(feePayer, instructions, signers = [feePayer]) {
  const { blockhash } = await conn.getLatestBlockhash();
  const tx = new Transaction({ feePayer: feePayer.publicKey, recentBlockhash: blockhash }).add(...instructions);
  tx.sign(...signers);
  return tx.serialize();
}

const usdcTransfer = (amount) => createTransferCheckedInstruction(
  pk('payerUsdcAccount'), new PublicKey(USDC), pk('treasuryUsdcAccount'), pk('payer'), amount, 6);

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'chain-test-'));
  const readyFile = join(tmp, 'ready.json');
  proc = spawn(process.execPath, [join(here, 'server.mjs'), '--host', '127.0.0.1', '--port', '0', '--seed', join(here, 'seed.json'), '--ready-file', readyFile, '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
  for (let i = 0; i < 200 && !existsSync(readyFile); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(existsSync(readyFile), 'server did not write the ready file');
  ready = JSON.parse(readFileSync(readyFile, 'utf8'));
  conn = new Connection(ready.rpc, 'confirmed');
});

after(async () => {
  if (proc) {
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    const code = await exited;
    assert.equal(code, 0, 'server should exit cleanly on SIGTERM');
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('ready file names the seeded accounts, and they are valid for the token programs', async () => {
  assert.match(ready.rpc, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(ready.usdcMint, USDC);
  assert.equal(ready.payerKeypair.length, 64);
  assert.equal(kp('payer').publicKey.toBase58(), ready.payer);
  assert.equal(kp('mintAuthority').publicKey.toBase58(), ready.mintAuthority);
  const mint = await getMint(conn, new PublicKey(USDC));
  assert.equal(mint.decimals, 6);
  assert.equal(mint.mintAuthority.toBase58(), ready.mintAuthority);
  const payerAta = getAssociatedTokenAddressSync(new PublicKey(USDC), pk('payer'));
  assert.equal(payerAta.toBase58(), ready.payerUsdcAccount);
  assert.equal((await getAccount(conn, payerAta)).amount, 1_000_000_000n);
  assert.equal(await conn.getBalance(pk('payer')), 100 * LAMPORTS_PER_SOL);
  assert.ok(await conn.getBalance(pk('facilitator')) > 0);
  assert.deepEqual(ready.models.map((m) => m.id), ['google/gemma-3-27b-it', 'deepseek-ai/DeepSeek-R1']);
  for (const m of ready.models) {
    const vault = await getAccount(conn, new PublicKey(m.vaultUsdcAccount));
    assert.equal(vault.owner.toBase58(), m.payTo);
    assert.equal(vault.mint.toBase58(), USDC);
  }
  assert.equal(ready.models[0].tokenProgram, TOKEN_PROGRAM_ID.toBase58());
  assert.equal(ready.models[1].tokenProgram, TOKEN_2022_PROGRAM_ID.toBase58());
});

test('airdrop lands and credits the account', async () => {
  const who = Keypair.generate().publicKey;
  const sig = await conn.requestAirdrop(who, 2 * LAMPORTS_PER_SOL);
  await confirm(sig);
  assert.equal(await conn.getBalance(who), 2 * LAMPORTS_PER_SOL);
});

test('misc methods: rent, version, blockhash window, slots, errors', async () => {
  assert.equal(await conn.getMinimumBalanceForRentExemption(165), 2039280);
  assert.equal(await conn.getMinimumBalanceForRentExemption(0), 890880);
  const { blockhash, lastValidBlockHeight } = await conn.getLatestBlockhash();
  const height = await conn.getBlockHeight();
  assert.ok(lastValidBlockHeight >= height + 149 && lastValidBlockHeight <= height + 151);
  assert.equal((await conn.isBlockhashValid(blockhash)).value, true);
  assert.equal((await conn.isBlockhashValid('4uQeVj5tqViQh7yWWGStvkEG1Zmhx6uasJtWCJziofM')).value, false);
  const s1 = await conn.getSlot();
  await new Promise((r) => setTimeout(r, 900));
  assert.ok(await conn.getSlot() > s1, 'slots advance over time');
  assert.equal((await rpc('getHealth')).result, 'ok');
  assert.equal((await rpc('nope')).error.code, -32601);
  assert.equal((await rpc('getBalance', ['not-a-key'])).error.code, -32602);
  const info = await rpc('getAccountInfo', [USDC, { encoding: 'base64' }]);
  assert.equal(info.result.value.rentEpoch, 18446744073709552000); // u64::MAX as a JSON number
  assert.equal(info.result.value.space, 82);
  const sliced = await rpc('getAccountInfo', [USDC, { encoding: 'base64', dataSlice: { offset: 44, length: 2 } }]);
  assert.deepEqual(Buffer.from(sliced.result.value.data[0], 'base64'), Buffer.from([6, 1]));
  const batch = await (await fetch(ready.rpc, { method: 'POST', body: JSON.stringify([{ jsonrpc: '2.0', id: 1, method: 'getSlot' }, { jsonrpc: '2.0', id: 2, method: 'bad' }]) })).json();
  assert.equal(batch.length, 2);
  assert.equal(typeof batch[0].result, 'number');
  assert.equal(batch[1].error.code, -32601);
  const supply = await conn.getTokenSupply(new PublicKey(USDC));
  assert.equal(supply.value.decimals, 6);
  const fee = await conn.getFeeForMessage(new Transaction({ feePayer: pk('payer'), recentBlockhash: blockhash }).add(usdcTransfer(1)).compileMessage());
  assert.equal(fee.value, 5000);
});

let transferSig;
let transferRaw;

test('USDC TransferChecked payer → treasury lands and moves balances', async () => {
  const before = await conn.getTokenAccountBalance(pk('treasuryUsdcAccount'));
  const payerBefore = await conn.getTokenAccountBalance(pk('payerUsdcAccount'));
  transferRaw = await signLegacy(kp('payer'), [usdcTransfer(1_500_000)]);
  transferSig = await conn.sendRawTransaction(transferRaw);
  const status = await confirm(transferSig);
  assert.equal(status.confirmationStatus, 'finalized');
  const after = await conn.getTokenAccountBalance(pk('treasuryUsdcAccount'));
  assert.equal(BigInt(after.value.amount) - BigInt(before.value.amount), 1_500_000n);
  assert.equal(after.value.decimals, 6);
  const payerAfter = await conn.getTokenAccountBalance(pk('payerUsdcAccount'));
  assert.equal(BigInt(payerBefore.value.amount) - BigInt(payerAfter.value.amount), 1_500_000n);
});

test('replaying a processed tx → AlreadyProcessed', async () => {
  const res = await rpc('sendTransaction', [transferRaw.toString('base64'), { encoding: 'base64' }]);
  assert.equal(res.error.code, -32002);
  assert.equal(res.error.data.err, 'AlreadyProcessed');
  assert.match(res.error.message, /^Transaction simulation failed: This transaction has already been processed/);
});

test('preflight failure → -32002 with err, logs and unitsConsumed', async () => {
  const raw = await signLegacy(kp('payer'), [usdcTransfer(10_000_000_000_000n)]);
  const res = await rpc('sendTransaction', [raw.toString('base64'), { encoding: 'base64' }]);
  assert.equal(res.error.code, -32002);
  assert.match(res.error.message, /^Transaction simulation failed: Error processing Instruction 0: custom program error: 0x1/);
  assert.deepEqual(res.error.data.err, { InstructionError: [0, { Custom: 1 }] });
  assert.ok(res.error.data.logs.some((l) => /insufficient funds/i.test(l)), res.error.data.logs.join('\n'));
  assert.ok(res.error.data.unitsConsumed > 0);
  assert.equal(res.error.data.accounts, null);
  assert.equal(res.error.data.returnData, null);
  // The tx did not land.
  const sig = getBase58Decoder().decode(Transaction.from(raw).signature);
  assert.equal((await conn.getSignatureStatuses([sig], { searchTransactionHistory: true })).value[0], null);
  // web3.js surfaces the logs through SendTransactionError.
  await assert.rejects(conn.sendRawTransaction(raw), (e) => e instanceof SendTransactionError && /custom program error: 0x1/.test(e.message) && e.logs.length > 0);
});

test('unknown blockhash → BlockhashNotFound; simulate with replaceRecentBlockhash works', async () => {
  const tx = new Transaction({ feePayer: pk('payer'), recentBlockhash: '4uQeVj5tqViQh7yWWGStvkEG1Zmhx6uasJtWCJziofM' }).add(usdcTransfer(1));
  tx.sign(kp('payer'));
  const b64 = tx.serialize().toString('base64');
  const res = await rpc('sendTransaction', [b64, { encoding: 'base64' }]);
  assert.equal(res.error.code, -32002);
  assert.equal(res.error.data.err, 'BlockhashNotFound');
  const sim = await rpc('simulateTransaction', [b64, { encoding: 'base64' }]);
  assert.equal(sim.result.value.err, 'BlockhashNotFound');
  const sim2 = await rpc('simulateTransaction', [b64, { encoding: 'base64', replaceRecentBlockhash: true }]);
  assert.equal(sim2.result.value.err, null);
  assert.ok(sim2.result.value.unitsConsumed > 0);
  assert.equal(typeof sim2.result.value.replacementBlockhash.blockhash, 'string');
  const sim3 = await rpc('simulateTransaction', [b64, { encoding: 'base64', replaceRecentBlockhash: true, sigVerify: true }]);
  assert.equal(sim3.error.code, -32602);
});

test('simulate a partially signed tx (x402 style) with sigVerify false and true', async () => {
  const feePayer = kp('facilitator');
  const { blockhash } = await conn.getLatestBlockhash();
  const msg = new TransactionMessage({ payerKey: feePayer.publicKey, recentBlockhash: blockhash, instructions: [usdcTransfer(1000)] }).compileToV0Message();
  const tx = new VersionedTransaction(msg);
  tx.sign([kp('payer')]); // the fee payer's slot stays zero
  const b64 = Buffer.from(tx.serialize()).toString('base64');
  const ok = await rpc('simulateTransaction', [b64, { encoding: 'base64', sigVerify: false, commitment: 'confirmed' }]);
  assert.equal(ok.result.value.err, null, JSON.stringify(ok.result.value));
  const bad = await rpc('simulateTransaction', [b64, { encoding: 'base64', sigVerify: true }]);
  assert.equal(bad.result.value.err, 'SignatureFailure');
  const send = await rpc('sendTransaction', [b64, { encoding: 'base64' }]);
  assert.equal(send.error.code, -32003);
  // The facilitator co-signs slot 0 and sends with skipPreflight, then polls statuses.
  tx.sign([feePayer]);
  const sig = await conn.sendRawTransaction(tx.serialize(), { skipPreflight: true });
  await confirm(sig);
});

test('getTransaction json and base64 carry pre/post token balances', async () => {
  const tx = await conn.getTransaction(transferSig, { maxSupportedTransactionVersion: 0, commitment: 'confirmed' });
  assert.ok(tx, 'web3.js parses the result');
  assert.equal(tx.version, 'legacy');
  assert.equal(tx.meta.err, null);
  assert.equal(tx.meta.fee, 5000);
  assert.equal(tx.meta.preBalances[0] - tx.meta.postBalances[0], 5000);
  const keys = tx.transaction.message.staticAccountKeys.map((k) => k.toBase58());
  const at = (list, name) => list.find((b) => keys[b.accountIndex] === ready[name]);
  assert.equal(BigInt(at(tx.meta.postTokenBalances, 'treasuryUsdcAccount').uiTokenAmount.amount) - BigInt(at(tx.meta.preTokenBalances, 'treasuryUsdcAccount').uiTokenAmount.amount), 1_500_000n);
  const pre = at(tx.meta.preTokenBalances, 'payerUsdcAccount');
  assert.equal(pre.mint, USDC);
  assert.equal(pre.owner, ready.payer);
  assert.equal(pre.programId, TOKEN_PROGRAM_ID.toBase58());
  assert.equal(pre.uiTokenAmount.decimals, 6);
  assert.equal(typeof pre.uiTokenAmount.uiAmount, 'number');
  assert.equal(typeof pre.uiTokenAmount.uiAmountString, 'string');
  assert.equal(tx.meta.logMessages[0], `Program ${TOKEN_PROGRAM_ID.toBase58()} invoke [1]`);
  assert.ok(tx.meta.computeUnitsConsumed > 0);

  const b64 = await rpc('getTransaction', [transferSig, { encoding: 'base64', maxSupportedTransactionVersion: 0 }]);
  assert.deepEqual(Buffer.from(b64.result.transaction[0], 'base64'), transferRaw);
  assert.equal(b64.result.transaction[1], 'base64');
  assert.deepEqual(b64.result.meta.postTokenBalances, JSON.parse(JSON.stringify(tx.meta.postTokenBalances)));

  const parsed = await conn.getParsedTransaction(transferSig, { maxSupportedTransactionVersion: 0 });
  assert.equal(parsed.transaction.message.accountKeys[0].pubkey.toBase58(), ready.payer);
  assert.equal(parsed.transaction.message.accountKeys[0].signer, true);
  assert.equal(await conn.getTransaction('1111111111111111111111111111111111111111111111111111111111111111', { maxSupportedTransactionVersion: 0 }), null);
});

test('getSignaturesForAddress for payer, mint and destination (newest first, paging)', async () => {
  for (const who of [ready.payer, USDC, ready.treasuryUsdcAccount]) {
    const list = await conn.getSignaturesForAddress(new PublicKey(who), { limit: 10 });
    assert.ok(list.some((s) => s.signature === transferSig), `missing for ${who}`);
    assert.ok(list.length <= 10);
    for (let i = 1; i < list.length; i++) assert.ok(list[i - 1].slot >= list[i].slot, 'newest first');
  }
  const all = await conn.getSignaturesForAddress(new PublicKey(USDC));
  assert.ok(all.length >= 3);
  const page2 = await conn.getSignaturesForAddress(new PublicKey(USDC), { before: all[0].signature, limit: 2 });
  assert.deepEqual(page2.map((s) => s.signature), all.slice(1, 3).map((s) => s.signature));
  const upto = await conn.getSignaturesForAddress(new PublicKey(USDC), { until: all[2].signature });
  assert.deepEqual(upto.map((s) => s.signature), all.slice(0, 2).map((s) => s.signature));
  const nothing = await conn.getSignaturesForAddress(Keypair.generate().publicKey);
  assert.deepEqual(nothing, []);
});

test('getProgramAccounts with dataSize + memcmp (base58 and base64)', async () => {
  const byMint = await conn.getProgramAccounts(TOKEN_PROGRAM_ID, { filters: [{ dataSize: 165 }, { memcmp: { offset: 0, bytes: USDC } }] });
  const keys = byMint.map((a) => a.pubkey.toBase58());
  for (const n of ['payerUsdcAccount', 'treasuryUsdcAccount', 'gemmaVaultUsdcAccount', 'deepseekVaultUsdcAccount']) assert.ok(keys.includes(ready[n]), n);
  for (const a of byMint) assert.equal(new PublicKey(a.account.data.subarray(0, 32)).toBase58(), USDC);
  const byOwner = await rpc('getProgramAccounts', [TOKEN_PROGRAM_ID.toBase58(), { encoding: 'base64', withContext: true, dataSlice: { offset: 64, length: 8 },
    filters: [{ memcmp: { offset: 32, bytes: pk('payer').toBuffer().toString('base64'), encoding: 'base64' } }] }]);
  assert.ok(byOwner.result.context.slot > 0);
  const mine = byOwner.result.value.map((a) => a.pubkey);
  assert.ok(mine.includes(ready.payerUsdcAccount) && mine.includes(ready.payerGemmaAccount));
  assert.ok(!mine.includes(ready.treasuryUsdcAccount));
  assert.equal(Buffer.from(byOwner.result.value[0].account.data[0], 'base64').length, 8);
  // Token-2022 accounts: AccountType byte 2 at offset 165 (base58 "3").
  const t22 = await conn.getProgramAccounts(TOKEN_2022_PROGRAM_ID, { filters: [{ memcmp: { offset: 165, bytes: '3' } }] });
  assert.ok(t22.some((a) => a.pubkey.toBase58() === ready.payerDeepseekAccount));
});

test('v0 transaction with memo and an address lookup table', async () => {
  const payer = kp('payer');
  const slot = await conn.getSlot();
  const [createIx, table] = AddressLookupTableProgram.createLookupTable({ authority: payer.publicKey, payer: payer.publicKey, recentSlot: slot - 1 });
  const extendIx = AddressLookupTableProgram.extendLookupTable({ payer: payer.publicKey, authority: payer.publicKey, lookupTable: table, addresses: [pk('treasuryUsdcAccount'), new PublicKey(USDC)] });
  await confirm(await conn.sendRawTransaction(await signLegacy(payer, [createIx, extendIx])));
  await new Promise((r) => setTimeout(r, 900)); // extended addresses become usable in a later slot
  const lookup = (await conn.getAddressLookupTable(table)).value;
  assert.equal(lookup.state.addresses.length, 2);

  const { blockhash } = await conn.getLatestBlockhash();
  const memo = new TransactionInstruction({ programId: MEMO_PROGRAM, keys: [], data: Buffer.from('bourse v0') });
  const msg = new TransactionMessage({ payerKey: payer.publicKey, recentBlockhash: blockhash, instructions: [memo, usdcTransfer(250_000)] }).compileToV0Message([lookup]);
  assert.equal(msg.addressTableLookups.length, 1);
  const tx = new VersionedTransaction(msg);
  tx.sign([payer]);
  const sig = await conn.sendTransaction(tx);
  await confirm(sig);

  const legacyClient = await rpc('getTransaction', [sig, { encoding: 'json' }]);
  assert.equal(legacyClient.error.code, -32015);
  const got = await conn.getTransaction(sig, { maxSupportedTransactionVersion: 0 });
  assert.equal(got.version, 0);
  assert.deepEqual(got.meta.loadedAddresses.writable.map(String), [ready.treasuryUsdcAccount]);
  assert.deepEqual(got.meta.loadedAddresses.readonly.map(String), [USDC]);
  const nStatic = got.transaction.message.staticAccountKeys.length;
  const dest = got.meta.postTokenBalances.find((b) => b.accountIndex === nStatic); // first loaded key
  assert.equal(dest.owner, ready.treasury);
  // Lookup-table-loaded accounts are indexed too.
  const forDest = await conn.getSignaturesForAddress(pk('treasuryUsdcAccount'), { limit: 1 });
  assert.equal(forDest[0].signature, sig);
  assert.equal(forDest[0].memo, '[9] bourse v0');
  const forMint = await conn.getSignaturesForAddress(new PublicKey(USDC), { limit: 1 });
  assert.equal(forMint[0].signature, sig);
});

test('Token-2022 transfer on the fee mint withholds the fee', async () => {
  const payer = kp('payer');
  const model = ready.models.find((m) => m.transferFee);
  assert.equal(model.transferFee.basisPoints, 50);
  const mint = new PublicKey(model.mint);
  const owner = Keypair.generate().publicKey;
  const dest = getAssociatedTokenAddressSync(mint, owner, false, TOKEN_2022_PROGRAM_ID);
  const amount = 2_000_000n; // 2 tokens → 0.5% = 10_000 withheld
  const raw = await signLegacy(payer, [
    createAssociatedTokenAccountIdempotentInstruction(payer.publicKey, dest, owner, mint, TOKEN_2022_PROGRAM_ID),
    createTransferCheckedInstruction(pk('payerDeepseekAccount'), mint, dest, payer.publicKey, amount, 6, [], TOKEN_2022_PROGRAM_ID),
  ]);
  const sig = await conn.sendRawTransaction(raw);
  await confirm(sig);
  const acc = await getAccount(conn, dest, 'confirmed', TOKEN_2022_PROGRAM_ID);
  assert.equal(acc.amount, amount - 10_000n);
  assert.equal(getTransferFeeAmount(acc).withheldAmount, 10_000n);
  const tx = await conn.getTransaction(sig, { maxSupportedTransactionVersion: 0 });
  const post = tx.meta.postTokenBalances.find((b) => b.owner === owner.toBase58());
  assert.equal(post.uiTokenAmount.amount, String(amount - 10_000n));
  assert.equal(post.programId, TOKEN_2022_PROGRAM_ID.toBase58());
  assert.ok(!tx.meta.preTokenBalances.some((b) => b.owner === owner.toBase58()), 'no pre balance: the ATA was created in this tx');
});

test('PubSub websocket: web3.js confirmTransaction and onAccountChange', async () => {
  const wsConn = new Connection(ready.rpc, { commitment: 'confirmed', wsEndpoint: ready.ws });
  const seen = new Promise((resolve) => {
    const id = wsConn.onAccountChange(pk('treasuryUsdcAccount'), (info) => { wsConn.removeAccountChangeListener(id); resolve(info); }, 'confirmed');
  });
  await new Promise((r) => setTimeout(r, 200)); // let the subscription register
  const { blockhash, lastValidBlockHeight } = await wsConn.getLatestBlockhash();
  const tx = new Transaction({ feePayer: pk('payer'), recentBlockhash: blockhash }).add(usdcTransfer(1));
  tx.sign(kp('payer'));
  const signature = await wsConn.sendRawTransaction(tx.serialize());
  const res = await wsConn.confirmTransaction({ signature, blockhash, lastValidBlockHeight }, 'confirmed');
  assert.equal(res.value.err, null);
  const info = await seen;
  assert.equal(info.data.length, 165);
  // Subscribing to an already-final signature still answers.
  const again = await wsConn.confirmTransaction({ signature, blockhash, lastValidBlockHeight }, 'confirmed');
  assert.equal(again.value.err, null);
  wsConn._rpcWebSocket.close(); // web3.js has no public close; 1000 stops its reconnects
});

test('skipPreflight: a failing tx still lands with err and pays the fee', async () => {
  const raw = await signLegacy(kp('payer'), [usdcTransfer(10_000_000_000_000n)]);
  const before = await conn.getBalance(pk('payer'));
  const sig = await conn.sendRawTransaction(raw, { skipPreflight: true });
  const { value } = await conn.getSignatureStatuses([sig]);
  assert.deepEqual(value[0].err, { InstructionError: [0, { Custom: 1 }] });
  const tx = await conn.getTransaction(sig, { maxSupportedTransactionVersion: 0 });
  assert.deepEqual(tx.meta.err, { InstructionError: [0, { Custom: 1 }] });
  assert.equal(before - await conn.getBalance(pk('payer')), 5000);
  const [latest] = await conn.getSignaturesForAddress(pk('payer'), { limit: 1 });
  assert.equal(latest.signature, sig);
  assert.deepEqual(latest.err, { InstructionError: [0, { Custom: 1 }] });
  // A replay with skipPreflight returns the signature but changes nothing.
  assert.equal(await conn.sendRawTransaction(raw, { skipPreflight: true }), sig);
  assert.equal(before - await conn.getBalance(pk('payer')), 5000);
});

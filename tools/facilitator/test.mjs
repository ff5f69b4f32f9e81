// End to end on the local chain: both x402 client generations pay a tiny seller that answers 402 in
// Bourse's exact shape (fixtures/bourse-402.json, which the C# RequirementBuilder is tested to produce),
// and the seller verifies and settles through this facilitator over HTTP.
//   node --test tools/facilitator/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKeyPairSignerFromBytes, getBase58Decoder } from '@solana/kit';
import { wrapFetchWithPayment, x402Client, decodePaymentResponseHeader } from '@x402/fetch';
import { ExactSvmScheme } from '@x402/svm/exact/client';
import { wrapFetchWithPayment as wrapFetchWithPaymentV1 } from 'x402-fetch';
import { createSigner } from 'x402/types';
import { startFacilitator } from './server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = JSON.parse(readFileSync(join(here, 'fixtures', 'bourse-402.json'), 'utf8'));
const MODEL = 'google/gemma-3-27b-it';
const PATH = '/api/x402/v1/chat/completions';

let dir, chainProcess, chain, facilitator, seller, feePayer, payTo, vaultAta;
const b64 = (value) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
const unb64 = (header) => JSON.parse(Buffer.from(header, 'base64').toString('utf8'));

async function rpc(method, params) {
  const res = await fetch(chain.rpc, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  const body = await res.json();
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

const balance = async (account) => BigInt((await rpc('getTokenAccountBalance', [account])).value.amount);

async function waitForFile(path, child, seconds) {
  for (let i = 0; i < seconds * 10; i++) {
    if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8'));
    if (child.exitCode !== null) throw new Error(`process exited (${child.exitCode}) before writing ${path}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${path} not written within ${seconds}s`);
}

/** The 402 Bourse sends, from the golden fixture, with this chain's addresses. */
function challenge(resource) {
  const v2 = structuredClone(fixture.header);
  const v1 = structuredClone(fixture.body);
  v2.resource.url = resource;
  Object.assign(v2.accepts[0], { payTo, asset: chain.usdcMint, extra: { feePayer } });
  Object.assign(v1.accepts[0], { payTo, asset: chain.usdcMint, resource, extra: { feePayer } });
  return { v2, v1 };
}

async function facilitatorCall(path, x402Version, paymentPayload, paymentRequirements) {
  const res = await fetch(`${facilitator.url}/${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ x402Version, paymentPayload, paymentRequirements }),
  });
  return res.json();
}

/** The seller: 402 without payment; with one, verify + settle against the rebuilt requirement (as Bourse does). */
function startSeller() {
  const seen = [];
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks).toString('utf8');
    const resource = `http://${req.headers.host}${PATH}`;
    const { v2, v1 } = challenge(resource);
    const signature = req.headers['payment-signature'];
    const xPayment = req.headers['x-payment'];
    const refuse = (error, extraHeaders = {}) => {
      res.writeHead(402, { 'content-type': 'application/json', 'cache-control': 'no-store', 'payment-required': b64({ ...v2, error }), ...extraHeaders });
      res.end(JSON.stringify({ ...v1, error }));
    };
    if (!signature && !xPayment) return refuse('Payment required');

    const version = signature ? 2 : 1;
    const payload = unb64(signature ?? xPayment);
    seen.push({ version, header: signature ?? xPayment, body });
    const requirements = version === 2 ? v2.accepts[0] : v1.accepts[0];
    if (version === 2) {
      for (const key of ['scheme', 'network', 'amount', 'asset', 'payTo', 'maxTimeoutSeconds']) {
        if (payload.accepted?.[key] !== requirements[key]) return refuse(`${key}_mismatch`);
      }
    } else if (payload.network !== requirements.network || payload.scheme !== requirements.scheme) {
      return refuse('network_mismatch');
    }

    const verified = await facilitatorCall('verify', version, payload, requirements);
    if (!verified.isValid) return refuse(verified.invalidReason);
    const settled = await facilitatorCall('settle', version, payload, requirements);
    const responseHeader = version === 2 ? 'payment-response' : 'x-payment-response';
    if (!settled.success) return refuse(settled.errorReason, { [responseHeader]: b64(settled) });
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'private', [responseHeader]: b64(settled) });
    res.end(JSON.stringify({ object: 'chat.completion', model: MODEL, choices: [{ index: 0, message: { role: 'assistant', content: 'hi' } }] }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, seen, url: `http://127.0.0.1:${server.address().port}${PATH}` })));
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bourse-facilitator-'));
  const ready = join(dir, 'chain.json');
  chainProcess = spawn(process.execPath, [join(here, '..', 'chain', 'server.mjs'), '--port', '0', '--seed', join(here, '..', 'chain', 'seed.json'), '--ready-file', ready, '--quiet', '--slot-ms', '200'], { stdio: 'inherit' });
  chain = await waitForFile(ready, chainProcess, 60);
  const gemma = chain.models.find((m) => m.id === MODEL);
  payTo = gemma.payTo;
  vaultAta = gemma.vaultUsdcAccount;
  facilitator = await startFacilitator({ rpc: chain.rpc, keypair: Uint8Array.from(chain.facilitatorKeypair) });
  seller = await startSeller();
});

after(async () => {
  await facilitator?.close();
  await new Promise((r) => (seller ? seller.server.close(r) : r()));
  chainProcess?.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const chatRequest = () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Say hi' }], max_tokens: 16 }) });

test('/supported names the fee payer for the devnet id and the v1 names', async () => {
  const supported = await (await fetch(`${facilitator.url}/supported`)).json();
  const v2 = supported.kinds.find((k) => k.x402Version === 2);
  assert.equal(v2.network, 'solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1');
  assert.equal(v2.extra.feePayer, chain.facilitator);
  assert.ok(supported.kinds.some((k) => k.x402Version === 1 && k.network === 'solana-devnet'));
  feePayer = v2.extra.feePayer;
  assert.equal((await (await fetch(`${facilitator.url}/health`)).json()).status, 'ok');
});

test('/verify and /settle answer malformed requests with a reason, not a crash', async () => {
  const verify = await fetch(`${facilitator.url}/verify`, { method: 'POST', body: 'not json' });
  assert.equal(verify.status, 400);
  assert.equal((await verify.json()).isValid, false);
  const settle = await fetch(`${facilitator.url}/settle`, { method: 'POST', body: JSON.stringify({ x402Version: 2, paymentPayload: { x402Version: 2 }, paymentRequirements: { scheme: 'nope', network: 'solana:x' } }) });
  const answer = await settle.json();
  assert.equal(answer.success, false);
  assert.ok(answer.errorReason);
});

test('the unpaid request gets the 402 in both shapes', async () => {
  const res = await fetch(seller.url, chatRequest());
  assert.equal(res.status, 402);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const v2 = unb64(res.headers.get('payment-required'));
  const v1 = await res.json();
  assert.equal(v2.accepts[0].network, 'solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1');
  assert.equal(v1.accepts[0].network, 'solana-devnet');
  assert.equal(v1.accepts[0].maxAmountRequired, v1.accepts[0].amount);
});

test('@x402/fetch 2.x (v2, PAYMENT-SIGNATURE) pays and gets 200; the payTo vault receives the amount', async () => {
  const signer = await createKeyPairSignerFromBytes(Uint8Array.from(chain.payerKeypair));
  const client = new x402Client();
  client.register('solana:*', new ExactSvmScheme(signer, { rpcUrl: chain.rpc }));
  const pay = wrapFetchWithPayment(fetch, client);
  const before = await balance(vaultAta);

  const res = await pay(seller.url, chatRequest());

  assert.equal(res.status, 200, await res.clone().text());
  const settled = decodePaymentResponseHeader(res.headers.get('payment-response'));
  assert.equal(settled.success, true);
  assert.equal(settled.network, 'solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1');
  assert.equal(settled.payer, chain.payer);
  assert.equal(await balance(vaultAta) - before, BigInt(fixture.header.accepts[0].amount));
  const last = seller.seen.at(-1);
  assert.equal(last.version, 2);
  assert.equal(JSON.parse(last.body).model, MODEL, 'the paid retry resends the body');
  const status = (await rpc('getSignatureStatuses', [[settled.transaction], { searchTransactionHistory: true }])).value[0];
  assert.equal(status.err, null);
});

test('x402-fetch 1.x (v1, X-PAYMENT) pays and gets 200', async () => {
  const secret = getBase58Decoder().decode(Uint8Array.from(chain.payerKeypair));
  const signer = await createSigner('solana-devnet', secret);
  const pay = wrapFetchWithPaymentV1(fetch, signer, 100000n, undefined, { svmConfig: { rpcUrl: chain.rpc } });
  const before = await balance(vaultAta);

  const res = await pay(seller.url, chatRequest());

  assert.equal(res.status, 200, await res.clone().text());
  const settled = unb64(res.headers.get('x-payment-response'));
  assert.equal(settled.success, true);
  assert.equal(await balance(vaultAta) - before, BigInt(fixture.body.accepts[0].maxAmountRequired));
  assert.equal(seller.seen.at(-1).version, 1);
});

test('replaying a settled payment is refused and moves no money', async () => {
  const paid = seller.seen.findLast((s) => s.version === 2);
  assert.ok(paid, 'a v2 payment was made earlier');
  const before = await balance(vaultAta);

  const res = await fetch(seller.url, { ...chatRequest(), headers: { 'content-type': 'application/json', 'payment-signature': paid.header } });

  assert.equal(res.status, 402);
  assert.ok((await res.json()).error);
  assert.equal(await balance(vaultAta), before);
});

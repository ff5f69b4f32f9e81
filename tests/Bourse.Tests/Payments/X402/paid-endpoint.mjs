// The real x402 clients, unmodified, paying Bourse's C# endpoint on the running local stack.
// Usage: node paid-endpoint.mjs <api base> <chain ready file>   (node:test; exit code = result)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const tools = createRequire(path.join(here, '../../../../tools/package.json'));
const importTool = async (name) => import(tools.resolve(name));
const { createKeyPairSignerFromBytes, getBase58Decoder } = await importTool('@solana/kit');
const { wrapFetchWithPayment, x402Client, decodePaymentResponseHeader } = await importTool('@x402/fetch');
const { ExactSvmScheme } = await importTool('@x402/svm/exact/client');
const { wrapFetchWithPayment: wrapFetchWithPaymentV1 } = await importTool('x402-fetch');
const { createSigner } = await importTool('x402/types');

const [api, chainFile] = process.argv.slice(2);
const chain = JSON.parse(readFileSync(chainFile, 'utf8'));
const url = `${api}/x402/v1/chat/completions`;
const model = chain.models.find((m) => m.id === 'google/gemma-3-27b-it');
const chat = (extra = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ model: model.id, max_tokens: 16, messages: [{ role: 'user', content: 'paid hello' }], ...extra }),
});

async function balance(account) {
  const res = await fetch(chain.rpc, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'getTokenAccountBalance', params: [account] }) });
  return BigInt((await res.json()).result.value.amount);
}

async function v2Client() {
  const signer = await createKeyPairSignerFromBytes(Uint8Array.from(chain.payerKeypair));
  const client = new x402Client();
  client.register('solana:*', new ExactSvmScheme(signer, { rpcUrl: chain.rpc }));
  return client;
}

let paidV2Header;

test('no payment: 402 with the v2 header and the v1 body', async () => {
  const res = await fetch(url, chat());
  assert.equal(res.status, 402);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const v2 = JSON.parse(Buffer.from(res.headers.get('payment-required'), 'base64').toString());
  const v1 = await res.json();
  assert.equal(v2.accepts[0].payTo, model.payTo, 'a tokenized model is paid into its vault');
  assert.equal(v1.accepts[0].network, 'solana-devnet');
});

test('the pay.sh probe ({}) gets a 402 with a default quote', async () => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  assert.equal(res.status, 402);
  assert.ok(res.headers.get('payment-required'));
});

test('@x402/fetch 2.x pays, gets the completion, and the vault receives exactly the amount', async () => {
  const before = await balance(model.vaultUsdcAccount);
  const seen = [];
  const spy = async (input, init) => {
    const request = new Request(input, init);
    if (request.headers.get('payment-signature')) seen.push(request.headers.get('payment-signature'));
    return fetch(request);
  };
  const pay = wrapFetchWithPayment(spy, await v2Client());

  const res = await pay(url, chat());

  const text = await res.text();
  assert.equal(res.status, 200, text);
  assert.match(JSON.parse(text).choices[0].message.content, /Hello from/);
  assert.ok(res.headers.get('x-bourse-model-id'));
  const settled = decodePaymentResponseHeader(res.headers.get('payment-response'));
  assert.equal(settled.success, true);
  assert.equal(settled.payer, chain.payer);
  const challenge = JSON.parse(Buffer.from(seen[0], 'base64').toString());
  assert.equal(await balance(model.vaultUsdcAccount) - before, BigInt(challenge.accepted.amount));
  paidV2Header = seen[0];
});

test('@x402/fetch 2.x streams after paying', async () => {
  const pay = wrapFetchWithPayment(fetch, await v2Client());
  const res = await pay(url, chat({ stream: true }));
  const text = await res.text();
  assert.equal(res.status, 200, text);
  assert.match(text, /^data: /);
  assert.match(text, /data: \[DONE\]\n\n$/);
});

test('x402-fetch 1.x (v1, X-PAYMENT) pays and gets 200', async () => {
  const signer = await createSigner('solana-devnet', getBase58Decoder().decode(Uint8Array.from(chain.payerKeypair)));
  const pay = wrapFetchWithPaymentV1(fetch, signer, 100000n, undefined, { svmConfig: { rpcUrl: chain.rpc } });
  const before = await balance(model.vaultUsdcAccount);

  const res = await pay(url, chat());

  assert.equal(res.status, 200, await res.clone().text());
  const settled = JSON.parse(Buffer.from(res.headers.get('x-payment-response'), 'base64').toString());
  assert.equal(settled.success, true);
  assert.ok(await balance(model.vaultUsdcAccount) > before);
});

test('replaying a settled payment is refused and moves no money', async () => {
  assert.ok(paidV2Header, 'the v2 test paid first');
  const before = await balance(model.vaultUsdcAccount);
  const res = await fetch(url, { ...chat(), headers: { 'content-type': 'application/json', 'payment-signature': paidV2Header } });
  assert.equal(res.status, 402);
  assert.equal(await balance(model.vaultUsdcAccount), before);
});

test('every provider failing before the first token: 502, nothing settled, no money moves', async () => {
  const before = await balance(model.vaultUsdcAccount);
  const pay = wrapFetchWithPayment(fetch, await v2Client());

  const res = await pay(url, { ...chat(), body: JSON.stringify({ model: model.id, max_tokens: 16, messages: [{ role: 'user', content: '[[sim:500]] fail please' }] }) });

  assert.equal(res.status, 502, await res.clone().text());
  assert.equal(res.headers.get('payment-response'), null);
  assert.equal(await balance(model.vaultUsdcAccount), before);
});

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

async function v1Pay() {
  const signer = await createSigner('solana-devnet', getBase58Decoder().decode(Uint8Array.from(chain.payerKeypair)));
  return wrapFetchWithPaymentV1(fetch, signer, 100000n, undefined, { svmConfig: { rpcUrl: chain.rpc } });
}

for (const stream of [false, true]) {
  test(`x402-fetch 1.x (v1, X-PAYMENT) pays the exact v1 quote and gets 200 (stream: ${stream})`, async () => {
    // x402@1 payments carry no memo or nonce: two identical ones under the same blockhash are the same
    // transaction, and the second is rightly refused as a replay. Let the local chain move on a block.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const quote = BigInt((await (await fetch(url, chat({ stream }))).json()).accepts[0].maxAmountRequired);
    const before = await balance(model.vaultUsdcAccount);

    const res = await (await v1Pay())(url, chat({ stream }));

    const text = await res.text();
    assert.equal(res.status, 200, text);
    assert.match(text, stream ? /data: \[DONE\]/ : /"chat.completion"/);
    const settled = JSON.parse(Buffer.from(res.headers.get('x-payment-response'), 'base64').toString());
    assert.equal(settled.success, true);
    assert.equal(await balance(model.vaultUsdcAccount) - before, quote);
  });
}

/** A real v2 payment header for this body's quote, made by the real client but never sent to Bourse. */
async function signedButUnsent(body) {
  let header;
  const capture = async (input, init) => {
    const request = new Request(input, init);
    header = request.headers.get('payment-signature');
    return header ? new Response('{}', { status: 599 }) : fetch(request);
  };
  await wrapFetchWithPayment(capture, await v2Client())(url, body);
  assert.ok(header, 'the client signed a payment');
  return header;
}

test('a payment made for another model\'s quote is refused and moves no money', async () => {
  const other = chain.models.find((m) => m.id !== model.id);
  const header = await signedButUnsent(chat());
  const before = [await balance(model.vaultUsdcAccount), await balance(other.vaultUsdcAccount)];

  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'payment-signature': header }, body: JSON.stringify({ model: other.id, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }) });

  assert.equal(res.status, 402);
  assert.ok(JSON.parse(Buffer.from(res.headers.get('payment-required'), 'base64').toString()).error);
  assert.deepEqual([await balance(model.vaultUsdcAccount), await balance(other.vaultUsdcAccount)], before);
});

test('a tampered transaction is refused and moves no money', async () => {
  const payload = JSON.parse(Buffer.from(await signedButUnsent(chat()), 'base64').toString());
  const tx = Buffer.from(payload.payload.transaction, 'base64');
  tx[tx.length - 20] ^= 0xff; // inside the message: the payer's signature no longer verifies
  payload.payload.transaction = tx.toString('base64');
  const before = await balance(model.vaultUsdcAccount);

  const res = await fetch(url, { ...chat(), headers: { 'content-type': 'application/json', 'payment-signature': Buffer.from(JSON.stringify(payload)).toString('base64') } });

  assert.equal(res.status, 402);
  assert.equal(await balance(model.vaultUsdcAccount), before);
});

for (const [name, value] of [['PAYMENT-SIGNATURE', 'not base64!'], ['PAYMENT-SIGNATURE', Buffer.from('{"x402Version":2}').toString('base64')], ['X-PAYMENT', Buffer.from('[]').toString('base64')]]) {
  test(`a malformed ${name} header is answered 402 with a reason`, async () => {
    const res = await fetch(url, { ...chat(), headers: { 'content-type': 'application/json', [name]: value } });
    assert.equal(res.status, 402);
    const reason = JSON.parse(Buffer.from(res.headers.get('payment-required'), 'base64').toString()).error;
    assert.ok(reason && reason !== 'Payment required', `reason: ${reason}`);
  });
}

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

test('a provider answer with unexpected types is served with PAYMENT-RESPONSE, never a 500 after paying', async () => {
  const before = await balance(model.vaultUsdcAccount);
  const pay = wrapFetchWithPayment(fetch, await v2Client());

  const res = await pay(url, { ...chat(), body: JSON.stringify({ model: model.id, max_tokens: 16, messages: [{ role: 'user', content: '[[sim:oddtypes]] odd' }] }) });

  const text = await res.text();
  assert.equal(res.status, 200, text);
  assert.equal(JSON.parse(text).model, model.id);
  assert.equal(decodePaymentResponseHeader(res.headers.get('payment-response')).success, true);
  assert.ok(await balance(model.vaultUsdcAccount) > before);
});

test('a provider answer that is not a chat completion: 502, nothing settled, no money moves', async () => {
  const before = await balance(model.vaultUsdcAccount);
  const pay = wrapFetchWithPayment(fetch, await v2Client());

  const res = await pay(url, { ...chat(), body: JSON.stringify({ model: model.id, max_tokens: 16, messages: [{ role: 'user', content: '[[sim:notjson]] shape' }] }) });

  assert.equal(res.status, 502, await res.clone().text());
  assert.equal(res.headers.get('payment-response'), null);
  assert.equal(await balance(model.vaultUsdcAccount), before);
});

test('a paid request with a malformed body: 400, nothing settled, no money moves', async () => {
  const before = await balance(model.vaultUsdcAccount);
  const pay = wrapFetchWithPayment(fetch, await v2Client());

  const res = await pay(url, { ...chat(), body: JSON.stringify({ model: model.id, max_tokens: 16, stream: 'yes', messages: [{ role: 'user', content: 'hi' }] }) });

  assert.equal(res.status, 400, await res.clone().text());
  assert.equal((await res.json()).error.param, 'stream');
  assert.equal(res.headers.get('payment-response'), null);
  assert.equal(await balance(model.vaultUsdcAccount), before);
});

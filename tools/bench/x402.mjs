// Benchmark of rail 2 on the running local stack (./bourse up): the 402 challenge (requests/s, latency
// added over a a trivial GET on the same host) and the full paid call (challenge, verify, settle, completion).
// Usage: node tools/bench/x402.mjs [challenges=2000] [concurrency=8] [paid=40]
import { readFileSync } from 'node:fs';
import { createKeyPairSignerFromBytes } from '@solana/kit';
import { wrapFetchWithPayment, x402Client } from '@x402/fetch';
import { ExactSvmScheme } from '@x402/svm/exact/client';

const local = JSON.parse(readFileSync(new URL('../../.bourse/local.json', import.meta.url), 'utf8'));
const chain = JSON.parse(readFileSync(local.chain, 'utf8'));
const [challenges = 2000, concurrency = 8, paid = 40] = process.argv.slice(2).map(Number);
const url = `${local.api}/x402/v1/chat/completions`;
const body = JSON.stringify({ model: 'google/gemma-3-27b-it', max_tokens: 16, messages: [{ role: 'user', content: 'bench' }] });
const post = { method: 'POST', headers: { 'content-type': 'application/json' }, body };

const pct = (xs, p) => xs.toSorted((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const fmt = (ms) => `${ms.toFixed(2)} ms`;

async function load(target, init, n, expect) {
  const latencies = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next++ < n) {
      const t = performance.now();
      const res = await fetch(target, init);
      await res.arrayBuffer();
      if (res.status !== expect) throw new Error(`${target}: ${res.status}`);
      latencies.push(performance.now() - t);
    }
  }));
  return { rps: n / ((performance.now() - started) / 1000), p50: pct(latencies, 50), p99: pct(latencies, 99) };
}

await load(url, post, 300, 402); // warm-up, both paths
await load(`${local.admin}/host/status`, {}, 300, 200);
const bare = await load(`${local.admin}/host/status`, {}, challenges, 200);
const challenge = await load(url, post, challenges, 402);
console.log(`402 challenge: ${challenge.rps.toFixed(0)} req/s at concurrency ${concurrency}; p50 ${fmt(challenge.p50)}, p99 ${fmt(challenge.p99)}`);
console.log(`a trivial GET on the same host: ${bare.rps.toFixed(0)} req/s; p50 ${fmt(bare.p50)}, p99 ${fmt(bare.p99)}  → added p50 ${fmt(challenge.p50 - bare.p50)}`);

const client = new x402Client();
client.register('solana:*', new ExactSvmScheme(await createKeyPairSignerFromBytes(Uint8Array.from(chain.payerKeypair)), { rpcUrl: chain.rpc }));
const pay = wrapFetchWithPayment(fetch, client);
const full = [];
for (let i = 0; i < paid; i++) {
  const t = performance.now();
  const res = await pay(url, { ...post, body: body.replace('bench', `bench ${i}`) });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`paid call: ${res.status}`);
  full.push(performance.now() - t);
}
console.log(`full paid call (402, sign, verify, route, settle on chain, completion), sequential x${paid}: p50 ${fmt(pct(full, 50))}, p99 ${fmt(pct(full, 99))}`);

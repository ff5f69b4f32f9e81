// Router overhead on the running local stack (./bourse up): the same chat completion sent straight to
// the upstream simulator and through Bourse's rail 1 (key check, hold, routing, relay, post, usage event).
// Usage: node tools/bench/router.mjs [requests=1000] [concurrency=8]
import { readFileSync } from 'node:fs';

const local = JSON.parse(readFileSync(new URL('../../.bourse/local.json', import.meta.url), 'utf8'));
const [requests = 1000, concurrency = 8] = process.argv.slice(2).map(Number);
const upstreamKey = readFileSync(`${local.logs}/upstream-key`, 'utf8').trim();
const body = (model) => JSON.stringify({ model, max_tokens: 8, messages: [{ role: 'user', content: 'bench' }] });
const pct = (xs, p) => xs.toSorted((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

async function account() {
  const admin = { 'content-type': 'application/json', authorization: `Bearer ${local.demo.adminToken}` };
  const id = `bench-${Math.random().toString(36).slice(2, 10)}`;
  const key = await (await fetch(`${local.api}/admin/accounts/${id}/keys`, { method: 'POST', headers: admin, body: '{}' })).json();
  await fetch(`${local.api}/admin/accounts/${id}/deposits`, { method: 'POST', headers: admin, body: JSON.stringify({ depositId: 'd', amountMicroUsdc: 1_000_000_000 }) });
  return key.key;
}

/** init(worker) gives each concurrent worker its request (e.g. its own account's key). */
async function load(url, init, n) {
  const latencies = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async (_, worker) => {
    while (next++ < n) {
      const t = performance.now();
      const res = await fetch(url, init(worker));
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
      latencies.push(performance.now() - t);
    }
  }));
  return { rps: n / ((performance.now() - started) / 1000), p50: pct(latencies, 50), p95: pct(latencies, 95), p99: pct(latencies, 99) };
}

const keys = await Promise.all(Array.from({ length: concurrency }, account));
const request = (url, key) => [url, () => ({ method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: body('deepseek-chat') })];
const direct = request(`${local.upstream}/deepseek/v1/chat/completions`, upstreamKey);
const routedOne = [`${local.api}/v1/chat/completions`, () => request('', keys[0])[1]()];
const routedMany = [`${local.api}/v1/chat/completions`, (worker) => request('', keys[worker])[1]()];
await load(...direct, 200);
await load(...routedMany, 200);
const show = (name, r) => console.log(`${name}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50.toFixed(2)} ms, p95 ${r.p95.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms`);
const a = await load(...direct, requests);
show('upstream simulator directly', a);
for (const [name, routed] of [[`rail 1, ${concurrency} accounts`, routedMany], ['rail 1, one account (its ledger changes are serialised)', routedOne]]) {
  const b = await load(...routed, requests);
  show(name, b);
  console.log(`  overhead: p50 +${(b.p50 - a.p50).toFixed(2)} ms, p95 +${(b.p95 - a.p95).toFixed(2)} ms, p99 +${(b.p99 - a.p99).toFixed(2)} ms (concurrency ${concurrency}, 2 cores, Azurite)`);
}

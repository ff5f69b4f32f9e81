// Router overhead, one table (run by `./bourse bench router`, which starts a private Release stack):
//   node tools/bench/router.mjs <local.json> [seconds per cell=3]
// Side by side, the same chat completion sent to the upstream simulator directly, through a trivial
// Node pass-through proxy, and through rail 1 (one account; 16 accounts), at concurrency 1, 16 and 64:
//   json    non-streamed, the simulator's usual latency (deepseek-chat, 8 tokens);
//   stream  streamed: time to first byte (TTFB) is the figure;
//   instant non-streamed, the simulator answering at once (`[[sim:instant]]`): the router's own cost.
// Per cell: requests/s, p50 and p99 latency, TTFB p50 for streams, CPU of the serving process per call
// (from /proc: the simulator, the proxy or the local host; its user + system time over the cell /
// calls), Azurite's CPU per call and storage requests per call (the host's own count, GET /admin/metrics).
// Load: non-streamed cells are driven by wrk (C, one thread, keep-alive, `c` connections; installed from
// Debian by ./bourse bench), so the load generator takes little of the machine's two cores; streamed cells
// by this process (node:http, keep-alive, one connection per concurrent client), which times the first byte.
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import http from 'node:http';
import { spawn, execFile } from 'node:child_process';
import { dirname } from 'node:path';

const localPath = process.argv[2] ?? new URL('../../.bourse/local.json', import.meta.url).pathname;
const seconds = Number(process.argv[3] ?? 3);
const local = JSON.parse(readFileSync(localPath, 'utf8'));
const run = dirname(localPath);
const upstreamKey = readFileSync(`${run}/upstream-key`, 'utf8').trim();
const pidOf = (name) => Number(readFileSync(`${run}/${name}.pid`, 'utf8').trim());
const ticks = 100; // USER_HZ
const cpuMs = (pid) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return ((Number(f[11]) + Number(f[12])) * 1000) / ticks; };
const pct = (xs, p) => (xs.length ? xs.toSorted((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] : NaN);

// --- the trivial pass-through proxy (a child process, so it does not share this event loop) ---
const proxySource = `
const http = require('node:http');
const [host, port] = [process.argv[1], Number(process.argv[2])];
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const server = http.createServer((req, res) => {
  const up = http.request({ host, port, path: req.url, method: req.method, headers: req.headers, agent }, (r) => { res.writeHead(r.statusCode, r.headers); r.pipe(res); });
  up.on('error', () => { res.writeHead(502); res.end(); });
  req.pipe(up);
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;
const upstreamUrl = new URL(local.upstream);
const proxy = spawn(process.execPath, ['-e', proxySource, upstreamUrl.hostname, upstreamUrl.port], { stdio: ['ignore', 'pipe', 'inherit'] });
const proxyPort = await new Promise((resolve) => proxy.stdout.once('data', (d) => resolve(Number(String(d).trim()))));
process.on('exit', () => proxy.kill());

// --- load ---
const agents = new Map();
function send(target, headers, body) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let ttfb = 0;
    const req = http.request({ host: target.host, port: target.port, path: target.path, method: 'POST', agent: target.agent, headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.once('data', () => { ttfb = performance.now() - started; });
      res.on('data', () => {});
      res.on('end', () => (res.statusCode === 200 ? resolve({ total: performance.now() - started, ttfb }) : reject(new Error(`${target.path}: ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function target(url, concurrency) {
  const u = new URL(url);
  const key = `${u.host}|${concurrency}`;
  if (!agents.has(key)) agents.set(key, new http.Agent({ keepAlive: true, maxSockets: concurrency }));
  return { host: u.hostname, port: Number(u.port), path: u.pathname, agent: agents.get(key) };
}

async function metrics() {
  return (await fetch(`${local.admin}/metrics`)).json();
}

// wrk's Lua: the same POST every time, the bearer key rotating over the path's keys; at the end one JSON line.
function wrkScript(keys, body) {
  return `
local keys = { ${keys.map((k) => JSON.stringify(k)).join(', ')} }
local n = 0
wrk.method = "POST"
wrk.body = ${JSON.stringify(body)}
wrk.headers["content-type"] = "application/json"
request = function()
  n = n + 1
  wrk.headers["authorization"] = "Bearer " .. keys[(n % #keys) + 1]
  return wrk.format()
end
done = function(summary, latency, requests)
  local s = summary.errors
  io.write(string.format('{"requests":%d,"us":%d,"p50":%d,"p99":%d,"bad":%d}\\n', summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), s.connect + s.read + s.write + s.status + s.timeout))
end`;
}

const scripts = mkdtempSync(`${tmpdir()}/bourse-wrk-`);
function wrk(url, concurrency, secs, script) {
  return new Promise((resolve, reject) => {
    execFile('wrk', ['-t1', `-c${concurrency}`, `-d${secs}s`, '-s', script, url], { maxBuffer: 1 << 20 }, (error, stdout) => {
      if (error) return reject(error);
      const line = stdout.split('\n').find((l) => l.startsWith('{"requests"'));
      resolve(JSON.parse(line));
    });
  });
}

async function wrkCell(path, mode, concurrency, url, keys, body) {
  const script = `${scripts}/${path.kind}-${mode}.lua`;
  writeFileSync(script, wrkScript(keys, body));
  await wrk(url, concurrency, 2, script); // warm-up (the JIT's second tier, connection pools, leases)
  const server = path.kind === 'rail' ? pidOf('localhost') : path.kind === 'proxy' ? proxy.pid : pidOf('upstream');
  const [cpu0, az0, m0] = [cpuMs(server), cpuMs(pidOf('azurite')), await metrics()];
  const r = await wrk(url, concurrency, seconds, script);
  const [cpu1, az1, m1] = [cpuMs(server), cpuMs(pidOf('azurite')), await metrics()];
  if (r.bad > 0) console.error(`  (${path.name} ${mode} c=${concurrency}: ${r.bad} of ${r.requests} answers failed or were not 2xx)`);
  const n = r.requests - r.bad; // answered 200
  const storage = (m1['bourse.storage.requests'] ?? 0) - (m0['bourse.storage.requests'] ?? 0);
  return {
    rps: n / (r.us / 1e6), p50: r.p50 / 1000, p99: r.p99 / 1000, ttfb: NaN, cpu: (cpu1 - cpu0) / n, azurite: (az1 - az0) / n,
    storage: path.kind === 'rail' ? storage / n : NaN,
  };
}

async function cell(path, mode, concurrency) {
  const stream = mode === 'stream';
  const content = mode === 'instant' ? '[[sim:instant]] bench' : 'bench';
  const body = JSON.stringify({ model: 'deepseek-chat', max_tokens: 8, stream, messages: [{ role: 'user', content }] });
  const url = path.kind === 'rail' ? `${local.api}/v1/chat/completions` : path.kind === 'proxy' ? `http://127.0.0.1:${proxyPort}/deepseek/v1/chat/completions` : `${local.upstream}/deepseek/v1/chat/completions`;
  if (!stream && useWrk) return wrkCell(path, mode, concurrency, url, path.kind === 'rail' ? path.keys : [upstreamKey], body);
  const t = target(url, concurrency);
  const headerFor = (worker) => ({ authorization: `Bearer ${path.kind === 'rail' ? path.keys[worker % path.keys.length] : upstreamKey}` });
  const warm = performance.now() + 300;
  const go = async (until, sink) => {
    await Promise.all(Array.from({ length: concurrency }, async (_, worker) => {
      while (performance.now() < until) sink.push(await send(t, headerFor(worker), body));
    }));
  };
  await go(warm, []);
  const server = path.kind === 'rail' ? pidOf('localhost') : path.kind === 'proxy' ? proxy.pid : pidOf('upstream');
  const [cpu0, az0, m0] = [cpuMs(server), cpuMs(pidOf('azurite')), await metrics()];
  const samples = [];
  const started = performance.now();
  await go(started + seconds * 1000, samples);
  const elapsed = (performance.now() - started) / 1000;
  const [cpu1, az1, m1] = [cpuMs(server), cpuMs(pidOf('azurite')), await metrics()];
  const n = samples.length;
  const storage = (m1['bourse.storage.requests'] ?? 0) - (m0['bourse.storage.requests'] ?? 0);
  return {
    rps: n / elapsed, p50: pct(samples.map((s) => s.total), 50), p99: pct(samples.map((s) => s.total), 99),
    ttfb: pct(samples.map((s) => s.ttfb), 50), cpu: (cpu1 - cpu0) / n, azurite: (az1 - az0) / n,
    storage: path.kind === 'rail' ? storage / n : NaN,
  };
}

async function account(i) {
  const admin = { 'content-type': 'application/json', authorization: `Bearer ${local.demo.adminToken}` };
  const id = `bench-${process.pid}-${i}`;
  const key = await (await fetch(`${local.api}/admin/accounts/${id}/keys`, { method: 'POST', headers: admin, body: '{}' })).json();
  await fetch(`${local.api}/admin/accounts/${id}/deposits`, { method: 'POST', headers: admin, body: JSON.stringify({ depositId: 'd', amountMicroUsdc: 1_000_000_000_000 }) });
  return key.key;
}

const useWrk = await new Promise((resolve) => execFile('wrk', ['--version'], (e) => resolve(!e || e.code === 1)));
if (!useWrk) console.log('(wrk not found: every cell driven by node:http, which takes a large share of the CPU)');
const keys = await Promise.all(Array.from({ length: 16 }, (_, i) => account(i)));
const paths = [
  { name: 'simulator directly', kind: 'direct' },
  { name: 'pass-through proxy', kind: 'proxy' },
  { name: 'rail 1, one account', kind: 'rail', keys: keys.slice(0, 1) },
  { name: 'rail 1, 16 accounts', kind: 'rail', keys },
];
const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '–');
const rows = [];
console.log(`router benchmark: ${seconds} s per cell, ${new Date().toISOString()}, ${(await (await fetch(`${local.api}/health`)).json()).version ?? ''}`);
console.log('| path | mode | c | req/s | p50 ms | p99 ms | TTFB p50 ms | server CPU ms/call | Azurite CPU ms/call | storage req/call |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
// BOURSE_BENCH_CELLS=instant:64,json:16 runs only those cells (for profiling one of them).
const only = (process.env.BOURSE_BENCH_CELLS ?? '').split(',').filter(Boolean);
for (const mode of ['json', 'stream', 'instant']) {
  for (const concurrency of [1, 16, 64]) {
    for (const path of paths) {
      if (only.length && !only.includes(`${mode}:${concurrency}`)) continue;
      const r = await cell(path, mode, concurrency);
      rows.push({ path: path.name, mode, concurrency, ...r });
      console.log(`| ${path.name} | ${mode} | ${concurrency} | ${f(r.rps, 0)} | ${f(r.p50)} | ${f(r.p99)} | ${mode === 'stream' ? f(r.ttfb) : '–'} | ${f(r.cpu, 3)} | ${f(r.azurite, 3)} | ${f(r.storage, 3)} |`);
    }
  }
}

if (only.length) process.exit(0);
// The aims, read off the table: rail 1 (16 accounts) against the simulator directly.
const at = (path, mode, c) => rows.find((r) => r.path === path && r.mode === mode && r.concurrency === c);
const direct = (mode, c) => at('simulator directly', mode, c);
const rail = (mode, c) => at('rail 1, 16 accounts', mode, c);
const railOne = (mode, c) => at('rail 1, one account', mode, c);
console.log('\naims (rail 1 vs the simulator directly, same run):');
console.log(`  added p50 at c=1 (instant): ${f(rail('instant', 1).p50 - direct('instant', 1).p50)} ms; (json): ${f(rail('json', 1).p50 - direct('json', 1).p50)} ms   [aim ≤ 0.5]`);
console.log(`  calls/s at c=64, zero-latency upstream: ${f(rail('instant', 64).rps, 0)} (16 accounts), ${f(railOne('instant', 64).rps, 0)} (one account)   [aim ≥ 5,000]`);
console.log(`  host CPU per call (instant, c=64): ${f(rail('instant', 64).cpu, 3)} ms   [aim ≤ 0.2]`);
console.log(`  stream TTFB p50 added at c=1: ${f(rail('stream', 1).ttfb - direct('stream', 1).ttfb)} ms; c=16: ${f(rail('stream', 16).ttfb - direct('stream', 16).ttfb)} ms   [aim ≤ 1]`);
console.log(`  storage requests per call (instant, c=64): ${f(rail('instant', 64).storage, 3)}; (json, c=16): ${f(rail('json', 16).storage, 3)}   [aim ≤ 0.1]`);
proxy.kill();
process.exit(0);

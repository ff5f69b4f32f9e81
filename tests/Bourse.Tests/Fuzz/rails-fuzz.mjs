// Seeded fuzz of both chat rails on the running stack: malformed and truncated JSON, wrong types for
// every field the router reads, huge and deeply nested bodies, bad encodings, odd headers, garbage and
// tampered payment headers. Every answer must be a 4xx in the rail's format (OpenAI envelope on rail 1;
// the x402 402, or a 4xx OpenAI envelope, on rail 2), never a 5xx; the account's credits and the payees'
// USDC balances must not move.
//
// Usage: node rails-fuzz.mjs <api base> <chain ready file> <api key>
//   BOURSE_FUZZ_SEED=<n> reproduces a run (the seed is printed first); BOURSE_FUZZ_CASES=<n> (default 300).
import http from 'node:http';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const tools = createRequire(path.join(here, '../../../tools/package.json'));
const importTool = async (name) => import(tools.resolve(name));

const [api, chainFile, apiKey] = process.argv.slice(2);
const chain = JSON.parse(readFileSync(chainFile, 'utf8'));
const seed = Number(process.env.BOURSE_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const total = Number(process.env.BOURSE_FUZZ_CASES ?? 300);
console.log(`fuzz seed: ${seed} (BOURSE_FUZZ_SEED=${seed} reproduces this run), ${total} cases`);

// --- seeded randomness (mulberry32) ---------------------------------------------------------------
let state = seed >>> 0;
const rand = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = (items) => items[Math.floor(rand() * items.length)];
const bytes = (n) => Buffer.from(Array.from({ length: n }, () => int(0, 255)));
const ascii = (n) => Array.from({ length: n }, () => String.fromCharCode(int(0x21, 0x7e))).join('');

// --- bodies -----------------------------------------------------------------------------------------
const creditsModel = 'deepseek-chat';
const x402Model = chain.models.find((m) => m.id === 'google/gemma-3-27b-it');
const base = (model) => ({
  model,
  messages: [{ role: 'user', content: [{ type: 'text', text: 'fuzz' }] }],
  max_tokens: 8,
  tools: [{ type: 'function', function: { name: 'weather', parameters: { type: 'object' } } }],
  stream: false,
  stream_options: { include_usage: true },
  n: 1,
});

// Each field the router reads, how to reach it, and what it may validly hold (anything else is refused).
const fields = [
  ['model', (b) => b, 'model', (v) => typeof v === 'string' && v.trim() !== ''],
  ['messages', (b) => b, 'messages', (v) => Array.isArray(v) && v.length > 0 && v.every((m) => m && typeof m === 'object' && !Array.isArray(m) && typeof m.role === 'string' && m.role !== '')],
  ['messages[0]', (b) => b.messages, 0, (v) => v && typeof v === 'object' && !Array.isArray(v) && typeof v.role === 'string' && v.role !== ''],
  ['messages[0].role', (b) => b.messages[0], 'role', (v) => typeof v === 'string' && v !== ''],
  ['messages[0].content', (b) => b.messages[0], 'content', (v) => v === null || typeof v === 'string' || (Array.isArray(v) && v.every((p) => p && typeof p === 'object' && !Array.isArray(p) && typeof p.type === 'string' && (p.type !== 'text' || typeof p.text === 'string')))],
  ['messages[0].content[0]', (b) => b.messages[0].content, 0, (v) => v && typeof v === 'object' && !Array.isArray(v) && typeof v.type === 'string' && (v.type !== 'text' || typeof v.text === 'string')],
  ['messages[0].content[0].type', (b) => b.messages[0].content[0], 'type', (v) => typeof v === 'string'],
  ['messages[0].content[0].text', (b) => b.messages[0].content[0], 'text', (v) => typeof v === 'string'],
  ['messages[0].tool_calls', (b) => b.messages[0], 'tool_calls', (v) => v === null || (Array.isArray(v) && v.every((c) => c && typeof c === 'object' && !Array.isArray(c)))],
  ['stream', (b) => b, 'stream', (v) => v === null || typeof v === 'boolean'],
  ['stream_options', (b) => b, 'stream_options', (v) => v === null || (v && typeof v === 'object' && !Array.isArray(v) && (v.include_usage == null || typeof v.include_usage === 'boolean'))],
  ['stream_options.include_usage', (b) => b.stream_options, 'include_usage', (v) => v === null || typeof v === 'boolean'],
  ['n', (b) => b, 'n', (v) => v === null || (Number.isInteger(v) && v >= 1 && v <= 128)],
  ['max_tokens', (b) => b, 'max_tokens', (v) => v === null || (Number.isInteger(v) && v >= 1 && v <= 2147483647)],
  ['max_completion_tokens', (b) => b, 'max_completion_tokens', (v) => v === null || (Number.isInteger(v) && v >= 1 && v <= 2147483647)],
  ['tools', (b) => b, 'tools', (v) => v === null || (Array.isArray(v) && v.every((t) => t && typeof t === 'object' && !Array.isArray(t) && t.function && typeof t.function === 'object' && typeof t.function.name === 'string' && t.function.name !== ''))],
  ['tools[0]', (b) => b.tools, 0, (v) => v && typeof v === 'object' && !Array.isArray(v) && v.function && typeof v.function === 'object' && typeof v.function.name === 'string' && v.function.name !== ''],
  ['tools[0].type', (b) => b.tools[0], 'type', (v) => v === null || typeof v === 'string'],
  ['tools[0].function', (b) => b.tools[0], 'function', (v) => v && typeof v === 'object' && !Array.isArray(v) && typeof v.name === 'string' && v.name !== ''],
  ['tools[0].function.name', (b) => b.tools[0].function, 'name', (v) => typeof v === 'string' && v !== ''],
  ['tools[0].function.parameters', (b) => b.tools[0].function, 'parameters', (v) => v == null || (typeof v === 'object' && !Array.isArray(v))],
];
const oddValues = () => [
  0, -1, 1.5, 1e300, -0.0, 2 ** 31, 2 ** 53 + 1, '', ' ', 'yes', '1', 'true', 'text', true, false, null,
  [], [1], ['a'], [null], [{}], {}, { a: 1 }, { role: 5 }, { type: 5 }, [[[]]], int(-1000, 1000),
];

/** A body with one field the router reads set to a value it must refuse. */
function wrongType(model) {
  const body = base(model);
  const [name, parent, key, valid] = pick(fields);
  let value;
  for (let tries = 0; tries < 50; tries++) {
    value = pick(oddValues());
    if (!valid(value)) break;
  }
  if (valid(value)) value = { surely: 'wrong' };
  parent(body)[key] = value;
  return { what: `wrong type ${name}=${JSON.stringify(value)?.slice(0, 40)}`, body: Buffer.from(JSON.stringify(body)) };
}

/** Text that is not one JSON object: truncated, corrupted, or another kind of value. */
function malformed(model) {
  const text = JSON.stringify(base(model));
  const kind = int(0, 9);
  const cut = int(1, text.length - 1);
  const variants = [
    () => text.slice(0, cut),
    () => text.slice(0, cut) + pick(['}', ']', ',', ':', '"', '{', '\\']) + text.slice(cut + 1),
    () => text.replace('"model"', 'model'),
    () => text.replace('}', ',}'),
    () => text + pick(['x', ',', '}', '{}', ' []']),
    () => pick(['', ' ', 'null', '[]', '"str"', '123', 'true', '{', '{}}', '[{}]', 'NaN', '{"model":}', "{'model':'x'}"]),
    () => text.replace('"fuzz"', '"fu\nzz"'),
    () => text.replace(':', ': /* c */'),
    () => text.replace('8', '0x8'),
    () => text.replace(`"${model}"`, `"${model}"`).replace('"n":1', '"n":1,"n":2'),
  ];
  let out = variants[kind]();
  try {
    const parsed = JSON.parse(out);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed) && kind !== 9) out = out + '{'; // still valid: break it
  } catch { /* malformed, as wanted */ }
  return { what: `malformed #${kind} at ${cut}`, body: Buffer.from(out) };
}

/** Bytes that are not valid UTF-8 or JSON escapes that are not valid Unicode, inside an otherwise good body. */
function badEncoding(model) {
  const text = JSON.stringify(base(model));
  const at = text.indexOf('fuzz');
  const kind = int(0, 5);
  const invalidUtf8 = pick([[0xc3, 0x28], [0xff], [0xfe, 0xff], [0xe2, 0x82], [0xf0, 0x28, 0x8c, 0x28], [0xc0, 0xaf], [0xed, 0xa0, 0x80]]);
  const variants = [
    () => Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from(invalidUtf8), Buffer.from(text.slice(at))]),
    () => Buffer.from(text.replace('fuzz', pick(['\\ud800', '\\udfff', 'a\\ud83d', '\\udc00\\ud800']))),
    () => Buffer.from(text.replace('"model"', '"mo\\ud800del"')),
    () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text.replace('fuzz', '\\ud800'))]),
    () => Buffer.from(text.replace('fuzz', '\\ud800'), 'utf16le'),
    () => Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from([0x80 | int(0, 0x3f)]), bytes(int(0, 8)), Buffer.from(text.slice(at))]), // a lone continuation byte
  ];
  return { what: `bad encoding #${kind}`, body: variants[kind]() };
}

/** Deeper than the parser's limit, or deep but with a wrong-typed field the router reads. */
function deep(model) {
  const depth = pick([65, 100, 1000, int(65, 20000)]);
  const body = JSON.stringify(base(model));
  const nested = '['.repeat(depth) + ']'.repeat(depth);
  return { what: `nested ${depth} deep`, body: Buffer.from(body.replace('"n":1', `"n":1,"metadata":${nested}`)) };
}

/** Larger than the body limit, or large and with a wrong-typed field. */
function huge(model) {
  if (rand() < 0.5) {
    const body = base(model);
    body.messages[0].content[0].text = 'x'.repeat(4 * 1024 * 1024 + int(1, 1000));
    return { what: 'over 4 MiB', body: Buffer.from(JSON.stringify(body)) };
  }
  const body = base(model);
  body.messages = Array.from({ length: int(1000, 20000) }, (_, i) => ({ role: 'user', content: `m${i}` }));
  body.stream = 'yes';
  return { what: `${body.messages.length} messages, stream a string`, body: Buffer.from(JSON.stringify(body)) };
}

function badBody(model) {
  const r = rand();
  return r < 0.4 ? wrongType(model) : r < 0.65 ? malformed(model) : r < 0.85 ? badEncoding(model) : r < 0.93 ? deep(model) : huge(model);
}

// --- headers ----------------------------------------------------------------------------------------
const contentTypes = ['application/json', 'text/plain', 'application/json; charset=utf-16', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '*/*', 'application/json; charset=utf-8'];

function oddHeaders() {
  const headers = {};
  if (rand() < 0.8) headers['content-type'] = pick(contentTypes);
  const extra = int(0, 3);
  for (let i = 0; i < extra; i++) {
    const kind = int(0, 8);
    if (kind === 0) headers['idempotency-key'] = ascii(int(1, 3000));
    if (kind === 1) headers['accept'] = pick(['text/event-stream', 'application/xml', '*/*', ascii(20)]);
    if (kind === 2) headers['content-encoding'] = pick(['gzip', 'br', 'identity', ascii(8)]);
    if (kind === 3) headers['x-padding'] = 'p'.repeat(pick([100, 40_000, 70_000]));
    if (kind === 4) for (let h = 0; h < int(100, 150); h++) headers[`x-h${h}`] = String(h);
    if (kind === 5) headers['x-request-id'] = ascii(int(1, 200));
    if (kind === 6) headers['expect'] = '100-continue';
    if (kind === 7) headers['access-control-expose-headers'] = 'PAYMENT-RESPONSE';
    if (kind === 8) headers['user-agent'] = ascii(int(1, 1000));
  }
  return headers;
}

function badAuthorization() {
  return pick([
    undefined, '', 'Bearer', 'Bearer ', `Bearer ${apiKey.slice(0, -1)}`, `Bearer ${apiKey}x`, `Basic ${Buffer.from('a:b').toString('base64')}`,
    `Bearer bs_live_${ascii(32)}`, `bearer ${apiKey.toUpperCase()}`, `Bearer ${'a'.repeat(5000)}`, `Bearer ${apiKey}, Bearer ${apiKey}`, ascii(int(1, 100)),
  ]);
}

// --- payment headers --------------------------------------------------------------------------------
const b64 = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64');

function garbagePayment() {
  return pick([
    () => ascii(int(1, 600)),
    () => 'not base64!',
    () => bytes(int(1, 900)).toString('base64'),
    () => b64(pick(['{}', '[]', 'null', '"x"', '1', '{"x402Version":2}', '{"x402Version":"2"}', '{'])),
    () => b64({ x402Version: 2, payload: pick([null, [], 5, 'tx', { transaction: 5 }, { transaction: ascii(40) }]), accepted: pick([null, [], 'x', {}]) }),
    () => b64({ x402Version: 1, scheme: pick(['exact', 5, null]), network: pick(['solana-devnet', 7, {}]), payload: { transaction: bytes(int(0, 400)).toString('base64') } }),
    () => b64({ x402Version: pick([0, 3, -1, 1.5, 1e300]), payload: { transaction: 'AA==' } }),
    () => b64('x'.repeat(int(1000, 20000))),
  ])();
}

/** A real, signed payment header whose content is then changed so that it must be refused. */
function tampered(signed) {
  const payload = JSON.parse(Buffer.from(signed, 'base64').toString());
  // (Not the fee payer's empty signature slot: the facilitator signs over it, so a payment changed there is still good.)
  const kind = int(1, 8);
  const tx = Buffer.from(payload.payload.transaction, 'base64');
  switch (kind) {
    case 1: tx[int(65, 128)] ^= 1 << int(0, 7); break; // the payer's signature
    case 2: tx[int(129, tx.length - 1)] ^= 1 << int(0, 7); break; // the signed message
    case 3: payload.accepted.amount = String(BigInt(payload.accepted.amount) - 1n); break;
    case 4: payload.accepted.payTo = chain.treasury; break;
    case 5: payload.accepted.network = pick(['solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp', 'solana', 'eip155:8453']); break;
    case 6: payload.accepted.asset = chain.gemmaMint; break;
    case 7: payload.payload.transaction = tx.subarray(0, int(1, tx.length - 1)).toString('base64'); return { what: 'tampered: truncated transaction', header: b64(payload) };
    case 8: return { what: 'tampered: truncated header', header: signed.slice(0, int(1, signed.length - 1)) };
  }
  payload.payload.transaction = tx.toString('base64');
  return { what: `tampered #${kind}`, header: b64(payload) };
}

// --- sending ----------------------------------------------------------------------------------------
const apiUrl = new URL(api);

function send(route, body, headers) {
  return new Promise((resolve) => {
    const request = http.request({ host: apiUrl.hostname, port: apiUrl.port, method: 'POST', path: `${apiUrl.pathname}/${route}`, headers: { ...headers, 'content-length': body.length }, agent: false });
    request.setTimeout(30_000, () => request.destroy(new Error('timeout')));
    request.on('response', (response) => {
      const chunks = [];
      response.on('data', (c) => chunks.push(c));
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks).toString() }));
      response.on('error', (e) => resolve({ status: 0, headers: {}, body: String(e) }));
    });
    request.on('error', (e) => resolve({ status: 0, headers: {}, body: String(e) }));
    request.end(body);
  });
}

/** Bytes straight onto a socket, for what an HTTP client will not send: broken chunking, a short Content-Length. */
function sendRaw(route, head, tail) {
  return new Promise((resolve) => {
    const socket = net.connect(Number(apiUrl.port), apiUrl.hostname);
    let text = '';
    socket.setTimeout(20_000, () => socket.destroy());
    socket.on('data', (d) => {
      text += d;
      const end = text.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(text)?.[1];
      if (end >= 0 && ((length !== undefined && text.length >= end + 4 + Number(length)) || (length === undefined && text.endsWith('\r\n0\r\n\r\n')))) socket.destroy();
    });
    socket.on('close', () => {
      const [status, ...rest] = text.split('\r\n\r\n');
      const lines = status.split('\r\n');
      const headers = Object.fromEntries(lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      let body = rest.join('\r\n\r\n');
      if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
        let plain = '';
        for (let at = 0; ;) {
          const eol = body.indexOf('\r\n', at);
          const size = parseInt(body.slice(at, eol), 16);
          if (!(size > 0)) break;
          plain += body.slice(eol + 2, eol + 2 + size);
          at = eol + 2 + size + 2;
        }
        body = plain;
      }
      resolve({ status: Number(lines[0].split(' ')[1] ?? 0), headers, body });
    });
    socket.on('error', () => {});
    socket.write(`POST ${apiUrl.pathname}/${route} HTTP/1.1\r\nHost: ${apiUrl.host}\r\n${head}\r\n${tail}`);
  });
}

function raw(route, auth) {
  const body = JSON.stringify(base(route.startsWith('x402') ? x402Model.id : creditsModel));
  const authorization = auth ? `Authorization: Bearer ${apiKey}\r\n` : '';
  return pick([
    () => ({ what: 'raw: broken chunking', run: () => sendRaw(route, `${authorization}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n`, `5\r\n${body.slice(0, 5)}\r\nzz\r\n`) }),
    () => ({ what: 'raw: short Content-Length', run: () => sendRaw(route, `${authorization}Content-Type: application/json\r\nContent-Length: ${int(1, body.length - 2)}\r\nConnection: close\r\n`, body) }),
    () => ({ what: 'raw: chunk longer than said', run: () => sendRaw(route, `${authorization}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n`, `3\r\n${body}\r\n0\r\n\r\n`) }),
  ])();
}

// --- checks -----------------------------------------------------------------------------------------
const failures = [];
const fail = (c, why, r) => failures.push(`${c.rail} ${c.what}: ${why} (status ${r.status}: ${String(r.body).slice(0, 200)})`);

function openAiEnvelope(r) {
  try {
    const e = JSON.parse(r.body).error;
    return e && typeof e.message === 'string' && e.message !== '' && typeof e.type === 'string';
  } catch { return false; }
}

function check(c, r) {
  if (r.status === 0) return fail(c, 'no answer', r);
  if (r.status >= 500) return fail(c, '5xx', r);
  if (r.status < 400) return fail(c, 'not refused', r);
  if (c.rail === 'credits') {
    if (!openAiEnvelope(r)) fail(c, 'no OpenAI error envelope', r);
    return;
  }
  const settled = r.headers['payment-response'] ?? r.headers['x-payment-response'];
  if (settled && JSON.parse(Buffer.from(settled, 'base64').toString()).success) fail(c, 'a payment settled', r);
  if (r.status === 402) {
    try {
      const v2 = JSON.parse(Buffer.from(r.headers['payment-required'] ?? '', 'base64').toString());
      const v1 = JSON.parse(r.body);
      if (v2.x402Version !== 2 || !Array.isArray(v2.accepts) || v1.x402Version !== 1 || !Array.isArray(v1.accepts)) fail(c, 'not the x402 402 envelope', r);
    } catch { fail(c, 'not the x402 402 envelope', r); }
  } else if (!openAiEnvelope(r)) {
    fail(c, 'a 4xx without an error envelope', r);
  }
}

// --- the run ----------------------------------------------------------------------------------------
async function rpc(method, params) {
  const res = await fetch(chain.rpc, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  return (await res.json()).result;
}
const payees = [...chain.models.map((m) => m.vaultUsdcAccount), chain.treasuryUsdcAccount];
const balances = async () => Promise.all(payees.map(async (a) => (await rpc('getTokenAccountBalance', [a]))?.value?.amount ?? 'none'));
async function credits() {
  const res = await fetch(`${api}/v1/credits`, { headers: { authorization: `Bearer ${apiKey}` } });
  const c = await res.json();
  return { deposited: c.deposited, posted: c.posted, pending: c.pending };
}

/** Two real payment headers (v2, v1) for the x402 model's quote, signed by the real clients and never sent as such. */
async function signedHeaders() {
  const { createKeyPairSignerFromBytes, getBase58Decoder } = await importTool('@solana/kit');
  const { wrapFetchWithPayment, x402Client } = await importTool('@x402/fetch');
  const { ExactSvmScheme } = await importTool('@x402/svm/exact/client');
  const { wrapFetchWithPayment: wrapV1 } = await importTool('x402-fetch');
  const { createSigner } = await importTool('x402/types');
  const url = `${api}/x402/v1/chat/completions`;
  const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: x402Model.id, max_tokens: 8, messages: [{ role: 'user', content: 'fuzz' }] }) };
  const capture = (name) => {
    const seen = {};
    return [seen, async (input, options) => {
      const request = new Request(input, options);
      if (request.headers.get(name)) { seen.header = request.headers.get(name); return new Response('{}', { status: 599 }); }
      return fetch(request);
    }];
  };
  const client = new x402Client();
  client.register('solana:*', new ExactSvmScheme(await createKeyPairSignerFromBytes(Uint8Array.from(chain.payerKeypair)), { rpcUrl: chain.rpc }));
  const [v2, fetchV2] = capture('payment-signature');
  await wrapFetchWithPayment(fetchV2, client)(url, init);
  const [v1, fetchV1] = capture('x-payment');
  const signer = await createSigner('solana-devnet', getBase58Decoder().decode(Uint8Array.from(chain.payerKeypair)));
  await wrapV1(fetchV1, signer, 100000n, undefined, { svmConfig: { rpcUrl: chain.rpc } })(url, init);
  if (!v2.header || !v1.header) throw new Error('the real clients did not sign a payment');
  return { v2: v2.header, v1: v1.header };
}

const started = performance.now();
const signed = await signedHeaders();
const creditsBefore = await credits();
const balancesBefore = await balances();

const cases = [];
for (let i = 0; i < total; i++) {
  const r = rand();
  if (r < 0.45) {
    // Rail 1, authenticated: a bad body with odd headers.
    const { what, body } = badBody(creditsModel);
    const headers = { ...oddHeaders(), authorization: `Bearer ${apiKey}` };
    cases.push({ rail: 'credits', what: `${what} ${Object.keys(headers).length} headers`, run: () => send('v1/chat/completions', body, headers) });
  } else if (r < 0.52) {
    // Rail 1, bad credentials (any body: refused before it is read).
    const headers = oddHeaders();
    const authorization = badAuthorization();
    if (authorization !== undefined) headers.authorization = authorization;
    const { what, body } = rand() < 0.5 ? badBody(creditsModel) : { what: 'good body', body: Buffer.from(JSON.stringify(base(creditsModel))) };
    cases.push({ rail: 'credits', what: `auth ${JSON.stringify(authorization)?.slice(0, 30)}, ${what}`, run: () => send('v1/chat/completions', body, headers) });
  } else if (r < 0.75) {
    // Rail 2, unpaid or with a garbage payment: a bad body.
    const { what, body } = badBody(x402Model.id);
    const headers = oddHeaders();
    const payment = rand() < 0.5 ? undefined : pick([['payment-signature', garbagePayment()], ['x-payment', garbagePayment()], ['payment-signature', signed.v2], ['x-payment', signed.v1]]);
    if (payment) headers[payment[0]] = payment[1];
    cases.push({ rail: 'x402', what: `${what}${payment ? `, ${payment[0]}` : ', unpaid'}`, run: () => send('x402/v1/chat/completions', body, headers) });
  } else if (r < 0.9) {
    // Rail 2, a good body with a garbage payment header.
    const headers = { ...oddHeaders(), 'content-type': 'application/json' };
    delete headers['x-padding'];
    for (const k of Object.keys(headers)) if (k.startsWith('x-h')) delete headers[k];
    const name = pick(['payment-signature', 'x-payment']);
    headers[name] = garbagePayment();
    const body = Buffer.from(JSON.stringify({ model: x402Model.id, max_tokens: 8, messages: [{ role: 'user', content: 'fuzz' }] }));
    cases.push({ rail: 'x402', what: `garbage ${name}`, run: () => send('x402/v1/chat/completions', body, headers) });
  } else if (r < 0.97) {
    // Rail 2, a good body with a real payment tampered with (each is checked by the facilitator: the slow kind).
    const v1 = rand() < 0.3;
    const { what, header } = v1 ? { what: 'v1 header tampered', header: b64({ ...JSON.parse(Buffer.from(signed.v1, 'base64').toString()), x402Version: pick([2, '1', 0]) }) } : tampered(signed.v2);
    const body = Buffer.from(JSON.stringify({ model: x402Model.id, max_tokens: 8, messages: [{ role: 'user', content: 'fuzz' }] }));
    cases.push({ rail: 'x402', what, run: () => send('x402/v1/chat/completions', body, { 'content-type': 'application/json', [v1 ? 'x-payment' : 'payment-signature']: header }) });
  } else {
    const route = pick(['v1/chat/completions', 'x402/v1/chat/completions']);
    const c = raw(route, true);
    cases.push({ rail: route.startsWith('x402') ? 'x402' : 'credits', what: c.what, run: c.run });
  }
}

// A few at a time: the answers are checked one by one, the stack is shared with other tests.
let next = 0;
await Promise.all(Array.from({ length: 6 }, async () => {
  while (next < cases.length) {
    const c = cases[next++];
    check(c, await c.run());
  }
}));

// Every refused call's hold (if one was ever placed) is gone, and no money moved.
let creditsAfter = await credits();
for (let i = 0; i < 50 && creditsAfter.pending !== 0; i++) {
  await new Promise((r) => setTimeout(r, 100));
  creditsAfter = await credits();
}
const balancesAfter = await balances();
if (JSON.stringify(creditsAfter) !== JSON.stringify(creditsBefore)) failures.push(`credits moved: ${JSON.stringify(creditsBefore)} -> ${JSON.stringify(creditsAfter)}`);
if (JSON.stringify(balancesAfter) !== JSON.stringify(balancesBefore)) failures.push(`payee USDC balances moved: ${balancesBefore} -> ${balancesAfter}`);

const counts = cases.reduce((acc, c) => ({ ...acc, [c.rail]: (acc[c.rail] ?? 0) + 1 }), {});
console.log(`fuzz: ${cases.length} cases (${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}) in ${((performance.now() - started) / 1000).toFixed(1)} s, ${failures.length} failures`);
for (const f of failures.slice(0, 40)) console.log(`FAIL ${f}`);
if (failures.length) {
  console.log(`reproduce: BOURSE_FUZZ_SEED=${seed} ./bourse test --filter FullyQualifiedName~RailsFuzzTests`);
  process.exit(1);
}

// Upstream simulator: OpenAI-compatible chat completions for every provider Bourse routes to,
// with latency, usage and failure injection. Dev/test only.
//
//   node tools/upstream/server.mjs --port 0 --key <bearer key> --ready-file <path>
//
// Routes: POST /<provider>/v1/chat/completions, GET /<provider>/v1/models, GET /health,
//         GET /_stats (hits per provider), POST /_control {provider, mode, count} (fail the next
//         `count` calls to that provider), POST /_reset.
// A request can also steer itself: a message containing `[[sim:<mode>]]` or `[[sim:<mode>@<provider>]]`
// (only when served by that provider). Modes: 500, 503, 429, timeout, midstream, nousage, slow,
// oddtypes (a 200 whose fields have unexpected types), notjson (a 200 that is not a chat completion),
// instant (no simulated latency at all: benchmarks use it to measure the router rather than the model),
// greedy (reports a million prompt and completion tokens: more than any hold, so a call costs its whole hold).
import http from 'node:http';
import fs from 'node:fs';
import crypto from 'node:crypto';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const port = Number(args.port ?? 7072);
const key = args.key ?? process.env.UPSTREAM_KEY;
if (!key) throw new Error('--key is required');

const hits = {};
const scripted = {}; // provider → [{mode, count}]

const json = (res, status, body, headers = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};
const error = (res, status, message, type = 'server_error', headers = {}) => json(res, status, { error: { message, type, param: null, code: null } }, headers);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function text(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (p.type === 'text' ? p.text : '')).join(' ');
  return '';
}

function directive(body, provider) {
  const all = (body.messages ?? []).map((m) => text(m.content)).join('\n');
  for (const [, mode, only] of all.matchAll(/\[\[sim:([a-z0-9]+)(?:@([a-z0-9-]+))?\]\]/gi)) {
    if (!only || only.toLowerCase() === provider.toLowerCase()) return mode.toLowerCase();
  }
  const queue = scripted[provider];
  if (queue?.length) {
    const head = queue[0];
    if (--head.count <= 0) queue.shift();
    return head.mode;
  }
  return null;
}

function reply(body, provider) {
  const prompt = (body.messages ?? []).map((m) => text(m.content)).join(' ');
  const promptTokens = Math.max(1, Math.ceil(prompt.length / 4)) + 3 * (body.messages?.length ?? 0);
  const cap = body.max_completion_tokens ?? body.max_tokens ?? 16;
  const words = `Hello from ${provider} serving ${body.model}. You said: ${prompt}`.split(/\s+/).slice(0, Math.max(1, cap));
  const wantsTool = Array.isArray(body.tools) && body.tools.length > 0 && body.tool_choice !== 'none';
  return { promptTokens, words, wantsTool, tool: wantsTool ? body.tools[0].function : null };
}

async function chat(req, res, provider, body) {
  const mode = directive(body, provider);
  if (mode === '500' || mode === '503') return error(res, Number(mode), `simulated ${mode}`);
  if (mode === '429') return error(res, 429, 'simulated rate limit', 'rate_limit_error', { 'retry-after': '1' });
  if (mode === 'timeout') { await sleep(60_000); return error(res, 504, 'simulated timeout'); }

  if (mode === 'notjson') {
    // A 200 in the other shape: SSE for a JSON request, a JSON object for a stream.
    if (body.stream) return json(res, 200, { id: 'x', object: 'chat.completion', choices: [] });
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    return res.end('data: {"choices":[{"delta":{"content":"hi"}}]}\n\ndata: [DONE]\n\n');
  }
  if (mode === 'oddtypes') return oddTypes(res, body);

  const id = `chatcmpl-${crypto.randomBytes(12).toString('hex')}`;
  const created = Math.floor(Date.now() / 1000);
  const { promptTokens, words, wantsTool, tool } = reply(body, provider);
  const n = Math.max(1, Number(body.n ?? 1));
  const completionTokens = (wantsTool ? 12 : words.length) * n;
  const usage = mode === 'greedy'
    ? { prompt_tokens: 1_000_000, completion_tokens: 1_000_000, total_tokens: 2_000_000 }
    : { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
  const delay = mode === 'slow' ? 50 : mode === 'instant' ? 0 : Number(args['token-ms'] ?? 2);

  if (!body.stream) {
    if (delay > 0) await sleep(delay * words.length);
    const choices = Array.from({ length: n }, (_, index) => ({
      index,
      message: wantsTool
        ? { role: 'assistant', content: null, tool_calls: [{ id: `call_${index}`, type: 'function', function: { name: tool.name, arguments: '{"city":"Paris"}' } }] }
        : { role: 'assistant', content: words.join(' ') },
      logprobs: null,
      finish_reason: wantsTool ? 'tool_calls' : 'stop',
    }));
    const out = { id, object: 'chat.completion', created, model: body.model, choices, system_fingerprint: `sim-${provider}` };
    if (mode !== 'nousage') out.usage = usage;
    return json(res, 200, out);
  }

  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const send = (chunk) => res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, ...chunk })}\n\n`);
  const withUsage = body.stream_options?.include_usage === true && mode !== 'nousage';
  const usageField = withUsage ? { usage: null } : {};
  send({ choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }], ...usageField });
  if (wantsTool) {
    send({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_0', type: 'function', function: { name: tool.name, arguments: '' } }] }, finish_reason: null }], ...usageField });
    send({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"city":"Paris"}' } }] }, finish_reason: null }], ...usageField });
  } else {
    for (const [i, word] of words.entries()) {
      if (delay > 0) await sleep(delay);
      send({ choices: [{ index: 0, delta: { content: (i ? ' ' : '') + word }, finish_reason: null }], ...usageField });
      if (mode === 'midstream' && i === 1) { res.destroy(); return; }
    }
  }
  send({ choices: [{ index: 0, delta: {}, finish_reason: wantsTool ? 'tool_calls' : 'stop' }], ...usageField });
  if (withUsage) send({ choices: [], usage });
  res.end('data: [DONE]\n\n');
}

// A provider answer whose fields have types no client expects: numbers for names, objects for text, strings for counts.
function oddTypes(res, body) {
  const odd = { role: 'assistant', content: { text: 7 }, tool_calls: [{ id: 5, type: 'function', function: { name: 5, arguments: { city: 1 } } }, 'x', null] };
  const usage = { prompt_tokens: '12', completion_tokens: -3 };
  if (!body.stream) return json(res, 200, { id: 1, object: 'chat.completion', model: 5, choices: [{ index: 0, message: odd, finish_reason: 7 }, 'x', null], usage });
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write(`data: ${JSON.stringify({ id: 1, model: 5, choices: [{ index: 0, delta: odd }, 'x', null] })}\n\n`);
  res.write(`data: ${JSON.stringify({ choices: 'none', usage: 5 })}\n\n`);
  res.write(`data: [1,2]\n\ndata: "text"\n\ndata: {not json\n\n`);
  res.write(`data: ${JSON.stringify({ choices: [], usage })}\n\n`);
  res.end('data: [DONE]\n\n');
}

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://sim');
    if (url.pathname === '/health') return json(res, 200, { status: 'ok' });
    if (url.pathname === '/_stats') return json(res, 200, hits);
    const raw = await new Promise((resolve) => { let b = ''; req.on('data', (c) => (b += c)); req.on('end', () => resolve(b)); });
    if (url.pathname === '/_control' && req.method === 'POST') {
      const { provider, mode, count = 1 } = JSON.parse(raw);
      (scripted[provider] ??= []).push({ mode: String(mode), count });
      return json(res, 200, { ok: true });
    }
    if (url.pathname === '/_reset' && req.method === 'POST') {
      for (const k of Object.keys(hits)) delete hits[k];
      for (const k of Object.keys(scripted)) delete scripted[k];
      return json(res, 200, { ok: true });
    }
    const match = url.pathname.match(/^\/([a-z0-9-]+)\/v1\/(chat\/completions|models)$/i);
    if (!match) return error(res, 404, 'not found', 'not_found_error');
    const provider = match[1];
    if (req.headers.authorization !== `Bearer ${key}`) return error(res, 401, 'invalid api key', 'authentication_error');
    if (match[2] === 'models') return json(res, 200, { object: 'list', data: [] });
    hits[provider] = (hits[provider] ?? 0) + 1;
    let body;
    try { body = JSON.parse(raw); } catch { return error(res, 400, 'invalid JSON', 'invalid_request_error'); }
    if (!body.model || !Array.isArray(body.messages)) return error(res, 400, 'model and messages are required', 'invalid_request_error');
    await chat(req, res, provider, body);
  } catch (e) {
    if (!res.headersSent) error(res, 500, 'simulator error');
    else res.destroy();
  }
});

server.listen(port, '127.0.0.1', () => {
  const url = `http://127.0.0.1:${server.address().port}`;
  if (args['ready-file']) {
    fs.writeFileSync(args['ready-file'] + '.tmp', JSON.stringify({ url }));
    fs.renameSync(args['ready-file'] + '.tmp', args['ready-file']);
  }
  console.log(`upstream simulator: listening on ${url}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));

#!/usr/bin/env node
// Local x402 facilitator: the reference @x402/core + @x402/svm facilitator over HTTP on loopback,
// settling on the local chain (or any Solana RPC).
//   node tools/facilitator/server.mjs --port 0 --rpc <url> --fee-payer-keypair <path | JSON array>
//     [--network solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1] [--host 127.0.0.1] [--ready-file <path>] [--quiet]
// Routes: GET /supported, POST /verify, POST /settle, GET /health. See README.md.
import { createServer } from 'node:http';
import { readFileSync, writeFileSync, renameSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createKeyPairSignerFromBytes } from '@solana/kit';
import { x402Facilitator } from '@x402/core/facilitator';
import { registerExactSvmScheme } from '@x402/svm/exact/facilitator';
import { toFacilitatorSvmSigner } from '@x402/svm';

const MAX_BODY_BYTES = 1024 * 1024;
const DEVNET = 'solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1';

function parseCommandLine(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '0' },
      rpc: { type: 'string' },
      'fee-payer-keypair': { type: 'string' },
      network: { type: 'string', default: DEVNET },
      'ready-file': { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad --port ${values.port}`);
  if (!values.rpc) throw new Error('--rpc <url> is required');
  if (!values['fee-payer-keypair']) throw new Error('--fee-payer-keypair <path | JSON array> is required');
  if (!/^solana:[1-9A-HJ-NP-Za-km-z]{32,44}$/.test(values.network)) throw new Error(`bad --network ${values.network} (CAIP-2, e.g. ${DEVNET})`);
  return {
    host: values.host, port, rpc: values.rpc, network: values.network,
    keypair: readKeypair(values['fee-payer-keypair']), readyFile: values['ready-file'], quiet: values.quiet,
  };
}

/** A Solana keypair file's content (64 numbers) given inline or as a path. */
function readKeypair(arg) {
  const text = arg.trim().startsWith('[') ? arg : readFileSync(arg, 'utf8');
  const bytes = Uint8Array.from(JSON.parse(text));
  if (bytes.length !== 64) throw new Error('the fee payer keypair must be 64 bytes (seed ‖ public key)');
  return bytes;
}

/** The facilitator: exact scheme on one network (v2 CAIP-2 plus, automatically, its v1 name). */
export async function createFacilitator({ rpc, network, keypair }) {
  const signer = await createKeyPairSignerFromBytes(keypair);
  const facilitator = new x402Facilitator();
  registerExactSvmScheme(facilitator, { signer: toFacilitatorSvmSigner(signer, { defaultRpcUrl: rpc }), networks: [network] });
  return { facilitator, feePayer: signer.address };
}

const json = (res, status, value) => {
  const text = JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(text);
};

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) { reject(Object.assign(new Error('body too large'), { status: 413 })); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Parses `{x402Version, paymentPayload, paymentRequirements}`; a 400 with invalidReason when it is not that. */
async function readRequest(req) {
  let body;
  try { body = JSON.parse(await readBody(req)); } catch (e) { return { error: e.status === 413 ? 'body_too_large' : 'invalid_json' }; }
  if (!body || typeof body !== 'object' || typeof body.paymentPayload !== 'object' || typeof body.paymentRequirements !== 'object'
    || body.paymentPayload === null || body.paymentRequirements === null) {
    return { error: 'invalid_request' };
  }
  return { body };
}

/** The HTTP wrapper: `/supported`, `/verify`, `/settle`, `/health`, as [spec-v2] §7 and HTTPFacilitatorClient expect. */
export function createHandler(facilitator, log = () => {}) {
  return async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname.replace(/\/+$/, '') || '/';
    try {
      if (req.method === 'GET' && path === '/health') return json(res, 200, { status: 'ok' });
      if (req.method === 'GET' && path === '/supported') return json(res, 200, facilitator.getSupported());
      if (req.method === 'POST' && (path === '/verify' || path === '/settle')) {
        const { body, error } = await readRequest(req);
        if (error) {
          return path === '/verify'
            ? json(res, 400, { isValid: false, invalidReason: error })
            : json(res, 400, { success: false, errorReason: error, transaction: '', network: '' });
        }
        if (path === '/verify') {
          const result = await facilitator.verify(body.paymentPayload, body.paymentRequirements);
          log(`verify ${result.isValid ? 'valid' : `invalid ${result.invalidReason}`} payer=${result.payer ?? '-'}`);
          return json(res, 200, result);
        }
        const result = await facilitator.settle(body.paymentPayload, body.paymentRequirements);
        log(`settle ${result.success ? 'ok' : `failed ${result.errorReason}`} tx=${result.transaction || '-'}`);
        return json(res, 200, result);
      }
      return json(res, req.method === 'GET' || req.method === 'POST' ? 404 : 405, { error: 'not_found' });
    } catch (e) {
      // The core throws VerifyError/SettleError for requests it cannot even evaluate (unknown scheme or network, bad payload).
      log(`${path} error: ${e?.message ?? e}`);
      const reason = e?.invalidReason ?? e?.errorReason ?? 'unexpected_error';
      const message = e?.invalidMessage ?? e?.errorMessage ?? String(e?.message ?? e);
      return path === '/verify'
        ? json(res, 400, { isValid: false, invalidReason: reason, invalidMessage: message, payer: e?.payer })
        : json(res, path === '/settle' ? 400 : 500, { success: false, errorReason: reason, errorMessage: message, transaction: e?.transaction ?? '', network: e?.network ?? '' });
    }
  };
}

/** Starts the server; resolves with `{url, feePayer, close()}`. */
export async function startFacilitator({ host = '127.0.0.1', port = 0, rpc, network = DEVNET, keypair, log = () => {} }) {
  const { facilitator, feePayer } = await createFacilitator({ rpc, network, keypair });
  const server = createServer(createHandler(facilitator, log));
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(port, host, resolve); });
  const url = `http://${host}:${server.address().port}`;
  return { url, feePayer, network, close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }) };
}

async function main() {
  const options = parseCommandLine(process.argv.slice(2));
  const log = options.quiet ? () => {} : (line) => process.stderr.write(`facilitator: ${line}\n`);
  const running = await startFacilitator({ ...options, log });
  if (options.readyFile) {
    const tmp = `${options.readyFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ url: running.url, feePayer: running.feePayer, network: running.network, rpc: options.rpc }, null, 2));
    renameSync(tmp, options.readyFile);
  }
  process.stdout.write(`facilitator: listening on ${running.url} (fee payer ${running.feePayer}, ${running.network}, rpc ${options.rpc})\n`);
  const stop = async () => {
    if (options.readyFile) rmSync(options.readyFile, { force: true });
    await running.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => { process.stderr.write(`facilitator: ${e?.message ?? e}\n`); process.exit(1); });
}

#!/usr/bin/env node
// Local Solana chain: JSON-RPC over HTTP on top of an in-process litesvm.
//   node tools/chain/server.mjs --host 127.0.0.1 --port 8899 --seed tools/chain/seed.json --ready-file <path>
// See README.md for the ready-file contract.
import { createServer } from 'node:http';
import { writeFileSync, renameSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Chain } from './chain.mjs';
import { loadSeedFile, applySeed } from './seed.mjs';
import { handleBody } from './rpc.mjs';
import { attachPubSub } from './ws.mjs';

const MAX_BODY_BYTES = 16 * 1024 * 1024;

function parseCommandLine() {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8899' },
      seed: { type: 'string' },
      'ready-file': { type: 'string' },
      'slot-ms': { type: 'string', default: '400' },
      quiet: { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port);
  const slotMs = Number(values['slot-ms']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad --port ${values.port}`);
  if (!(slotMs >= 10)) throw new Error(`bad --slot-ms ${values['slot-ms']}`);
  return { host: values.host, port, seedPath: values.seed, readyFile: values['ready-file'], slotMs, quiet: values.quiet };
}

/** Ready-file JSON: rpc URL, every seeded address, keypairs as 64-number arrays, models. */
function readyInfo(rpc, chain, seeded) {
  const info = { rpc, ws: rpc.replace(/^http/, 'ws'), genesisHash: chain.genesisHash };
  if (seeded) {
    for (const [name, kp] of Object.entries(seeded.keypairs)) {
      info[name] = kp.publicKey.toBase58();
      info[`${name}Keypair`] = Array.from(kp.secretKey);
    }
    Object.assign(info, seeded.addresses);
    info.models = seeded.models;
    if (seeded.program) info.program = seeded.program;
  }
  return info;
}

/** Indented JSON, but arrays of numbers (keypairs) kept on one line. */
function prettyJson(value) {
  return JSON.stringify(value, null, 2).replace(/\[\s*(\d+(?:,\s*\d+)*)\s*\]/g, (_m, nums) => `[${nums.replace(/\s+/g, '')}]`);
}

/** Write to a temp file, then rename: readers never see a half-written file. */
function writeAtomically(path, text) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, path);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) { reject(new Error('request too large')); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function main() {
  const opts = parseCommandLine();
  const log = opts.quiet ? () => {} : (msg) => process.stderr.write(`[chain] ${msg}\n`);
  const chain = new Chain({ slotMs: opts.slotMs, log });

  let seeded = null;
  let faucet = null;
  if (opts.seedPath) {
    const { seed, baseDir } = loadSeedFile(opts.seedPath);
    seeded = applySeed(chain, seed, baseDir);
    faucet = seeded.faucet;
  } else {
    seeded = applySeed(chain, {}, process.cwd()); // still gives requestAirdrop a faucet
    faucet = seeded.faucet;
    seeded = null;
  }
  chain.start();
  const ctx = { chain, faucet, log };

  const server = createServer(async (req, res) => {
    if (req.method === 'GET' && req.url === '/health') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    let body;
    try {
      body = await readBody(req);
    } catch {
      res.writeHead(413).end();
      return;
    }
    const out = handleBody(ctx, body);
    res.writeHead(200, { 'content-type': 'application/json' }).end(out);
  });
  server.keepAliveTimeout = 65_000;
  const closeSockets = attachPubSub(server, ctx);

  server.listen(opts.port, opts.host, () => {
    const { port } = server.address();
    const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
    const rpc = `http://${host}:${port}`;
    if (opts.readyFile) writeAtomically(opts.readyFile, `${prettyJson(readyInfo(rpc, chain, seeded))}\n`);
    const usdc = seeded?.addresses.usdcMint ? ` usdc=${seeded.addresses.usdcMint}` : '';
    process.stdout.write(`chain: listening on ${rpc} slot=${chain.slot}${usdc}${opts.readyFile ? ` ready=${opts.readyFile}` : ''}\n`);
  });

  const shutdown = (signal) => {
    log(`${signal}: shutting down`);
    chain.stop();
    if (opts.readyFile) rmSync(opts.readyFile, { force: true });
    server.close(() => process.exit(0));
    closeSockets();
    server.closeAllConnections?.();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

try {
  main();
} catch (err) {
  process.stderr.write(`chain: failed to start: ${err?.stack ?? err}\n`);
  process.exit(1);
}

// Minimal PubSub WebSocket (RFC 6455, text frames, no extensions) on the RPC port:
// signatureSubscribe, accountSubscribe, slotSubscribe and their unsubscribes.
// Enough for web3.js confirmTransaction/onAccountChange and kit's subscriptions.
import { createHash } from 'node:crypto';
import { stringify, encodeAccount } from './rpc.mjs';

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Attaches the WebSocket endpoint to `server`; returns a function that closes all sockets. */
export function attachPubSub(server, ctx) {
  const { chain } = ctx;
  const sockets = new Set();
  let nextId = 1;
  const subs = new Map(); // id → {kind, socket, key, encoding}

  const notify = (sub, method, result) => send(sub.socket, { jsonrpc: '2.0', method, params: { result, subscription: sub.id } });
  const ctxOf = () => ({ slot: chain.slot });

  const notifySignature = (entry) => {
    for (const sub of subs.values()) {
      if (sub.kind !== 'signature' || sub.key !== entry.signature) continue;
      notify(sub, 'signatureNotification', { context: { slot: entry.slot }, value: { err: entry.err } });
      subs.delete(sub.id); // signature subscriptions end after one notification
    }
  };
  const notifyAccounts = (entry) => {
    for (const sub of subs.values()) {
      if (sub.kind !== 'account' || !entry.accountKeys.includes(sub.key)) continue;
      const acc = chain.getAccount(sub.key);
      notify(sub, 'accountNotification', { context: ctxOf(), value: acc ? encodeAccount(chain, acc, { encoding: sub.encoding }) : null });
    }
  };
  chain.onLanded = (entry) => { notifySignature(entry); notifyAccounts(entry); };
  chain.onSlot = (slot) => {
    for (const sub of subs.values()) {
      if (sub.kind === 'slot') notify(sub, 'slotNotification', { parent: slot - 1, root: slot, slot });
    }
  };

  function subscribe(socket, kind, key, encoding) {
    const sub = { id: nextId++, kind, socket, key, encoding };
    subs.set(sub.id, sub);
    return sub;
  }

  function handle(socket, msg) {
    let req;
    try { req = JSON.parse(msg); } catch { return send(socket, { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null }); }
    const { id = null, method, params = [] } = req ?? {};
    const reply = (result) => send(socket, { jsonrpc: '2.0', result, id });
    const fail = (code, message) => send(socket, { jsonrpc: '2.0', error: { code, message }, id });
    switch (method) {
      case 'signatureSubscribe': {
        if (typeof params[0] !== 'string') return fail(-32602, 'Invalid params');
        const sub = subscribe(socket, 'signature', params[0]);
        reply(sub.id);
        const landed = chain.ledger.get(params[0]);
        if (landed) notifySignature(landed); // already final: tell at once
        return undefined;
      }
      case 'accountSubscribe':
        if (typeof params[0] !== 'string') return fail(-32602, 'Invalid params');
        return reply(subscribe(socket, 'account', params[0], params[1]?.encoding ?? 'base64').id);
      case 'slotSubscribe':
        return reply(subscribe(socket, 'slot').id);
      case 'signatureUnsubscribe':
      case 'accountUnsubscribe':
      case 'slotUnsubscribe':
        return reply(subs.delete(params[0]));
      default:
        return fail(-32601, 'Method not found');
    }
  }

  server.on('upgrade', (req, socket) => {
    const key = req.headers['sec-websocket-key'];
    if (!key || (req.headers.upgrade ?? '').toLowerCase() !== 'websocket') { socket.destroy(); return; }
    const accept = createHash('sha1').update(key + WS_GUID).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    sockets.add(socket);
    let buf = Buffer.alloc(0);
    let fragments = [];
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (let frame; (frame = readFrame(buf));) {
        buf = buf.subarray(frame.size);
        // Echo the status code: clients (rpc-websockets) only skip reconnecting on 1000.
        if (frame.opcode === 0x8) { socket.end(encodeFrame(0x8, frame.payload.subarray(0, 2))); return; }
        if (frame.opcode === 0x9) { socket.write(encodeFrame(0xA, frame.payload)); continue; }
        if (frame.opcode === 0x1 || frame.opcode === 0x0) {
          fragments.push(frame.payload);
          if (frame.fin) { handle(socket, Buffer.concat(fragments).toString('utf8')); fragments = []; }
        }
      }
    });
    const drop = () => {
      sockets.delete(socket);
      for (const [id, sub] of subs) if (sub.socket === socket) subs.delete(id);
    };
    socket.on('close', drop);
    socket.on('error', drop);
  });

  return () => { for (const s of sockets) s.destroy(); };
}

function send(socket, obj) {
  if (!socket.destroyed) socket.write(encodeFrame(0x1, Buffer.from(stringify(obj))));
}

/** Server frames are never masked. */
function encodeFrame(opcode, payload) {
  const len = payload.length;
  let header;
  if (len < 126) header = Buffer.from([0x80 | opcode, len]);
  else if (len < 65536) { header = Buffer.alloc(4); header[0] = 0x80 | opcode; header[1] = 126; header.writeUInt16BE(len, 2); }
  else { header = Buffer.alloc(10); header[0] = 0x80 | opcode; header[1] = 127; header.writeBigUInt64BE(BigInt(len), 2); }
  return Buffer.concat([header, payload]);
}

/** Parses one (client, masked) frame from `buf`, or returns null if incomplete. */
function readFrame(buf) {
  if (buf.length < 2) return null;
  const fin = (buf[0] & 0x80) !== 0;
  const opcode = buf[0] & 0x0f;
  const masked = (buf[1] & 0x80) !== 0;
  let len = buf[1] & 0x7f;
  let pos = 2;
  if (len === 126) { if (buf.length < 4) return null; len = buf.readUInt16BE(2); pos = 4; }
  else if (len === 127) { if (buf.length < 10) return null; len = Number(buf.readBigUInt64BE(2)); pos = 10; }
  const maskLen = masked ? 4 : 0;
  if (buf.length < pos + maskLen + len) return null;
  const mask = buf.subarray(pos, pos + maskLen);
  const payload = Buffer.from(buf.subarray(pos + maskLen, pos + maskLen + len));
  if (masked) for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3];
  return { fin, opcode, payload, size: pos + maskLen + len };
}

// Wire-format helpers: base58/base64, shortvec and a transaction parser.
// Layouts follow shared/reference/solana.md §2.
import { getBase58Decoder, getBase58Encoder } from '@solana/kit';

const b58dec = getBase58Decoder(); // bytes -> string
const b58enc = getBase58Encoder(); // string -> bytes

export const toBase58 = (bytes) => b58dec.decode(bytes);
export const fromBase58 = (str) => new Uint8Array(b58enc.encode(str));
export const toBase64 = (bytes) => Buffer.from(bytes).toString('base64');
export const fromBase64 = (str) => new Uint8Array(Buffer.from(str, 'base64'));

const BASE58_RE = /^[1-9A-HJ-NP-Za-km-z]+$/;
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes a base58 public key; returns null unless it is exactly 32 bytes. */
export function tryDecodePubkey(str) {
  if (typeof str !== 'string' || str.length < 32 || str.length > 44 || !BASE58_RE.test(str)) return null;
  const bytes = fromBase58(str);
  return bytes.length === 32 ? bytes : null;
}

/** Decodes `str` as base58 or base64; returns null on malformed input. */
export function decodeEncoded(str, encoding) {
  if (typeof str !== 'string') return null;
  if (encoding === 'base58') return BASE58_RE.test(str) ? fromBase58(str) : null;
  if (encoding === 'base64') return BASE64_RE.test(str) ? fromBase64(str) : null;
  return null;
}

/** Reads a shortvec (compact-u16) at `pos`; returns [value, nextPos]. */
function readShortVec(bytes, pos) {
  let value = 0;
  for (let shift = 0; shift < 21; shift += 7) {
    if (pos >= bytes.length) throw new Error('truncated shortvec');
    const b = bytes[pos++];
    value |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [value, pos];
  }
  throw new Error('shortvec too long');
}

function take(bytes, pos, n) {
  if (pos + n > bytes.length) throw new Error('truncated transaction');
  return bytes.subarray(pos, pos + n);
}

/**
 * Parses a wire transaction (legacy or v0). Throws on malformed input.
 * Returns { signatures, messageBytes, version: 'legacy'|0, header, staticKeys,
 *           recentBlockhash, instructions, lookups }, all keys as Uint8Array(32).
 */
export function parseTransaction(raw) {
  const bytes = raw instanceof Uint8Array ? raw : new Uint8Array(raw);
  let pos = 0;
  let nSig;
  [nSig, pos] = readShortVec(bytes, pos);
  const signatures = [];
  for (let i = 0; i < nSig; i++, pos += 64) signatures.push(take(bytes, pos, 64));
  const messageBytes = bytes.subarray(pos);

  let version = 'legacy';
  if (bytes[pos] & 0x80) {
    version = bytes[pos] & 0x7f;
    if (version !== 0) throw new Error(`unsupported transaction version ${version}`);
    pos += 1;
  }
  const [numRequiredSignatures, numReadonlySignedAccounts, numReadonlyUnsignedAccounts] = take(bytes, pos, 3);
  pos += 3;
  let nKeys;
  [nKeys, pos] = readShortVec(bytes, pos);
  const staticKeys = [];
  for (let i = 0; i < nKeys; i++, pos += 32) staticKeys.push(take(bytes, pos, 32));
  const recentBlockhash = take(bytes, pos, 32);
  pos += 32;

  let nIx;
  [nIx, pos] = readShortVec(bytes, pos);
  const instructions = [];
  for (let i = 0; i < nIx; i++) {
    const programIdIndex = take(bytes, pos, 1)[0];
    pos += 1;
    let nAcc, nData;
    [nAcc, pos] = readShortVec(bytes, pos);
    const accounts = Array.from(take(bytes, pos, nAcc));
    pos += nAcc;
    [nData, pos] = readShortVec(bytes, pos);
    const data = take(bytes, pos, nData);
    pos += nData;
    instructions.push({ programIdIndex, accounts, data });
  }

  const lookups = [];
  if (version === 0) {
    let nLookups;
    [nLookups, pos] = readShortVec(bytes, pos);
    for (let i = 0; i < nLookups; i++) {
      const accountKey = take(bytes, pos, 32);
      pos += 32;
      let n;
      [n, pos] = readShortVec(bytes, pos);
      const writableIndexes = Array.from(take(bytes, pos, n));
      pos += n;
      [n, pos] = readShortVec(bytes, pos);
      const readonlyIndexes = Array.from(take(bytes, pos, n));
      pos += n;
      lookups.push({ accountKey, writableIndexes, readonlyIndexes });
    }
  }
  if (pos !== bytes.length) throw new Error('trailing bytes after transaction');
  if (nSig !== numRequiredSignatures) throw new Error('signature count does not match header');

  return {
    signatures, messageBytes, version,
    header: { numRequiredSignatures, numReadonlySignedAccounts, numReadonlyUnsignedAccounts },
    staticKeys, recentBlockhash, instructions, lookups,
  };
}

/** Is static key `i` writable per the message header (before demotion rules)? */
export function isStaticWritable(header, nStatic, i) {
  const { numRequiredSignatures: s, numReadonlySignedAccounts: rs, numReadonlyUnsignedAccounts: ru } = header;
  return i < s ? i < s - rs : i < nStatic - ru;
}

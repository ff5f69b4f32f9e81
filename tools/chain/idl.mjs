// Encodes accounts in the layout a quasar-idl/1.0.0 file describes (the same file the C# decoder reads):
// discriminator ‖ inline fields (packed LE, alignment 1) ‖ one length prefix per tail field ‖ tail payloads.
// Used to seed the program's accounts on the local chain.
import { readFileSync } from 'node:fs';
import { PublicKey } from '@solana/web3.js';

const SIZES = { u8: 1, i8: 1, bool: 1, u16: 2, i16: 2, u32: 4, i32: 4, u64: 8, i64: 8, pubkey: 32 };

export function loadIdl(path) {
  const idl = JSON.parse(readFileSync(path, 'utf8'));
  if (!String(idl.spec ?? '').startsWith('quasar-idl/')) throw new Error(`${path}: not a quasar-idl file`);
  return idl;
}

const typeDef = (idl, name) => idl.types.find((t) => t.name === name) ?? (() => { throw new Error(`IDL: no type ${name}`); })();
const typeName = (t) => (typeof t === 'string' ? t : t.defined?.name ?? t.defined);
const isDynamic = (t) => t === 'string' || t === 'bytes' || (typeof t === 'object' && t.vec !== undefined);
const prefixSize = (field) => {
  const p = field.codec?.prefix?.type ?? field.codec?.prefix;
  if (p) return { u8: 1, u16: 2, u32: 4 }[p];
  return field.type === 'string' ? 1 : 2;
};

function writeUInt(out, value, size) {
  let v = BigInt(value);
  if (v < 0n) v += 1n << BigInt(size * 8);
  for (let i = 0; i < size; i++) { out.push(Number(v & 0xffn)); v >>= 8n; }
}

function writeValue(idl, out, type, value, path) {
  if (typeof type === 'string') {
    if (type === 'pubkey' || type === 'publicKey') { out.push(...new PublicKey(value).toBytes()); return; }
    if (type === 'bool') { out.push(value ? 1 : 0); return; }
    if (type === 'string') { const b = Buffer.from(String(value), 'utf8'); writeUInt(out, b.length, 1); out.push(...b); return; }
    if (type === 'bytes') { const b = Buffer.from(value); writeUInt(out, b.length, 2); out.push(...b); return; }
    if (SIZES[type]) { writeUInt(out, value, SIZES[type]); return; }
  }
  if (type.vec !== undefined) { writeUInt(out, value.length, 2); for (const v of value) writeValue(idl, out, type.vec, v, path); return; }
  if (type.array !== undefined) {
    const [item, n] = type.array;
    if (value.length !== n) throw new Error(`${path}: ${value.length} items, array of ${n}`);
    for (const v of value) writeValue(idl, out, item, v, path);
    return;
  }
  if (type.option !== undefined) { if (value === null || value === undefined) out.push(0); else { out.push(1); writeValue(idl, out, type.option, value, path); } return; }
  const def = typeDef(idl, typeName(type));
  if (def.kind === 'enum') {
    const index = typeof value === 'number' ? value : def.variants.findIndex((v) => v.name.toLowerCase() === String(value).toLowerCase());
    if (index < 0 || index >= def.variants.length) throw new Error(`${path}: ${def.name} has no variant ${value}`);
    out.push(index);
    return;
  }
  writeStruct(idl, out, def, value, path);
}

function writeStruct(idl, out, def, values, path) {
  const tailNames = new Set(def.layout?.tailFields ?? []);
  const isTail = (f) => (f.codec ? (f.codec.storage ?? 'tail') === 'tail' : isDynamic(f.type) && (tailNames.size === 0 || tailNames.has(f.name)));
  const get = (f) => {
    if (!(f.name in values)) throw new Error(`${path}.${f.name} is missing`);
    return values[f.name];
  };
  for (const f of def.fields.filter((x) => !isTail(x))) writeValue(idl, out, f.type, get(f), `${path}.${f.name}`);
  const payloads = [];
  for (const f of def.fields.filter(isTail)) {
    const value = get(f);
    const payload = [];
    let length;
    if (f.type === 'string') { const b = Buffer.from(String(value), 'utf8'); payload.push(...b); length = b.length; } else {
      const item = f.type === 'bytes' ? 'u8' : f.type.vec;
      for (const v of value) writeValue(idl, payload, item, v, `${path}.${f.name}`);
      length = value.length;
    }
    writeUInt(out, length, prefixSize(f));
    payloads.push(payload);
  }
  for (const p of payloads) out.push(...p);
}

/** Account data: the type's discriminator, then its fields (values: numbers/bigints/strings, base58 keys, variant names). */
export function encodeAccount(idl, name, values) {
  const account = idl.accounts.find((a) => a.name === name);
  if (!account) throw new Error(`IDL: no account ${name}`);
  const out = [...account.discriminator];
  writeStruct(idl, out, typeDef(idl, name), values, name);
  return Uint8Array.from(out);
}

// JSON-RPC 2.0 dispatch and the Solana methods, with agave's result and error shapes.
import { PublicKey, SystemProgram } from '@solana/web3.js';
import { RpcError, CODES, invalidParams } from './errors.mjs';
import { jsonReturnData } from './chain.mjs';
import { toBase58, toBase64, fromBase58, tryDecodePubkey, decodeEncoded, parseTransaction, isStaticWritable } from './wire.mjs';
import { TOKEN_PROGRAM, TOKEN_2022_PROGRAM, isTokenAccount, isMint, parseTokenAccount, parseMint, uiTokenAmount } from './tokens.mjs';
import { submit } from './txbuild.mjs';

const API_VERSION = '3.0.0';
const LAMPORTS_PER_SIGNATURE = 5000n;
const MAX_MULTIPLE_ACCOUNTS = 100;
const MAX_SIGNATURE_STATUSES = 256;
const MAX_SIGNATURES_FOR_ADDRESS = 1000;
const MAX_BASE58_ACCOUNT_BYTES = 128;

// ---- parameter helpers -------------------------------------------------------

function pubkeyParam(value, what = 'param') {
  if (typeof value !== 'string') throw invalidParams(`Invalid ${what}: expected a base58 string`);
  if (!tryDecodePubkey(value)) throw invalidParams(`Invalid ${what}: Invalid`);
  return value;
}

function configParam(params, index) {
  const cfg = params[index];
  if (cfg === undefined || cfg === null) return {};
  if (typeof cfg !== 'object' || Array.isArray(cfg)) throw invalidParams(`Invalid params: expected a config object at position ${index}`);
  return cfg;
}

function uintParam(value, what) {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw invalidParams(`Invalid param: ${what} must be an unsigned integer`);
  return value;
}

function signatureParam(value) {
  if (typeof value !== 'string' || !/^[1-9A-HJ-NP-Za-km-z]{64,88}$/.test(value) || fromBase58(value).length !== 64) {
    throw invalidParams('Invalid param: Invalid');
  }
  return value;
}

/** Encoded wire transaction → bytes (`encoding` defaults to base58, as on agave). */
function transactionParam(value, encoding = 'base58') {
  if (encoding !== 'base58' && encoding !== 'base64') throw invalidParams(`unsupported encoding: ${encoding}. Supported encodings: base58, base64`);
  const bytes = decodeEncoded(value, encoding);
  if (!bytes) throw invalidParams(`invalid ${encoding} encoding`);
  return bytes;
}

// ---- account encoding --------------------------------------------------------

function sliceData(data, dataSlice) {
  if (!dataSlice) return data;
  const offset = uintParam(dataSlice.offset ?? 0, 'dataSlice.offset');
  const length = uintParam(dataSlice.length ?? 0, 'dataSlice.length');
  return data.subarray(Math.min(offset, data.length), Math.min(offset + length, data.length));
}

/** jsonParsed for token accounts and mints; null means "fall back to base64" (as agave does). */
function parsedTokenData(account) {
  const program = account.owner === TOKEN_2022_PROGRAM ? 'spl-token-2022' : 'spl-token';
  if (isTokenAccount(account)) {
    const t = parseTokenAccount(account);
    const { data } = account;
    return {
      program, space: data.length,
      parsed: { type: 'account', info: {
        isNative: data[109] === 1, mint: t.mint, owner: t.owner,
        state: data[108] === 2 ? 'frozen' : 'initialized', tokenAmount: uiTokenAmount(t.amount, 0),
      } },
    };
  }
  if (isMint(account)) {
    const { data } = account;
    const { supply, decimals } = parseMint(account);
    // COption<Pubkey> in account state: 4-byte tag, then the key.
    const coption = (off) => (Buffer.from(data.buffer, data.byteOffset, data.length).readUInt32LE(off) ? toBase58(data.subarray(off + 4, off + 36)) : null);
    return {
      program, space: data.length,
      parsed: { type: 'mint', info: {
        decimals, freezeAuthority: coption(46), isInitialized: true, mintAuthority: coption(0), supply: supply.toString(),
      } },
    };
  }
  return null;
}

/** UiAccount in the requested encoding: binary (legacy base58), base58, base64, jsonParsed. */
export function encodeAccount(chain, account, { encoding = 'binary', dataSlice } = {}) {
  const base = { lamports: account.lamports, owner: account.owner, executable: account.executable, rentEpoch: account.rentEpoch, space: account.space };
  if (encoding === 'jsonParsed') {
    const parsed = parsedTokenData(account);
    if (parsed) {
      if (parsed.parsed.type === 'account') {
        const mint = chain.getAccount(parsed.parsed.info.mint);
        const decimals = isMint(mint) ? parseMint(mint).decimals : 0;
        parsed.parsed.info.tokenAmount = uiTokenAmount(parseTokenAccount(account).amount, decimals);
      }
      return { ...base, data: parsed };
    }
    encoding = 'base64';
  }
  const data = sliceData(account.data, dataSlice);
  switch (encoding) {
    case 'base64': return { ...base, data: [toBase64(data), 'base64'] };
    case 'base58':
    case 'binary': {
      if (data.length > MAX_BASE58_ACCOUNT_BYTES) {
        throw new RpcError(CODES.INVALID_REQUEST, `Encoded binary (base 58) data should be less than ${MAX_BASE58_ACCOUNT_BYTES} bytes, please use Base64 encoding.`);
      }
      return { ...base, data: encoding === 'binary' ? toBase58(data) : [toBase58(data), 'base58'] };
    }
    default:
      throw invalidParams(`unsupported encoding: ${encoding}`);
  }
}

function context(chain) {
  return { apiVersion: API_VERSION, slot: chain.slot };
}

const withContext = (chain, value) => ({ context: context(chain), value });

// ---- getProgramAccounts filters ----------------------------------------------

function compileFilter(filter) {
  if (filter && typeof filter.dataSize === 'number') {
    const size = filter.dataSize;
    return (acc) => acc.data.length === size;
  }
  if (filter && filter.memcmp) {
    const { offset, bytes, encoding = 'base58' } = filter.memcmp;
    uintParam(offset, 'memcmp.offset');
    if (encoding === 'base58' && typeof bytes === 'string' && bytes.length > 128) throw invalidParams('Invalid param: encoded binary (base 58) data should be less than 129 bytes');
    const needle = decodeEncoded(bytes, encoding);
    if (!needle) throw invalidParams(`Invalid param: invalid memcmp bytes for encoding ${encoding}`);
    // Compared in place (no copy per account: a large program's accounts are filtered type by type).
    return (acc) => {
      if (acc.data.length < offset + needle.length) return false;
      for (let i = 0; i < needle.length; i += 1) if (acc.data[offset + i] !== needle[i]) return false;
      return true;
    };
  }
  if (filter && filter.tokenAccountState) return (acc) => isTokenAccount(acc);
  throw invalidParams('Invalid param: unknown filter');
}

// ---- transactions ------------------------------------------------------------

/** The "json" form of a transaction: {signatures, message:{accountKeys, header, ...}}. */
function jsonTransaction(tx) {
  const message = {
    accountKeys: tx.staticKeys.map(toBase58),
    header: tx.header,
    recentBlockhash: toBase58(tx.recentBlockhash),
    instructions: tx.instructions.map((ix) => ({ programIdIndex: ix.programIdIndex, accounts: ix.accounts, data: toBase58(ix.data), stackHeight: null })),
  };
  if (tx.version !== 'legacy') {
    message.addressTableLookups = tx.lookups.map((l) => ({ accountKey: toBase58(l.accountKey), writableIndexes: l.writableIndexes, readonlyIndexes: l.readonlyIndexes }));
  }
  return { signatures: tx.signatures.map(toBase58), message };
}

/** "jsonParsed" without program parsers: keys carry signer/writable/source flags. */
function parsedTransaction(tx, entry) {
  const nStatic = tx.staticKeys.length;
  const { writable } = entry.loadedAddresses;
  const accountKeys = entry.accountKeys.map((pubkey, i) => ({
    pubkey,
    signer: i < tx.header.numRequiredSignatures,
    writable: i < nStatic ? isStaticWritable(tx.header, nStatic, i) : i < nStatic + writable.length,
    source: i < nStatic ? 'transaction' : 'lookupTable',
  }));
  const decode = (ix) => ({ programId: entry.accountKeys[ix.programIdIndex], accounts: ix.accounts.map((a) => entry.accountKeys[a]), data: typeof ix.data === 'string' ? ix.data : toBase58(ix.data), stackHeight: ix.stackHeight ?? null });
  const message = { accountKeys, recentBlockhash: toBase58(tx.recentBlockhash), instructions: tx.instructions.map(decode) };
  if (tx.version !== 'legacy') message.addressTableLookups = jsonTransaction(tx).message.addressTableLookups;
  return { transaction: { signatures: tx.signatures.map(toBase58), message }, innerInstructions: entry.meta.innerInstructions.map((g) => ({ index: g.index, instructions: g.instructions.map(decode) })) };
}

/** Fee for a message: 5000 lamports per signature + compute-unit price × limit. */
function feeForMessage(tx) {
  const COMPUTE_BUDGET = 'ComputeBudget111111111111111111111111111111';
  let price = 0n;
  let limit = null;
  let otherIxs = 0;
  for (const ix of tx.instructions) {
    const program = toBase58(tx.staticKeys[ix.programIdIndex] ?? new Uint8Array(32));
    const buf = Buffer.from(ix.data);
    if (program !== COMPUTE_BUDGET) { otherIxs += 1; continue; }
    if (buf[0] === 2 && buf.length >= 5) limit = BigInt(buf.readUInt32LE(1));
    if (buf[0] === 3 && buf.length >= 9) price = buf.readBigUInt64LE(1);
  }
  // Without SetComputeUnitLimit the runtime allows 200k CU per instruction, capped at 1.4M.
  if (limit === null) limit = BigInt(Math.min(200_000 * otherIxs, 1_400_000));
  const priority = (price * limit + 999_999n) / 1_000_000n;
  return LAMPORTS_PER_SIGNATURE * BigInt(tx.header.numRequiredSignatures) + priority;
}

/** Message bytes (as getFeeForMessage receives them) → parsed message, by adding empty signatures. */
function parseMessage(messageBytes) {
  const headerAt = messageBytes[0] & 0x80 ? 1 : 0;
  const nSig = messageBytes[headerAt];
  if (nSig === undefined || nSig > 127) throw invalidParams('invalid message');
  const wire = new Uint8Array(1 + 64 * nSig + messageBytes.length);
  wire[0] = nSig;
  wire.set(messageBytes, 1 + 64 * nSig);
  try {
    return parseTransaction(wire);
  } catch (e) {
    throw invalidParams(`invalid message: ${e.message}`);
  }
}

// ---- the methods ---------------------------------------------------------------

/** @type {Record<string, (ctx: {chain, faucet}, params: any[]) => any>} */
export const methods = {
  getHealth: () => 'ok',
  getVersion: () => ({ 'solana-core': API_VERSION, 'feature-set': 0 }),
  getGenesisHash: ({ chain }) => chain.genesisHash,
  getIdentity: ({ chain }) => ({ identity: chain.genesisHash }),
  getSlot: ({ chain }) => chain.slot,
  getBlockHeight: ({ chain }) => chain.blockHeight,
  getTransactionCount: ({ chain }) => chain.ledger.bySignature.size,
  getRecentPrioritizationFees: () => [],
  getFirstAvailableBlock: () => 0,

  getEpochInfo: ({ chain }) => {
    const slotsInEpoch = Number(chain.svm.getEpochSchedule().slotsPerEpoch);
    return {
      absoluteSlot: chain.slot, blockHeight: chain.blockHeight,
      epoch: Number(chain.svm.getClock().epoch), slotIndex: chain.slot % slotsInEpoch, slotsInEpoch,
      transactionCount: chain.ledger.bySignature.size,
    };
  },

  getEpochSchedule: ({ chain }) => {
    const s = chain.svm.getEpochSchedule();
    return { slotsPerEpoch: s.slotsPerEpoch, leaderScheduleSlotOffset: s.leaderScheduleSlotOffset, warmup: s.warmup, firstNormalEpoch: s.firstNormalEpoch, firstNormalSlot: s.firstNormalSlot };
  },

  getLatestBlockhash: ({ chain }) => withContext(chain, chain.latestBlockhash()),

  isBlockhashValid: ({ chain }, params) => {
    if (typeof params[0] !== 'string') throw invalidParams('Invalid param: blockhash');
    return withContext(chain, chain.isBlockhashValid(params[0]));
  },

  getFeeForMessage: ({ chain }, params) => {
    const bytes = decodeEncoded(params[0], 'base64');
    if (!bytes || bytes.length === 0) throw invalidParams('Invalid param: message must be base64');
    const tx = parseMessage(bytes);
    // Agave answers null when the message's blockhash is not (or no longer) valid.
    const fee = chain.isBlockhashValid(toBase58(tx.recentBlockhash)) ? feeForMessage(tx) : null;
    return withContext(chain, fee);
  },

  getMinimumBalanceForRentExemption: ({ chain }, params) => chain.rentExempt(uintParam(params[0] ?? 0, 'data length')),

  getBalance: ({ chain }, params) => {
    const acc = chain.getAccount(pubkeyParam(params[0]));
    return withContext(chain, acc ? acc.lamports : 0);
  },

  getAccountInfo: ({ chain }, params) => {
    const address = pubkeyParam(params[0]);
    const cfg = configParam(params, 1);
    const acc = chain.getAccount(address);
    return withContext(chain, acc ? encodeAccount(chain, acc, cfg) : null);
  },

  getMultipleAccounts: ({ chain }, params) => {
    if (!Array.isArray(params[0])) throw invalidParams('Invalid params: expected an array of addresses');
    if (params[0].length > MAX_MULTIPLE_ACCOUNTS) throw invalidParams(`Too many inputs provided; max ${MAX_MULTIPLE_ACCOUNTS}`);
    const cfg = configParam(params, 1);
    const value = params[0].map((a) => {
      const acc = chain.getAccount(pubkeyParam(a));
      return acc ? encodeAccount(chain, acc, cfg) : null;
    });
    return withContext(chain, value);
  },

  getProgramAccounts: ({ chain }, params) => {
    const program = pubkeyParam(params[0]);
    const cfg = configParam(params, 1);
    if (cfg.filters !== undefined && !Array.isArray(cfg.filters)) throw invalidParams('Invalid param: filters must be an array');
    const filters = (cfg.filters ?? []).map(compileFilter);
    const matching = chain.programAccounts(program).filter(({ account }) => filters.every((f) => f(account)));
    // The common indexer form (base64, whole data) is written from JSON kept with the snapshot's entries, so a
    // large answer is not rebuilt value by value on every call.
    const value = (cfg.encoding === 'base64' && !cfg.dataSlice)
      ? new RawJson(`[${matching.map(keyedBase64Json).join(',')}]`)
      : matching.map(({ pubkey, account }) => ({ pubkey, account: encodeAccount(chain, account, cfg) }));
    return cfg.withContext ? withContext(chain, value) : value;
  },

  getTokenAccountsByOwner: ({ chain }, params) => {
    const owner = pubkeyParam(params[0]);
    const sel = params[1];
    if (!sel || (typeof sel.mint !== 'string' && typeof sel.programId !== 'string')) throw invalidParams('Invalid param: expected {mint} or {programId}');
    const cfg = configParam(params, 2);
    let programs = [TOKEN_PROGRAM, TOKEN_2022_PROGRAM];
    if (sel.programId) programs = [pubkeyParam(sel.programId)];
    if (sel.mint) {
      const mint = chain.getAccount(pubkeyParam(sel.mint));
      if (!isMint(mint)) throw invalidParams('Invalid param: could not find mint');
      programs = [mint.owner];
    }
    const value = programs.flatMap((p) => chain.programAccounts(p))
      .filter(({ account }) => isTokenAccount(account))
      .filter(({ account }) => {
        const t = parseTokenAccount(account);
        return t.owner === owner && (!sel.mint || t.mint === sel.mint);
      })
      .map(({ pubkey, account }) => ({ pubkey, account: encodeAccount(chain, account, cfg) }));
    return withContext(chain, value);
  },

  getTokenAccountBalance: ({ chain }, params) => {
    const acc = chain.getAccount(pubkeyParam(params[0]));
    if (!isTokenAccount(acc)) throw invalidParams('Invalid param: not a Token account');
    const t = parseTokenAccount(acc);
    const mint = chain.getAccount(t.mint);
    if (!isMint(mint)) throw invalidParams('Invalid param: could not find mint');
    return withContext(chain, uiTokenAmount(t.amount, parseMint(mint).decimals));
  },

  getTokenSupply: ({ chain }, params) => {
    const acc = chain.getAccount(pubkeyParam(params[0]));
    if (!isMint(acc)) throw invalidParams('Invalid param: not a Token mint');
    const { supply, decimals } = parseMint(acc);
    return withContext(chain, uiTokenAmount(supply, decimals));
  },

  sendTransaction: ({ chain }, params) => {
    const cfg = configParam(params, 1);
    const raw = transactionParam(params[0], cfg.encoding);
    return chain.send(raw, { skipPreflight: cfg.skipPreflight === true });
  },

  simulateTransaction: ({ chain }, params) => {
    const cfg = configParam(params, 1);
    const raw = transactionParam(params[0], cfg.encoding);
    if (cfg.sigVerify && cfg.replaceRecentBlockhash) {
      throw invalidParams('sigVerify may not be used with replaceRecentBlockhash');
    }
    const sim = chain.simulate(raw, { sigVerify: cfg.sigVerify === true, replaceRecentBlockhash: cfg.replaceRecentBlockhash === true });
    const accounts = cfg.accounts ? simulatedAccounts(chain, sim, cfg.accounts) : null;
    return withContext(chain, {
      err: sim.err,
      logs: sim.logs,
      accounts,
      unitsConsumed: sim.unitsConsumed,
      returnData: jsonReturnData(sim.returnData),
      innerInstructions: cfg.innerInstructions ? (sim.innerInstructions ?? []) : null,
      replacementBlockhash: cfg.replaceRecentBlockhash ? chain.latestBlockhash() : null,
    });
  },

  getSignatureStatuses: ({ chain }, params) => {
    if (!Array.isArray(params[0])) throw invalidParams('Invalid params: expected an array of signatures');
    if (params[0].length > MAX_SIGNATURE_STATUSES) throw invalidParams(`Too many inputs provided; max ${MAX_SIGNATURE_STATUSES}`);
    // Every landed transaction is final at once, so searchTransactionHistory changes nothing.
    const value = params[0].map((sig) => {
      const e = chain.ledger.get(signatureParam(sig));
      return e ? { slot: e.slot, confirmations: null, err: e.err, status: e.meta.status, confirmationStatus: 'finalized' } : null;
    });
    return withContext(chain, value);
  },

  getSignaturesForAddress: ({ chain }, params) => {
    const address = pubkeyParam(params[0]);
    const cfg = configParam(params, 1);
    const limit = cfg.limit === undefined || cfg.limit === null ? MAX_SIGNATURES_FOR_ADDRESS : uintParam(cfg.limit, 'limit');
    if (limit < 1 || limit > MAX_SIGNATURES_FOR_ADDRESS) throw invalidParams('Invalid limit; max 1000');
    const before = cfg.before ? signatureParam(cfg.before) : undefined;
    const until = cfg.until ? signatureParam(cfg.until) : undefined;
    return chain.ledger.signaturesFor(address, { limit, before, until }).map((e) => ({
      signature: e.signature, slot: e.slot, err: e.err, memo: e.memo, blockTime: e.blockTime, confirmationStatus: 'finalized',
    }));
  },

  getTransaction: ({ chain }, params) => {
    const signature = signatureParam(params[0]);
    // The legacy form passes the encoding as a bare string.
    const cfg = typeof params[1] === 'string' ? { encoding: params[1] } : configParam(params, 1);
    const encoding = cfg.encoding ?? 'json';
    if (!['json', 'jsonParsed', 'base64', 'base58'].includes(encoding)) throw invalidParams(`unsupported encoding: ${encoding}`);
    const entry = chain.ledger.get(signature);
    if (!entry) return null;
    const maxVersion = cfg.maxSupportedTransactionVersion;
    if (entry.version !== 'legacy' && (maxVersion === undefined || maxVersion === null || maxVersion < entry.version)) {
      throw new RpcError(CODES.UNSUPPORTED_TRANSACTION_VERSION,
        `Transaction version (${entry.version}) is not supported by the requesting client. Please try the request again with the following configuration parameter: "maxSupportedTransactionVersion": ${entry.version}`);
    }
    return encodeLedgerEntry(entry, encoding, maxVersion !== undefined && maxVersion !== null);
  },

  requestAirdrop: ({ chain, faucet }, params) => {
    const to = pubkeyParam(params[0]);
    const lamports = uintParam(params[1], 'lamports');
    if (!faucet) throw new RpcError(CODES.INTERNAL_ERROR, 'airdrop faucet not configured');
    return submit(chain, faucet, [SystemProgram.transfer({ fromPubkey: faucet.publicKey, toPubkey: new PublicKey(to), lamports })]);
  },

  // Local-chain cheatcode in surfpool's shape: writes an account as given (fields left out keep their value). An
  // account of 0 lamports is closed: litesvm drops it, as the runtime does at the end of a transaction. Tests use it
  // to create or close program accounts without the program.
  surfnet_setAccount: ({ chain }, params) => {
    const address = pubkeyParam(params[0]);
    const update = params[1];
    if (!update || typeof update !== 'object') throw invalidParams('Invalid param: expected an account update object');
    const current = chain.getAccount(address);
    const lamports = update.lamports ?? (current ? Number(current.lamports) : 0);
    uintParam(lamports, 'lamports');
    let data = current ? current.data : new Uint8Array(0);
    if (update.data !== undefined) {
      if (typeof update.data !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(update.data)) throw invalidParams('Invalid param: data must be hex');
      data = Uint8Array.from(Buffer.from(update.data, 'hex'));
    }
    const owner = update.owner !== undefined ? pubkeyParam(update.owner) : (current ? current.owner : SystemProgram.programId.toBase58());
    chain.setAccount(address, { lamports, owner, data, executable: update.executable ?? current?.executable ?? false });
    return withContext(chain, null);
  },
};

function simulatedAccounts(chain, sim, { addresses, encoding = 'base64' }) {
  if (!Array.isArray(addresses)) throw invalidParams('Invalid param: accounts.addresses must be an array');
  const post = new Map(sim.postAccounts.map((a) => [a.pubkey, a.account]));
  return addresses.map((a) => {
    const acc = post.get(pubkeyParam(a)) ?? chain.getAccount(a);
    return acc ? encodeAccount(chain, acc, { encoding }) : null;
  });
}

function encodeLedgerEntry(entry, encoding, withVersion) {
  const tx = parseTransaction(entry.raw);
  const meta = { ...entry.meta };
  let transaction;
  if (encoding === 'base64') transaction = [toBase64(entry.raw), 'base64'];
  else if (encoding === 'base58') transaction = [toBase58(entry.raw), 'base58'];
  else if (encoding === 'jsonParsed') {
    const parsed = parsedTransaction(tx, entry);
    transaction = parsed.transaction;
    meta.innerInstructions = parsed.innerInstructions;
  } else transaction = jsonTransaction(tx);
  const out = { slot: entry.slot, blockTime: entry.blockTime, transaction, meta };
  if (withVersion) out.version = entry.version;
  return out;
}

// ---- dispatch ------------------------------------------------------------------------

function errorResponse(id, err) {
  const error = err instanceof RpcError ? err.toJSON() : { code: CODES.INTERNAL_ERROR, message: `Internal error: ${err?.message ?? err}` };
  return { jsonrpc: '2.0', error, id };
}

/** Handles one request object; returns the response object, or undefined for a notification. */
export function handleOne(ctx, req) {
  if (!req || typeof req !== 'object' || Array.isArray(req) || req.jsonrpc !== '2.0' || typeof req.method !== 'string') {
    return errorResponse(req?.id ?? null, new RpcError(CODES.INVALID_REQUEST, 'Invalid request'));
  }
  const id = req.id ?? null;
  const method = Object.hasOwn(methods, req.method) ? methods[req.method] : null;
  if (!method) return errorResponse(id, new RpcError(CODES.METHOD_NOT_FOUND, 'Method not found'));
  const params = req.params === undefined ? [] : req.params;
  if (!Array.isArray(params)) return errorResponse(id, invalidParams('Invalid params: expected an array'));
  try {
    const result = method(ctx, params);
    return { jsonrpc: '2.0', result: result === undefined ? null : result, id };
  } catch (err) {
    if (!(err instanceof RpcError)) ctx.log?.(`internal error in ${req.method}: ${err?.stack ?? err}`);
    return errorResponse(id, err);
  }
}

/** Handles a request body (single or batch); returns the response body string. */
export function handleBody(ctx, body) {
  let req;
  try {
    req = JSON.parse(body);
  } catch {
    return stringify(errorResponse(null, new RpcError(CODES.PARSE_ERROR, 'Parse error')));
  }
  if (Array.isArray(req)) {
    if (req.length === 0) return stringify(errorResponse(null, new RpcError(CODES.INVALID_REQUEST, 'Invalid request')));
    return stringify(req.map((r) => handleOne(ctx, r)));
  }
  return stringify(handleOne(ctx, req));
}

/** JSON text to put into an answer as it is. */
class RawJson {
  constructor(text) { this.text = text; }
}

/** A snapshot entry as `{pubkey, account}` with base64 data, written once per entry (entries live until an account changes). */
function keyedBase64Json(entry) {
  if (entry.base64Json === undefined) {
    const a = entry.account;
    entry.base64Json = `{"pubkey":${JSON.stringify(entry.pubkey)},"account":{"lamports":${a.lamports},"owner":${JSON.stringify(a.owner)},`
      + `"executable":${a.executable},"rentEpoch":${a.rentEpoch},"space":${a.space},"data":["${toBase64(a.data)}","base64"]}}`;
  }
  return entry.base64Json;
}

/** JSON.stringify that writes bigints as plain JSON numbers (u64 values such as rentEpoch) and RawJson as its text. */
export function stringify(value) {
  const raw = [];
  const text = JSON.stringify(value, (_k, v) => {
    if (typeof v === 'bigint') return `\u0000big:${v}`;
    if (v instanceof RawJson) { raw.push(v.text); return `\u0000raw:${raw.length - 1}`; }
    return v;
  }).replace(/"\\u0000big:(\d+)"/g, '$1');
  return raw.length === 0 ? text : text.replace(/"\\u0000raw:(\d+)"/g, (_m, i) => raw[Number(i)]);
}


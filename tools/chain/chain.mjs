// The chain: a litesvm instance plus what litesvm lacks for an RPC node — slots, a
// block height, a window of valid blockhashes, and the ledger of landed transactions.
import { LiteSVM, Account, Clock } from 'litesvm';
import { Ledger } from './ledger.mjs';
import { RpcError, CODES, txErrorJson, errorLands, describeTxError } from './errors.mjs';
import { parseTransaction, toBase58, fromBase58, toBase64 } from './wire.mjs';
import { ALT_PROGRAM, MEMO_PROGRAMS, isTokenAccount, isMint, parseTokenAccount, parseMint, uiTokenAmount } from './tokens.mjs';

/** A blockhash stays usable for this many blocks (agave MAX_PROCESSING_AGE ≈ 150). */
export const BLOCKHASH_LIFETIME = 150;
export const U64_MAX = 18446744073709551615n;
const SLOT_HASHES_MAX = 512;
const ALT_HEADER_LEN = 56; // lookup-table metadata; addresses follow, 32 bytes each

export class Chain {
  constructor({ slotMs = 400, log = () => {} } = {}) {
    this.svm = new LiteSVM().inner; // the napi object: raw-byte send/simulate live here
    // litesvm only accepts its single latest blockhash; we keep a window of 150 blocks
    // ourselves (see checkBlockhash) and switch litesvm's own check off.
    this.svm.setBlockhashCheck(false);
    this.slotMs = slotMs;
    this.log = log;
    this.ledger = new Ledger();
    // getProgramAccounts answers from a per-owner snapshot until an account changes (a landed transaction or
    // setAccount): an indexer asking for the same program's accounts type by type reads the SVM once.
    this.accountsVersion = 0;
    this.programAccountCache = new Map(); // owner → {version, list}
    this.blockhashes = new Map(); // blockhash → lastValidBlockHeight
    this.genesisHash = this.svm.latestBlockhash();
    this.slot = 0;
    this.blockHeight = 0;
    // Hooks for the PubSub endpoint (ws.mjs).
    this.onSlot = () => {};
    this.onLanded = () => {};
    this.advance();
  }

  /** Produce blocks on a timer; unref'd so it never keeps the process alive. */
  start() {
    this.timer = setInterval(() => this.advance(), this.slotMs);
    this.timer.unref();
  }

  stop() {
    clearInterval(this.timer);
  }

  /** One new block: next slot and height, fresh blockhash, clock set to wall time. */
  advance() {
    this.slot += 1;
    this.blockHeight += 1;
    this.svm.warpToSlot(BigInt(this.slot));
    const clock = this.svm.getClock();
    this.svm.setClock(new Clock(BigInt(this.slot), clock.epochStartTimestamp, clock.epoch,
      clock.leaderScheduleEpoch, BigInt(Math.floor(Date.now() / 1000))));
    if (this.slot > 1) this.svm.expireBlockhash();
    this.blockhashes.set(this.svm.latestBlockhash(), this.blockHeight + BLOCKHASH_LIFETIME);
    this.recordSlotHash();
    for (const [hash, lastValid] of this.blockhashes) {
      if (lastValid < this.blockHeight) this.blockhashes.delete(hash);
    }
    this.onSlot(this.slot);
  }

  /**
   * Keeps the SlotHashes sysvar (newest first, ≤512 entries) in step with our slots:
   * programs read it, e.g. the lookup-table program's "is a recent slot" check.
   */
  recordSlotHash() {
    this.slotHashes ??= [];
    this.slotHashes.unshift({ slot: BigInt(this.slot), hash: this.svm.latestBlockhash() });
    if (this.slotHashes.length > SLOT_HASHES_MAX) this.slotHashes.length = SLOT_HASHES_MAX;
    this.svm.setSlotHashes(this.slotHashes);
  }

  latestBlockhash() {
    const blockhash = this.svm.latestBlockhash();
    return { blockhash, lastValidBlockHeight: this.blockhashes.get(blockhash) };
  }

  isBlockhashValid(blockhash) {
    const lastValid = this.blockhashes.get(blockhash);
    return lastValid !== undefined && lastValid >= this.blockHeight;
  }

  blockTime() {
    return Math.floor(Date.now() / 1000);
  }

  // ---- accounts -------------------------------------------------------------

  /** @returns {{lamports:bigint, owner:string, data:Uint8Array, executable:boolean, rentEpoch:bigint, space:number}|null} */
  getAccount(address) {
    const acc = this.svm.getAccount(fromBase58(address));
    return acc ? toAccountInfo(acc) : null;
  }

  /** Writes an account verbatim (seeding only; bypasses the runtime). */
  setAccount(address, { lamports, owner, data = new Uint8Array(0), executable = false }) {
    this.svm.setAccount(fromBase58(address),
      new Account(BigInt(lamports), data, fromBase58(owner), executable, U64_MAX));
    this.accountsVersion += 1;
  }

  /** The accounts owned by `programId` (callers must not modify them: they are shared until the next change). */
  programAccounts(programId) {
    const cached = this.programAccountCache.get(programId);
    if (cached && cached.version === this.accountsVersion) return cached.list;
    // The owner is programId for every one of them: it is not read back and re-encoded account by account.
    const list = this.svm.getProgramAccounts(fromBase58(programId))
      .map((a) => ({ pubkey: toBase58(a.address), account: toAccountInfo(a.account(), programId) }));
    this.programAccountCache.set(programId, { version: this.accountsVersion, list });
    return list;
  }

  rentExempt(dataLen) {
    return this.svm.minimumBalanceForRentExemption(BigInt(dataLen));
  }

  // ---- transactions ----------------------------------------------------------

  /**
   * Account keys as the runtime sees them: static keys, then addresses loaded from
   * lookup tables (all writable ones across tables, then all readonly ones).
   * A missing table is left for litesvm to report.
   */
  resolveKeys(tx) {
    const staticKeys = tx.staticKeys.map(toBase58);
    const writable = [];
    const readonly = [];
    for (const lookup of tx.lookups) {
      const table = this.getAccount(toBase58(lookup.accountKey));
      if (!table || table.owner !== ALT_PROGRAM) continue;
      const at = (i) => toBase58(table.data.subarray(ALT_HEADER_LEN + 32 * i, ALT_HEADER_LEN + 32 * (i + 1)));
      lookup.writableIndexes.forEach((i) => writable.push(at(i)));
      lookup.readonlyIndexes.forEach((i) => readonly.push(at(i)));
    }
    return { accountKeys: [...staticKeys, ...writable, ...readonly], loadedAddresses: { writable, readonly } };
  }

  /** Lamports and token balances of `keys`, in the shape of getTransaction's meta. */
  snapshot(keys) {
    const lamports = [];
    const tokenBalances = [];
    const decimalsByMint = new Map();
    keys.forEach((key, accountIndex) => {
      const acc = this.getAccount(key);
      lamports.push(acc ? acc.lamports : 0n);
      if (!isTokenAccount(acc)) return;
      const t = parseTokenAccount(acc);
      if (!decimalsByMint.has(t.mint)) {
        const mint = this.getAccount(t.mint);
        decimalsByMint.set(t.mint, isMint(mint) ? parseMint(mint).decimals : 0);
      }
      tokenBalances.push({ accountIndex, mint: t.mint, owner: t.owner, programId: t.programId,
        uiTokenAmount: uiTokenAmount(t.amount, decimalsByMint.get(t.mint)) });
    });
    return { lamports, tokenBalances };
  }

  /** Parses wire bytes or throws -32602 like agave's decode_and_deserialize. */
  parse(raw) {
    try {
      return parseTransaction(raw);
    } catch (e) {
      throw new RpcError(CODES.INVALID_PARAMS, `failed to deserialize solana_transaction::versioned::VersionedTransaction: ${e.message}`);
    }
  }

  /** Checks that run before execution; returns a JSON TransactionError or null. */
  precheck(tx, signature, { checkBlockhash = true } = {}) {
    // Agave checks the age first: a replay of an expired tx reports BlockhashNotFound.
    if (checkBlockhash && !this.isBlockhashValid(toBase58(tx.recentBlockhash))) return 'BlockhashNotFound';
    if (this.ledger.get(signature)) return 'AlreadyProcessed';
    return null;
  }

  /** Runs litesvm's simulate with sigverify on or off; returns a normalised result. */
  runSimulation(raw, tx, sigVerify) {
    this.svm.setSigverify(sigVerify);
    try {
      const res = tx.version === 'legacy' ? this.svm.simulateLegacyTransaction(raw) : this.svm.simulateVersionedTransaction(raw);
      return normaliseResult(res);
    } finally {
      this.svm.setSigverify(true);
    }
  }

  /**
   * simulateTransaction. Options: sigVerify (default false, as on agave),
   * replaceRecentBlockhash (skip the age check and report the blockhash used).
   */
  simulate(raw, { sigVerify = false, replaceRecentBlockhash = false } = {}) {
    const tx = this.parse(raw);
    const signature = toBase58(tx.signatures[0] ?? new Uint8Array(64));
    const early = this.precheck(tx, signature, { checkBlockhash: !replaceRecentBlockhash });
    if (early === 'BlockhashNotFound') {
      return { err: early, logs: [], unitsConsumed: 0n, returnData: null, postAccounts: [], tx };
    }
    return { ...this.runSimulation(raw, tx, sigVerify), tx };
  }

  /**
   * sendTransaction. With preflight, failures become RPC errors (-32002 / -32003).
   * With skipPreflight the signature is returned even when the tx is dropped, as a
   * real node does; a dropped tx never gets a status.
   */
  send(raw, { skipPreflight = false } = {}) {
    const tx = this.parse(raw);
    if (tx.signatures.length === 0) throw new RpcError(CODES.INVALID_PARAMS, 'invalid transaction: no signatures');
    const signature = toBase58(tx.signatures[0]);

    if (!skipPreflight) {
      const early = this.precheck(tx, signature);
      const sim = early ? { err: early, logs: [], unitsConsumed: 0n, returnData: null } : this.runSimulation(raw, tx, true);
      if (sim.err === 'SignatureFailure') {
        throw new RpcError(CODES.TRANSACTION_SIGNATURE_VERIFICATION_FAILURE, 'Transaction signature verification failure');
      }
      if (sim.err) {
        throw new RpcError(CODES.SEND_TRANSACTION_PREFLIGHT_FAILURE,
          `Transaction simulation failed: ${describeTxError(sim.err)}`,
          { err: sim.err, logs: sim.logs, unitsConsumed: sim.unitsConsumed, accounts: null, returnData: jsonReturnData(sim.returnData) });
      }
    } else {
      const early = this.precheck(tx, signature);
      if (early) {
        this.log(`dropped ${signature}: ${early}`);
        return signature;
      }
    }
    this.execute(raw, tx, signature);
    return signature;
  }

  /** Executes for real, recording the transaction in the ledger if it lands. */
  execute(raw, tx, signature) {
    const { accountKeys, loadedAddresses } = this.resolveKeys(tx);
    const pre = this.snapshot(accountKeys);
    const res = normaliseResult(tx.version === 'legacy' ? this.svm.sendLegacyTransaction(raw) : this.svm.sendVersionedTransaction(raw));
    this.accountsVersion += 1; // fees are charged even when the transaction is dropped
    if (res.err && !errorLands(res.err)) {
      this.log(`dropped ${signature}: ${JSON.stringify(res.err)}`);
      return { signature, err: res.err, landed: false };
    }
    const post = this.snapshot(accountKeys);
    const entry = {
      signature, slot: this.slot, blockTime: this.blockTime(), raw: new Uint8Array(raw), version: tx.version,
      accountKeys, loadedAddresses, err: res.err, memo: extractMemo(tx, accountKeys),
      meta: {
        err: res.err,
        status: res.err ? { Err: res.err } : { Ok: null },
        fee: res.fee,
        preBalances: pre.lamports,
        postBalances: post.lamports,
        innerInstructions: res.innerInstructions,
        logMessages: res.logs,
        preTokenBalances: pre.tokenBalances,
        postTokenBalances: post.tokenBalances,
        rewards: [],
        loadedAddresses,
        returnData: jsonReturnData(res.returnData) ?? undefined,
        computeUnitsConsumed: res.unitsConsumed,
      },
    };
    this.ledger.record(entry);
    this.onLanded(entry);
    return { signature, err: res.err, landed: true };
  }
}

function toAccountInfo(acc, owner = undefined) {
  const data = acc.data();
  return {
    lamports: acc.lamports(), owner: owner ?? toBase58(acc.owner()), data, executable: acc.executable(),
    rentEpoch: acc.rentEpoch(), space: data.length,
  };
}

/** litesvm result (TransactionMetadata | SimulatedTransactionInfo | Failed…) → plain object. */
function normaliseResult(res) {
  const failed = typeof res.err === 'function';
  const meta = failed ? res.meta() : typeof res.meta === 'function' ? res.meta() : res;
  const rd = meta.returnData();
  return {
    err: failed ? txErrorJson(res.err()) : null,
    logs: meta.logs(),
    unitsConsumed: meta.computeUnitsConsumed(),
    // The fee has no accessor in litesvm 1.5.0's bindings, but its Debug output prints it.
    fee: BigInt(/\bfee: (\d+)/.exec(meta.toString())?.[1] ?? 0),
    returnData: rd && rd.data().length > 0 ? { programId: toBase58(rd.programId()), data: rd.data() } : null,
    innerInstructions: meta.innerInstructions()
      .map((list, index) => ({
        index,
        instructions: list.map((ii) => {
          const ix = ii.instruction();
          return { programIdIndex: ix.programIdIndex(), accounts: Array.from(ix.accounts()), data: toBase58(ix.data()), stackHeight: ii.stackHeight() };
        }),
      }))
      .filter((x) => x.instructions.length > 0),
    postAccounts: typeof res.postAccounts === 'function'
      ? res.postAccounts().map((a) => ({ pubkey: toBase58(a.address), account: toAccountInfo(a.account()) }))
      : [],
  };
}

export function jsonReturnData(rd) {
  return rd ? { programId: rd.programId, data: [toBase64(rd.data), 'base64'] } : null;
}

/** getSignaturesForAddress's `memo`: "[len] text" per memo instruction, joined by "; ". */
function extractMemo(tx, accountKeys) {
  const memos = tx.instructions
    .filter((ix) => MEMO_PROGRAMS.has(accountKeys[ix.programIdIndex]))
    .map((ix) => {
      const text = Buffer.from(ix.data).toString('utf8');
      return `[${ix.data.length}] ${text}`;
    });
  return memos.length ? memos.join('; ') : null;
}

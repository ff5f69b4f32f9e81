// The record of landed transactions: what getTransaction, getSignatureStatuses and
// getSignaturesForAddress read. litesvm keeps no blocks, so we keep our own history.

/**
 * @typedef {object} LedgerEntry
 * @property {string} signature   base58 of the first signature (the txid)
 * @property {number} slot
 * @property {number} blockTime   unix seconds
 * @property {Uint8Array} raw     the wire transaction as sent
 * @property {'legacy'|0} version
 * @property {string[]} accountKeys static keys, then ALT-loaded writable, then loaded readonly
 * @property {{writable:string[], readonly:string[]}} loadedAddresses
 * @property {object|string|null} err  Solana JSON TransactionError, null on success
 * @property {string|null} memo   "[len] text" of each memo instruction, joined by "; "
 * @property {object} meta        getTransaction's meta (without the encoding-dependent parts)
 */

export class Ledger {
  constructor() {
    /** @type {Map<string, LedgerEntry>} */
    this.bySignature = new Map();
    /** @type {Map<string, LedgerEntry[]>} address → entries, oldest first */
    this.byAddress = new Map();
  }

  /** @param {LedgerEntry} entry */
  record(entry) {
    this.bySignature.set(entry.signature, entry);
    for (const key of new Set(entry.accountKeys)) {
      let list = this.byAddress.get(key);
      if (!list) this.byAddress.set(key, (list = []));
      list.push(entry);
    }
  }

  get(signature) {
    return this.bySignature.get(signature) ?? null;
  }

  /**
   * Newest first, like getSignaturesForAddress: start strictly after `before`,
   * stop before `until` (both signatures), at most `limit` entries.
   */
  signaturesFor(address, { limit = 1000, before, until } = {}) {
    const list = this.byAddress.get(address) ?? [];
    const out = [];
    let i = list.length - 1;
    if (before) {
      const idx = list.findIndex((e) => e.signature === before);
      // Agave answers an unknown `before` with an empty page rather than an error.
      if (idx < 0) return [];
      i = idx - 1;
    }
    for (; i >= 0 && out.length < limit; i--) {
      if (until && list[i].signature === until) break;
      out.push(list[i]);
    }
    return out;
  }
}

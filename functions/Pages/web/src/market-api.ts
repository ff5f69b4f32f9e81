// The market API's JSON (GET /api/market, GET /api/market/{modelId}) read into what the pages show.
// Amounts stay integers in smallest units (strings or numbers from the API, BigInt here).

import { toBigInt } from './common';

export interface Buyback {
  at: string | null;
  usdc: bigint | null;
  tokens: bigint | null;
  signature: string | null;
}

export interface Listing {
  modelId: string;
  mint: string;
  tokenProgram: string;
  track: string;
  transferFeeBps: bigint | null;
  decimals: number;
  supply: bigint | null;
  burned: bigint | null;
  vaultUsdc: bigint | null;
  vaultUsdcAccount: string | null;
  vaultAuthority: string | null;
  status: string | null;
  calls24h: bigint | null;
  revenue24h: bigint | null;
  calls30d: bigint | null;
  revenue30d: bigint | null;
  lastBuyback: Buyback | null;
  raw: Record<string, unknown>;
}

export interface Preview {
  modelId: string;
  ownedBy: string | null;
  inputPrice: bigint | null;
  outputPrice: bigint | null;
  calls30d: bigint | null;
  revenue30d: bigint | null;
  raw: Record<string, unknown>;
}

export interface Market {
  listings: Listing[];
  previews: Preview[];
}

export interface DailyPoint {
  day: string; // yyyy-mm-dd, UTC
  revenue: bigint;
  calls: bigint;
}

export interface HistoryEntry {
  kind: string;
  at: string | null;
  usdc: bigint | null;
  tokens: bigint | null;
  signature: string;
}

export interface SupplyPoint {
  at: string;
  supply: bigint;
}

export interface ModelDetail {
  listing: Listing | null;
  tokenized: boolean | null;
  daily: DailyPoint[];
  history: HistoryEntry[];
  supply: SupplyPoint[];
}

type Json = Record<string, unknown>;

const obj = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const arr = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** The first of several spellings the API may use for one field. */
function pick(source: Json, ...names: string[]): unknown {
  for (const name of names) {
    const path = name.split('.');
    let value: unknown = source;
    for (const part of path) value = obj(value)[part];
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

const str = (value: unknown): string | null => (typeof value === 'string' && value ? value : null);
const int = (value: unknown): bigint | null => toBigInt(value);

function buyback(value: unknown): Buyback | null {
  const b = obj(value);
  if (!Object.keys(b).length) return null;
  return {
    at: str(pick(b, 'at', 'time', 'blockTime', 'timestamp')),
    usdc: int(pick(b, 'usdcMicro', 'usdc', 'usdcSpent', 'usdcAmount', 'amountMicroUsdc', 'amount')),
    tokens: int(pick(b, 'tokensBurned', 'burned', 'tokens', 'tokenAmount')),
    signature: str(pick(b, 'signature', 'tx', 'transaction')),
  };
}

export function readListing(value: unknown): Listing {
  const l = obj(value);
  return {
    modelId: String(pick(l, 'modelId', 'model', 'id') ?? ''),
    mint: String(pick(l, 'mint', 'tokenMint') ?? ''),
    tokenProgram: String(pick(l, 'tokenProgram', 'program') ?? ''),
    track: String(pick(l, 'track') ?? ''),
    transferFeeBps: int(pick(l, 'transferFeeBps', 'transferFee.basisPoints', 'transferFee.bps')),
    decimals: Number(pick(l, 'decimals', 'mintDecimals') ?? 6),
    supply: int(pick(l, 'supply', 'supply.amount')),
    burned: int(pick(l, 'burned', 'burnedTotal', 'burnedAmount')),
    vaultUsdc: int(pick(l, 'vaultBalance', 'vaultUsdcMicro', 'vaultUsdc', 'vault.usdc', 'vault.balance')),
    vaultUsdcAccount: str(pick(l, 'vault', 'vaultUsdcAccount', 'vault.usdcAccount', 'vault.address')),
    vaultAuthority: str(pick(l, 'vaultAuthority', 'payTo')),
    status: str(pick(l, 'status')),
    calls24h: int(pick(l, 'calls24h', 'volume24h.calls', 'last24h.calls')),
    revenue24h: int(pick(l, 'revenue24hMicroUsdc', 'revenue24h', 'volume24h.revenue', 'last24h.revenue')),
    calls30d: int(pick(l, 'calls30d', 'volume30d.calls', 'last30d.calls')),
    revenue30d: int(pick(l, 'revenue30dMicroUsdc', 'revenue30d', 'volume30d.revenue', 'last30d.revenue')),
    lastBuyback: buyback(pick(l, 'lastBuyback')),
    raw: l,
  };
}

export function readMarket(value: unknown): Market {
  const m = obj(value);
  const listings = arr(pick(m, 'listings', 'data', 'models')).map(readListing).filter((l) => l.modelId);
  const previews = arr(pick(m, 'previews', 'preview', 'catalog'))
    .map((p) => {
      const o = obj(p);
      return {
        modelId: String(pick(o, 'modelId', 'model', 'id') ?? ''),
        ownedBy: str(pick(o, 'ownedBy', 'owned_by')),
        inputPrice: int(pick(o, 'inputPrice', 'pricing.input')),
        outputPrice: int(pick(o, 'outputPrice', 'pricing.output')),
        calls30d: int(pick(o, 'calls30d', 'volume30d.calls')),
        revenue30d: int(pick(o, 'revenue30d', 'volume30d.revenue')),
        raw: o,
      };
    })
    .filter((p) => p.modelId);
  return { listings, previews };
}

/** The revenue series of a card or a model page, oldest day first. */
export function readDaily(value: unknown): DailyPoint[] {
  return arr(value).map((p) => {
    const o = obj(p);
    return {
      day: String(pick(o, 'day', 'date') ?? '').slice(0, 10),
      revenue: int(pick(o, 'revenueMicroUsdc', 'revenue', 'usdc')) ?? 0n,
      calls: int(pick(o, 'calls', 'count')) ?? 0n,
    };
  });
}

export function readDetail(value: unknown): ModelDetail {
  const d = obj(value);
  const listingSource = pick(d, 'listing');
  const history = arr(pick(d, 'history', 'events')).map((h) => {
    const o = obj(h);
    return {
      kind: String(pick(o, 'kind', 'type') ?? ''),
      at: str(pick(o, 'at', 'time', 'blockTime', 'timestamp')),
      usdc: int(pick(o, 'usdcMicro', 'usdc', 'usdcSpent', 'usdcAmount', 'amountMicroUsdc')),
      tokens: int(pick(o, 'tokens', 'tokensBurned', 'burned', 'tokenAmount', 'amount')),
      signature: String(pick(o, 'signature', 'tx') ?? ''),
    };
  });
  // GET /api/market/{id} lists buybacks (amount: micro-USDC spent), burns (amount: token units) and the crank's
  // collections of the treasury's share (micro-USDC out of the vault, not a buyback) apart.
  for (const [kind, key, amountIs] of [
    ['buyback', 'buybacks', 'usdc'],
    ['burn', 'burns', 'tokens'],
    ['collection (treasury share)', 'collections', 'usdc'],
  ] as const) {
    for (const h of arr(pick(d, key))) {
      const o = obj(h);
      const amount = int(pick(o, 'amount'));
      history.push({
        kind,
        at: str(pick(o, 'at', 'time', 'blockTime', 'timestamp')),
        usdc: amountIs === 'usdc' ? amount : int(pick(o, 'usdc', 'usdcSpent')),
        tokens: amountIs === 'tokens' ? amount : int(pick(o, 'tokens', 'tokensBurned')),
        signature: String(pick(o, 'signature', 'tx') ?? ''),
      });
    }
  }
  history.sort((a, b) => (b.at ?? '').localeCompare(a.at ?? ''));
  const supply = arr(pick(d, 'supplyHistory', 'supply', 'supplyOverTime'))
    .map((s) => {
      const o = obj(s);
      return { at: String(pick(o, 'at', 'day', 'date', 'time') ?? ''), supply: int(pick(o, 'supply', 'amount')) ?? 0n };
    })
    .filter((s) => s.at);
  return {
    listing: listingSource ? readListing(listingSource) : pick(d, 'mint') ? readListing(d) : null,
    tokenized: typeof d.tokenized === 'boolean' ? d.tokenized : null,
    daily: readDaily(pick(d, 'daily', 'revenue30d', 'series', 'days')),
    history,
    supply,
  };
}

/** Thirty UTC days ending today, zero-filled where the API has no row. */
export function thirtyDays(points: DailyPoint[], today = new Date()): DailyPoint[] {
  const byDay = new Map(points.map((p) => [p.day, p]));
  const days: DailyPoint[] = [];
  const end = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  const last = points.length ? points[points.length - 1].day : null;
  const anchor = last && Date.parse(`${last}T00:00:00Z`) > end - 2 * 86_400_000 ? Date.parse(`${last}T00:00:00Z`) : end;
  for (let i = 29; i >= 0; i--) {
    const day = new Date(anchor - i * 86_400_000).toISOString().slice(0, 10);
    days.push(byDay.get(day) ?? { day, revenue: 0n, calls: 0n });
  }
  return days;
}

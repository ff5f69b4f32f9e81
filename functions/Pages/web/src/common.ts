// Shared by every page: formatting (integers in smallest units, times in the visitor's locale), the
// JSON fetch with the API's error shapes, DOM helpers and the page configuration the server injects.

export interface PageConfig {
  /** CAIP-2 network of the x402 rail, e.g. solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1 (devnet). */
  network: string;
  /** Query string of the explorer for this network ("" on mainnet, "?cluster=devnet" on devnet). */
  explorerCluster: string;
  /** Seconds between refreshes of live figures. */
  refreshSeconds: number;
  /** The route value of a model page (the model id), when there is one. */
  modelId?: string;
}

export const USDC_DECIMALS = 6;

export function config(): PageConfig {
  const node = document.getElementById('bourse-config');
  const parsed = node?.textContent ? (JSON.parse(node.textContent) as Partial<PageConfig>) : {};
  const query = new URLSearchParams(location.search).get('refresh');
  const refresh = query !== null && Number(query) >= 1 ? Number(query) : parsed.refreshSeconds ?? 15;
  return {
    network: parsed.network ?? '',
    explorerCluster: parsed.explorerCluster ?? '',
    refreshSeconds: refresh,
    modelId: parsed.modelId,
  };
}

/** An integer amount (number, bigint or decimal string) as a BigInt; null when it is not one. */
export function toBigInt(value: unknown): bigint | null {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return BigInt(value.trim());
  return null;
}

const grouping = new Intl.NumberFormat(undefined, { useGrouping: true, maximumFractionDigits: 0 });
const decimalSeparator = (1.5).toLocaleString(undefined).charAt(1);

/**
 * An integer amount in smallest units as a decimal in the visitor's locale, exactly (no floating
 * point): at least minFraction decimals, trailing zeros beyond that dropped.
 */
export function formatUnits(value: unknown, decimals: number, minFraction = 2): string {
  const amount = toBigInt(value);
  if (amount === null) return '—';
  const negative = amount < 0n;
  const abs = negative ? -amount : amount;
  const scale = 10n ** BigInt(decimals);
  const whole = abs / scale;
  let fraction = decimals > 0 ? (abs % scale).toString().padStart(decimals, '0') : '';
  while (fraction.length > Math.min(minFraction, decimals) && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  const wholeText = grouping.format(whole);
  return (negative ? '-' : '') + wholeText + (fraction ? decimalSeparator + fraction : '');
}

export const formatUsdc = (micro: unknown): string => formatUnits(micro, USDC_DECIMALS);

export function formatCount(value: unknown): string {
  const n = toBigInt(value);
  return n === null ? '—' : grouping.format(n);
}

/** Basis points as a percentage, e.g. 50 → "0.5%". */
export function formatBps(bps: unknown): string {
  const n = toBigInt(bps);
  return n === null ? '—' : `${formatUnits(n, 2, 0)}%`;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/** An ISO-8601 instant (or Unix seconds) in the visitor's locale and time zone. */
export function formatTime(value: unknown): string {
  const date = parseTime(value);
  return date ? dateTime.format(date) : '—';
}

export function formatClock(date: Date): string {
  return time.format(date);
}

export function parseTime(value: unknown): Date | null {
  if (typeof value === 'number') return new Date(value < 1e12 ? value * 1000 : value);
  if (typeof value === 'string' && value) {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  return null;
}

export function shorten(address: string, keep = 4): string {
  return address.length <= keep * 2 + 1 ? address : `${address.slice(0, keep)}…${address.slice(-keep)}`;
}

/** A model's page; a model id's slashes stay path separators (/market/google/gemma-3-27b-it). */
export const modelPath = (modelId: string): string => `/market/${modelId.split('/').map(encodeURIComponent).join('/')}`;

export function explorerUrl(kind: 'address' | 'tx', value: string, cfg: PageConfig): string {
  return `https://explorer.solana.com/${kind}/${encodeURIComponent(value)}${cfg.explorerCluster}`;
}

/** A failed API call: the HTTP status and the API's own message (problem details, OpenAI envelope, x402). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

export function describeBody(status: number, body: unknown): string {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const error = b.error as Record<string, unknown> | string | undefined;
    if (typeof b.detail === 'string' && b.detail) return b.detail;
    if (typeof b.title === 'string' && b.title) return b.title;
    if (error && typeof error === 'object' && typeof error.message === 'string') return error.message;
    if (typeof error === 'string') return error;
    if (typeof b.message === 'string') return b.message;
  }
  return status === 0 ? 'the server could not be reached' : `HTTP ${status}`;
}

export async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, ...init });
  } catch {
    throw new ApiError(0, 'the server could not be reached', null);
  }
  const text = await response.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  if (!response.ok) throw new ApiError(response.status, describeBody(response.status, body), body);
  return body as T;
}

type Child = Node | string | null | undefined | false;

/** Builds an element; text is always set as text, never parsed as HTML. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child);
  }
  return node;
}

export function link(href: string, text: string, attributes: Record<string, string | undefined> = {}): HTMLAnchorElement {
  const external = /^https?:/.test(href);
  return el('a', { href, ...(external ? { target: '_blank', rel: 'noopener' } : {}), ...attributes }, text);
}

/** A figure: its visible text, and the raw integer from the API in data-value (what the tests compare). */
export function figure(field: string, label: string, value: unknown, text: string): HTMLElement {
  return el(
    'div',
    { class: 'figure', 'data-field': field },
    el('dt', {}, label),
    el('dd', { 'data-value': value === undefined || value === null ? '' : String(value) }, text),
  );
}

export function setFigure(root: ParentNode, field: string, value: unknown, text: string): boolean {
  const dd = root.querySelector<HTMLElement>(`[data-field="${field}"] dd`);
  if (!dd) return false;
  const raw = value === undefined || value === null ? '' : String(value);
  const changed = dd.dataset.value !== raw;
  dd.dataset.value = raw;
  dd.textContent = text;
  if (changed) {
    dd.classList.remove('changed');
    void dd.offsetWidth; // restart the highlight
    dd.classList.add('changed');
  }
  return changed;
}

/** A status line: what is going on (loading, empty, error), with role=status so it is announced. */
export function showStatus(target: HTMLElement, kind: 'loading' | 'empty' | 'error' | 'ok', message: string): void {
  target.className = `status status-${kind}`;
  target.dataset.state = kind;
  target.textContent = message;
}

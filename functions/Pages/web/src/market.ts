// /market: every listed model token as a card, sorted by 30-day revenue, refreshed in place from
// GET /api/market (no page reload); preview cards for catalog models not tokenized yet.

import type uPlot from 'uplot';
import { sparkline, toFloat } from './charts';
import {
  ApiError,
  config,
  el,
  explorerUrl,
  fetchJson,
  figure,
  formatBps,
  formatClock,
  formatCount,
  formatTime,
  formatUnits,
  formatUsdc,
  link,
  modelPath,
  setFigure,
  shorten,
  showStatus,
  USDC_DECIMALS,
} from './common';
import { Listing, Preview, readDaily, readDetail, readMarket, thirtyDays } from './market-api';

const cfg = config();
const status = document.getElementById('status')!;
const cardsRoot = document.getElementById('listings')!;
const previewsRoot = document.getElementById('previews')!;
const previewsSection = document.getElementById('previews-section')!;
const updated = document.getElementById('updated')!;
const sparks = new Map<string, { plot: uPlot; revenue30d: string }>();

function trackText(l: Listing): string {
  const program = /2022|TokenzQd/i.test(l.tokenProgram) ? 'Token-2022' : l.tokenProgram ? 'SPL Token' : '';
  const track = l.track ? `Track ${l.track.replace(/^track\s*/i, '')}` : '';
  const status = l.status && l.status.toLowerCase() !== 'approved' ? l.status.toLowerCase() : '';
  return [track, program, status].filter(Boolean).join(' · ');
}

function figures(l: Listing): [string, string, unknown, string][] {
  return [
    ['vault', 'Vault (USDC)', l.vaultUsdc, formatUsdc(l.vaultUsdc)],
    ['supply', 'Supply', l.supply, formatUnits(l.supply, l.decimals, 0)],
    ['burned', 'Burned', l.burned, formatUnits(l.burned, l.decimals, 0)],
    ['transferFee', 'Transfer fee', l.transferFeeBps, l.transferFeeBps === null ? 'none' : formatBps(l.transferFeeBps)],
    ['calls24h', 'Calls 24h', l.calls24h, formatCount(l.calls24h)],
    ['revenue24h', 'Revenue 24h (USDC)', l.revenue24h, formatUsdc(l.revenue24h)],
    ['calls30d', 'Calls 30d', l.calls30d, formatCount(l.calls30d)],
    ['revenue30d', 'Revenue 30d (USDC)', l.revenue30d, formatUsdc(l.revenue30d)],
  ];
}

function buybackLine(l: Listing): HTMLElement {
  const line = el('p', { class: 'buyback', 'data-field': 'lastBuyback' });
  const b = l.lastBuyback;
  if (!b) {
    line.append('No buyback yet');
    return line;
  }
  line.append(`Last buyback ${formatTime(b.at)}: ${formatUsdc(b.usdc)} USDC`);
  if (b.tokens !== null) line.append(`, ${formatUnits(b.tokens, l.decimals, 0)} burned`);
  if (b.signature) {
    line.append(' · ');
    line.append(link(explorerUrl('tx', b.signature, cfg), shorten(b.signature, 6), { 'data-signature': b.signature }));
  }
  return line;
}

function card(l: Listing): HTMLElement {
  const article = el(
    'article',
    { class: 'card', 'data-model-id': l.modelId },
    el('header', {}, el('h3', {}, link(modelPath(l.modelId), l.modelId)), el('span', { class: 'badge', 'data-field': 'track' }, trackText(l))),
    el(
      'p',
      { class: 'mint' },
      'Mint ',
      l.mint ? link(explorerUrl('address', l.mint, cfg), shorten(l.mint, 6), { 'data-mint': l.mint, title: l.mint }) : '—',
    ),
    el('dl', { class: 'figures' }, ...figures(l).map(([field, label, value, text]) => figure(field, label, value, text))),
    el('div', { class: 'spark', 'aria-label': `30-day revenue of ${l.modelId}`, role: 'img' }),
    buybackLine(l),
  );
  return article;
}

function update(article: HTMLElement, l: Listing): void {
  for (const [field, , value, text] of figures(l)) setFigure(article, field, value, text);
  article.querySelector('[data-field="track"]')!.textContent = trackText(l);
  article.querySelector('.buyback')!.replaceWith(buybackLine(l));
}

async function drawSpark(article: HTMLElement, l: Listing): Promise<void> {
  const key = String(l.revenue30d ?? '');
  const existing = sparks.get(l.modelId);
  if (existing && existing.revenue30d === key) return;
  const inline = l.raw.daily ?? l.raw.revenueDaily ?? l.raw.revenue30dDaily;
  const daily = inline ? readDaily(inline) : readDetail(await fetchJson<unknown>(`/api${modelPath(l.modelId)}`, { cache: 'no-cache' })).daily;
  const days = thirtyDays(daily);
  const container = article.querySelector<HTMLElement>('.spark')!;
  existing?.plot.destroy();
  container.replaceChildren();
  const plot = sparkline(
    container,
    days.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000),
    days.map((d) => toFloat(d.revenue, USDC_DECIMALS)),
  );
  sparks.set(l.modelId, { plot, revenue30d: key });
}

function render(listings: Listing[]): void {
  const sorted = [...listings].sort((a, b) => {
    const d = (b.revenue30d ?? 0n) - (a.revenue30d ?? 0n);
    return d > 0n ? 1 : d < 0n ? -1 : a.modelId.localeCompare(b.modelId);
  });
  const existing = new Map([...cardsRoot.querySelectorAll<HTMLElement>('article.card')].map((a) => [a.dataset.modelId!, a]));
  const ordered: HTMLElement[] = [];
  for (const l of sorted) {
    let article = existing.get(l.modelId);
    if (article) {
      update(article, l);
      existing.delete(l.modelId);
    } else {
      article = card(l);
    }
    ordered.push(article);
  }
  for (const gone of existing.values()) gone.remove();
  ordered.forEach((article, i) => {
    if (cardsRoot.children[i] !== article) cardsRoot.insertBefore(article, cardsRoot.children[i] ?? null);
  });
  for (const l of sorted) {
    const article = ordered.find((a) => a.dataset.modelId === l.modelId)!;
    drawSpark(article, l).catch(() => article.querySelector('.spark')!.replaceChildren(el('span', { class: 'muted' }, 'revenue chart unavailable')));
  }
}

function renderPreviews(previews: Preview[]): void {
  previewsSection.hidden = previews.length === 0;
  const sorted = [...previews].sort((a, b) => {
    const d = (b.revenue30d ?? 0n) - (a.revenue30d ?? 0n);
    return d > 0n ? 1 : d < 0n ? -1 : a.modelId.localeCompare(b.modelId);
  });
  previewsRoot.replaceChildren(
    ...sorted.map((p) =>
      el(
        'article',
        { class: 'card preview', 'data-model-id': p.modelId },
        el('header', {}, el('h3', {}, p.modelId), el('span', { class: 'badge muted' }, 'not tokenized yet')),
        p.ownedBy ? el('p', { class: 'muted' }, `by ${p.ownedBy}`) : null,
        p.inputPrice !== null && p.outputPrice !== null
          ? el('p', { class: 'muted' }, `${formatUsdc(p.inputPrice)} in / ${formatUsdc(p.outputPrice)} out USDC per 1M tokens`)
          : null,
        p.calls30d !== null ? el('p', { class: 'muted' }, `${formatCount(p.calls30d)} calls, ${formatUsdc(p.revenue30d)} USDC in 30 days`) : null,
        el('p', {}, 'Served on Bourse today. ', link(`/creators/apply?model=${encodeURIComponent(p.modelId)}`, 'List its token →')),
      ),
    ),
  );
}

let failures = 0;

async function refresh(): Promise<void> {
  try {
    const market = readMarket(await fetchJson<unknown>('/api/market', { cache: 'no-cache' }));
    failures = 0;
    render(market.listings);
    renderPreviews(market.previews);
    if (market.listings.length === 0) {
      showStatus(status, 'empty', market.previews.length ? 'No model token is listed yet: the models below are served but not tokenized.' : 'No model token is listed yet.');
    } else {
      showStatus(status, 'ok', `${market.listings.length} listed model token${market.listings.length === 1 ? '' : 's'}, by 30-day revenue.`);
    }
    updated.textContent = `Updated ${formatClock(new Date())} · refreshes every ${cfg.refreshSeconds} s`;
    document.body.dataset.refreshes = String(Number(document.body.dataset.refreshes ?? '0') + 1);
  } catch (e) {
    failures++;
    const why = e instanceof ApiError ? (e.status === 404 ? 'the market API is not available on this deployment' : e.message) : String(e);
    const stale = cardsRoot.children.length > 0 ? ' Showing the last figures loaded.' : '';
    showStatus(status, 'error', `Could not load the market: ${why}.${stale} Retrying in ${cfg.refreshSeconds * Math.min(failures, 4)} s.`);
  }
}

async function loop(): Promise<void> {
  await refresh();
  setTimeout(loop, cfg.refreshSeconds * 1000 * Math.max(1, Math.min(failures, 4)));
}

document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') void refresh();
});
showStatus(status, 'loading', 'Loading the market…');
void loop();

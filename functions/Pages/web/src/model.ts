// /market/{modelId}: 30 UTC days of revenue (zero-filled), supply over time, and the buyback and burn
// history with amounts and transaction signatures, from GET /api/market/{modelId}.

import { revenueBars, supplyLine } from './charts';
import {
  ApiError,
  config,
  el,
  explorerUrl,
  fetchJson,
  figure,
  formatBps,
  formatCount,
  formatTime,
  formatUnits,
  formatUsdc,
  link,
  modelPath,
  parseTime,
  shorten,
  showStatus,
} from './common';
import { Listing, ModelDetail, readDetail, readMarket, thirtyDays } from './market-api';

const cfg = config();
const modelId = cfg.modelId ?? decodeURIComponent(location.pathname.replace(/^\/market\//, '').replace(/\/$/, ''));
const status = document.getElementById('status')!;
const title = document.getElementById('model-title')!;
const summary = document.getElementById('summary')!;
const content = document.getElementById('content')!;

function summaryFigures(l: Listing): HTMLElement {
  return el(
    'dl',
    { class: 'figures wide' },
    figure('vault', 'Vault (USDC)', l.vaultUsdc, formatUsdc(l.vaultUsdc)),
    figure('supply', 'Supply', l.supply, formatUnits(l.supply, l.decimals, 0)),
    figure('burned', 'Burned', l.burned, formatUnits(l.burned, l.decimals, 0)),
    figure('transferFee', 'Transfer fee', l.transferFeeBps, l.transferFeeBps === null ? 'none' : formatBps(l.transferFeeBps)),
    figure('calls30d', 'Calls 30d', l.calls30d, formatCount(l.calls30d)),
    figure('revenue30d', 'Revenue 30d (USDC)', l.revenue30d, formatUsdc(l.revenue30d)),
  );
}

function renderSummary(l: Listing): void {
  summary.replaceChildren(
    el(
      'p',
      { class: 'mint' },
      'Mint ',
      link(explorerUrl('address', l.mint, cfg), l.mint, { 'data-mint': l.mint }),
      l.track ? ` · Track ${l.track.replace(/^track\s*/i, '')}` : '',
      l.vaultUsdcAccount ? ' · vault ' : '',
      l.vaultUsdcAccount ? link(explorerUrl('address', l.vaultUsdcAccount, cfg), shorten(l.vaultUsdcAccount, 6), { title: l.vaultUsdcAccount }) : '',
    ),
    summaryFigures(l),
  );
}

function renderRevenue(detail: ModelDetail): HTMLElement {
  const days = thirtyDays(detail.daily);
  const chart = el('div', { class: 'chart', id: 'revenue-chart', 'data-days': String(days.length) });
  const table = el(
    'table',
    { id: 'revenue-table' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'UTC day'), el('th', { scope: 'col', class: 'num' }, 'Calls'), el('th', { scope: 'col', class: 'num' }, 'Revenue (USDC)'))),
    el(
      'tbody',
      {},
      ...[...days].reverse().map((d) =>
        el('tr', { 'data-day': d.day }, el('td', {}, d.day), el('td', { class: 'num' }, formatCount(d.calls)), el('td', { class: 'num', 'data-value': String(d.revenue) }, formatUsdc(d.revenue))),
      ),
    ),
  );
  const section = el(
    'section',
    { 'aria-labelledby': 'revenue-heading' },
    el('h2', { id: 'revenue-heading' }, 'Daily inference revenue, last 30 UTC days'),
    chart,
    el('details', {}, el('summary', {}, 'The figures by day'), table),
  );
  content.append(section);
  revenueBars(
    chart,
    days.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000),
    days.map((d) => d.revenue),
  );
  return section;
}

function renderSupply(detail: ModelDetail, decimals: number): void {
  const section = el('section', { 'aria-labelledby': 'supply-heading' }, el('h2', { id: 'supply-heading' }, 'Supply over time'));
  content.append(section);
  const points = detail.supply.map((s) => ({ at: parseTime(s.at.length === 10 ? `${s.at}T00:00:00Z` : s.at), supply: s.supply })).filter((p) => p.at);
  if (points.length < 2) {
    section.append(el('p', { class: 'muted' }, points.length ? `Supply has been ${formatUnits(points[0].supply, decimals, 0)} since it was first indexed.` : 'No supply history yet: it starts with the first indexer cycle.'));
    return;
  }
  const chart = el('div', { class: 'chart', id: 'supply-chart' });
  section.append(chart);
  supplyLine(
    chart,
    points.map((p) => p.at!.getTime() / 1000),
    points.map((p) => p.supply),
    decimals,
  );
}

function renderHistory(detail: ModelDetail, decimals: number): void {
  const section = el('section', { 'aria-labelledby': 'history-heading' }, el('h2', { id: 'history-heading' }, 'Buybacks and burns'));
  content.append(section);
  if (detail.history.length === 0) {
    section.append(el('p', { class: 'muted', id: 'history-empty' }, 'No buyback or burn yet. They appear here once the crank has bought and burned this token.'));
    return;
  }
  section.append(
    el(
      'div',
      { class: 'scroll' },
      el(
        'table',
        { id: 'history' },
        el(
          'thead',
          {},
          el('tr', {}, ...['Time', 'What', 'USDC', 'Tokens', 'Transaction'].map((h) => el('th', { scope: 'col', class: h === 'USDC' || h === 'Tokens' ? 'num' : undefined }, h))),
        ),
        el(
          'tbody',
          {},
          ...detail.history.map((h) =>
            el(
              'tr',
              { 'data-signature': h.signature },
              el('td', {}, formatTime(h.at)),
              el('td', {}, h.kind),
              el('td', { class: 'num' }, h.usdc === null ? '—' : formatUsdc(h.usdc)),
              el('td', { class: 'num' }, h.tokens === null ? '—' : formatUnits(h.tokens, decimals, 0)),
              el('td', {}, h.signature ? link(explorerUrl('tx', h.signature, cfg), shorten(h.signature, 8), { title: h.signature, class: 'signature' }) : '—'),
            ),
          ),
        ),
      ),
    ),
  );
}

async function load(): Promise<void> {
  title.textContent = modelId;
  document.title = `${modelId} · Bourse market`;
  showStatus(status, 'loading', 'Loading…');
  let detail: ModelDetail;
  try {
    detail = readDetail(await fetchJson<unknown>(`/api${modelPath(modelId)}`, { cache: 'no-cache' }));
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      showStatus(status, 'error', `${modelId} is not a listed model token. `);
      status.append(link('/market', 'See the market'));
    } else {
      showStatus(status, 'error', `Could not load ${modelId}: ${e instanceof Error ? e.message : String(e)}. Reload to try again.`);
    }
    return;
  }
  let listing = detail.listing;
  if (!listing) {
    try {
      listing = readMarket(await fetchJson<unknown>('/api/market', { cache: 'no-cache' })).listings.find((l) => l.modelId === modelId) ?? null;
    } catch {
      listing = null;
    }
  }
  if (listing) renderSummary(listing);
  const decimals = listing?.decimals ?? 6;
  content.replaceChildren();
  renderRevenue(detail);
  renderSupply(detail, decimals);
  renderHistory(detail, decimals);
  if (!listing && detail.tokenized === false) {
    showStatus(status, 'empty', `${modelId} is served on Bourse but not tokenized yet: no token, vault or buybacks. `);
    status.append(link(`/creators/apply?model=${encodeURIComponent(modelId)}`, 'List its token'));
  } else {
    showStatus(status, 'ok', '');
  }
  document.body.dataset.loaded = 'true';
}

void load();

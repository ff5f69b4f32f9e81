// uPlot charts: a card's sparkline, a model's daily revenue bars and its supply line. Charts draw
// floats; every exact figure is also in the page as text (tables, figures).

import uPlot from 'uplot';
import { formatUnits, USDC_DECIMALS } from './common';

const accent = '#2f6fed';
const fill = 'rgba(47, 111, 237, 0.18)';

/** Smallest units → a float for drawing only. */
export const toFloat = (amount: bigint, decimals: number): number => Number(amount) / 10 ** decimals;

function observeWidth(container: HTMLElement, plot: uPlot, height: number): void {
  if (typeof ResizeObserver === 'undefined') return;
  new ResizeObserver(() => {
    const width = Math.max(120, container.clientWidth);
    if (Math.abs(width - plot.width) > 1) plot.setSize({ width, height });
  }).observe(container);
}

export function sparkline(container: HTMLElement, days: number[], values: number[]): uPlot {
  const height = 40;
  const plot = new uPlot(
    {
      width: Math.max(120, container.clientWidth),
      height,
      cursor: { show: false },
      legend: { show: false },
      select: { show: false, left: 0, top: 0, width: 0, height: 0 },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max : 1] } },
      axes: [{ show: false }, { show: false }],
      series: [{}, { stroke: accent, fill, width: 1.5, points: { show: false } }],
    },
    [days, values],
    container,
  );
  container.dataset.points = String(values.length);
  observeWidth(container, plot, height);
  return plot;
}

export function revenueBars(container: HTMLElement, days: number[], micro: bigint[]): uPlot {
  const height = 260;
  const values = micro.map((m) => toFloat(m, USDC_DECIMALS));
  const byTime = new Map(days.map((d, i) => [d, micro[i]]));
  const plot = new uPlot(
    {
      width: Math.max(280, container.clientWidth),
      height,
      legend: { show: true },
      // Half a day of room at each end, so the first and last bars are whole.
      scales: { x: { time: true, range: (_u, min, max) => [min - 43_200, max + 43_200] }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [
        { values: (_u, splits) => splits.map((s) => new Date(s * 1000).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' })) },
        { size: 84, values: (_u, splits) => splits.map((s) => s.toLocaleString(undefined, { maximumFractionDigits: 6 })) },
      ],
      series: [
        { label: 'UTC day', value: (_u, v) => (v == null ? '—' : new Date(v * 1000).toISOString().slice(0, 10)) },
        {
          label: 'Revenue (USDC)',
          stroke: accent,
          fill,
          paths: uPlot.paths.bars!({ size: [0.7, 40] }),
          points: { show: false },
          value: (_u, _v, _s, idx) => (idx == null ? '—' : formatUnits(byTime.get(days[idx]) ?? 0n, USDC_DECIMALS)),
        },
      ],
    },
    [days, values],
    container,
  );
  container.dataset.points = String(values.length);
  observeWidth(container, plot, height);
  return plot;
}

export function supplyLine(container: HTMLElement, times: number[], amounts: bigint[], decimals: number): uPlot {
  const height = 200;
  const plot = new uPlot(
    {
      width: Math.max(280, container.clientWidth),
      height,
      scales: { x: { time: true } },
      axes: [{}, { size: 90, values: (_u, splits) => splits.map((s) => s.toLocaleString(undefined, { maximumFractionDigits: 2 })) }],
      series: [
        {},
        {
          label: 'Supply',
          stroke: '#b5451b',
          width: 2,
          value: (_u, _v, _s, idx) => (idx == null ? '—' : formatUnits(amounts[idx], decimals, 0)),
        },
      ],
    },
    [times, amounts.map((a) => toFloat(a, decimals))],
    container,
  );
  container.dataset.points = String(times.length);
  observeWidth(container, plot, height);
  return plot;
}
